/**
 * Reading YARN AM commands. A command is data from the submitter: it is tokenized here only to *read* settings
 * (Spark's -D properties, DistributedShell's flags); it runs only inside the app's own pod, through that pod's shell.
 */

/** Splits a command line as a POSIX shell would (quotes and backslashes; no expansion). Unbalanced quotes throw. */
export function tokenize(command: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1]!)) cur += command[++i];
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inToken = true;
    } else if (c === '\\' && i + 1 < command.length) {
      cur += command[++i];
      inToken = true;
    } else if (/\s/.test(c)) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else {
      cur += c;
      inToken = true;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} quote in the AM command`);
  if (inToken) out.push(cur);
  return out;
}

/**
 * YARN's cross-platform tokens as the pod's shell understands them (the NodeManager does the same substitution):
 * `{{VAR}}` → `$VAR`, `<CPS>` → `:`, `<LOG_DIR>` → `$LOG_DIR`.
 */
export function expandYarnTokens(text: string): string {
  return text
    .replace(/\{\{([A-Z_][A-Z0-9_]*)\}\}/g, (_m, v: string) => `$${v}`)
    .replace(/<CPS>/g, ':')
    .replace(/<LOG_DIR>/g, '$LOG_DIR');
}

/** `-Dkey=value` system properties and `-D key=value` dynamic properties (Flink's form) of a command line. */
export function systemProperties(tokens: readonly string[]): Map<string, string> {
  const props = new Map<string, string>();
  tokens.forEach((t, i) => {
    const joined = /^-D([^=\s]+)=(.*)$/s.exec(t);
    if (joined?.[1]) {
      props.set(joined[1], joined[2] ?? '');
      return;
    }
    const next = tokens[i + 1];
    if (t === '-D' && next !== undefined) {
      const m = /^([^=\s]+)=(.*)$/s.exec(next);
      if (m?.[1]) props.set(m[1], m[2] ?? '');
    }
  });
  return props;
}

/** Flink's MemorySize (`1728m`, `4 gb`, `268435456b`, a bare number in bytes) in MiB, rounded up. */
export function flinkSizeMiB(text: string): number | undefined {
  const m = /^\s*(\d+)\s*(b|bytes|k|kb|kibibytes|m|mb|mebibytes|g|gb|gibibytes|t|tb|tebibytes)?\s*$/i.exec(text);
  if (!m?.[1]) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase()[0] ?? 'b';
  const bytesPer: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  return Math.ceil((Number(m[1]) * (bytesPer[unit] ?? 1)) / 1024 ** 2);
}

/** The value following `flag` (`--class X`), or undefined. */
export function flagValue(tokens: readonly string[], flag: string): string | undefined {
  const i = tokens.indexOf(flag);
  return i >= 0 ? tokens[i + 1] : undefined;
}

/** Every value following `flag` (`--arg a --arg b`). */
export function flagValues(tokens: readonly string[], flag: string): string[] {
  const out: string[] = [];
  tokens.forEach((t, i) => {
    if (t === flag && tokens[i + 1] !== undefined) out.push(tokens[i + 1]!);
  });
  return out;
}

/**
 * JVM-style sizes (`4g`, `512m`, `1024k`, `2t`, bare numbers in `defaultUnit`) in MiB, rounded up; undefined when
 * not a size. Spark reads `spark.executor.memory` with MiB as the bare unit.
 */
export function sizeMiB(text: string, defaultUnit: 'k' | 'm' | 'g' = 'm'): number | undefined {
  const m = /^\s*(\d+)\s*([kmgtp]?)b?\s*$/i.exec(text);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] || defaultUnit).toLowerCase();
  const factor: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024, p: 1024 ** 3 };
  return Math.ceil(n * (factor[unit] ?? 1));
}
