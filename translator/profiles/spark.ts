import { amRole, type Profile, type ProfileResult } from './profile.ts';
import { sizeMiB, systemProperties, tokenize } from './command.ts';

/** Spark's defaults where a submission does not say (Spark 3.x). */
export const SPARK_DEFAULTS = {
  executorInstances: 2,
  executorMemoryMiB: 1024,
  executorCores: 1,
  overheadFactor: 0.1,
  minOverheadMiB: 384,
};

/**
 * SPARK: the driver (the AM, Spark's ApplicationMaster in cluster mode) plus executors. Executor shape comes from
 * `-Dspark.*` properties on the AM command and `spark.*=` application tags (Spark's own conf file lives in HDFS, out
 * of reach); memory adds Spark's overhead, max(384 MiB, 10%). With dynamic allocation the gang needs only the
 * minimum executors; the rest may come later. Executors are placeholders the driver replaces with its own pods.
 */
export const sparkProfile: Profile = (input): ProfileResult => {
  const command = input.submission['am-container-spec'].commands.join(' ');
  let tokens: string[];
  try {
    tokens = tokenize(command);
  } catch (err) {
    return { ok: false, diagnostics: `Cannot read the Spark AM command: ${(err as Error).message}` };
  }
  if (tokens.length === 0) return { ok: false, diagnostics: 'The Spark submission has no AM command.' };
  const props = systemProperties(tokens);
  for (const tag of input.app.tags) {
    const m = /^(spark\.[a-z0-9.]+)=(.*)$/.exec(tag);
    if (m?.[1] && !props.has(m[1])) props.set(m[1], m[2] ?? '');
  }
  const int = (key: string, fallback: number): number | string => {
    const v = props.get(key);
    if (v === undefined) return fallback;
    return /^\d+$/.test(v.trim()) ? Number(v) : `${key}=${v} is not a whole number`;
  };
  const mem = (key: string, fallback: number): number | string => {
    const v = props.get(key);
    if (v === undefined) return fallback;
    return sizeMiB(v) ?? `${key}=${v} is not a memory size`;
  };
  const dynamic = props.get('spark.dynamicAllocation.enabled')?.trim().toLowerCase() === 'true';
  const instances = int('spark.executor.instances', SPARK_DEFAULTS.executorInstances);
  const minExecutors = int('spark.dynamicAllocation.minExecutors', 0);
  const initialExecutors = int(
    'spark.dynamicAllocation.initialExecutors',
    typeof minExecutors === 'number' ? minExecutors : 0,
  );
  const maxExecutors = int('spark.dynamicAllocation.maxExecutors', Number.MAX_SAFE_INTEGER);
  const cores = int('spark.executor.cores', SPARK_DEFAULTS.executorCores);
  const memory = mem('spark.executor.memory', SPARK_DEFAULTS.executorMemoryMiB);
  const problems = [instances, minExecutors, initialExecutors, maxExecutors, cores, memory].filter(
    (v): v is string => typeof v === 'string',
  );
  if (problems.length) return { ok: false, diagnostics: `Invalid Spark configuration: ${problems.join('; ')}` };
  const memoryMiB = memory as number;
  const overhead = mem(
    'spark.executor.memoryOverhead',
    Math.max(SPARK_DEFAULTS.minOverheadMiB, Math.floor(memoryMiB * SPARK_DEFAULTS.overheadFactor)),
  );
  if (typeof overhead === 'string') return { ok: false, diagnostics: `Invalid Spark configuration: ${overhead}` };
  if ((cores as number) < 1)
    return { ok: false, diagnostics: 'Invalid Spark configuration: spark.executor.cores must be at least 1' };

  const executors = dynamic
    ? Math.min(
        maxExecutors as number,
        Math.max(
          minExecutors as number,
          initialExecutors as number,
          props.has('spark.executor.instances') ? (instances as number) : 0,
        ),
      )
    : (instances as number);
  const gangExecutors = dynamic ? (minExecutors as number) : executors;
  if (dynamic && (minExecutors as number) > (maxExecutors as number)) {
    return {
      ok: false,
      diagnostics: 'Invalid Spark configuration: spark.dynamicAllocation.minExecutors exceeds maxExecutors',
    };
  }
  const roles = [amRole(input, 'driver', 'am')];
  if (executors > 0) {
    roles.push({
      name: 'executor',
      yarnRole: 'executor',
      count: executors,
      cpuMilli: (cores as number) * 1000,
      memoryMiB: memoryMiB + overhead,
      placeholders: true,
    });
  }
  return {
    ok: true,
    plan: {
      profile: 'spark',
      roles,
      minMember: 1 + gangExecutors,
      notes: {
        dynamicAllocation: dynamic,
        executors,
        executorCores: cores,
        executorMemoryMiB: memoryMiB,
        executorOverheadMiB: overhead,
        mainClass: tokens[tokens.indexOf('--class') + 1] ?? '',
      },
    },
  };
};
