import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/** A scheduler under test, started by the benchmark in its own process group. */
export interface SchedulerProcess {
  pid: number;
  /** performance.now() just before spawn(): the start of the benchmark's clock. */
  spawnedAt: number;
  /** performance.now() when `readyLine` appeared (undefined before, or without a ready line). */
  readyAt(): number | undefined;
  /** Exit code or signal once it exited, else undefined. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** The last lines it wrote (stdout and stderr), for failure reports. */
  tail(lines?: number): string;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `command args` detached (own process group, so whatever it forks is stopped with it), both output streams
 * appended to `logFile` and the last lines kept in memory. `readyLine`, when given, is looked for in its output.
 * Never throws for a command that exits at once: `exit()` says so.
 */
export function spawnScheduler(
  command: string,
  args: readonly string[],
  logFile: string,
  readyLine?: string,
  env: NodeJS.ProcessEnv = process.env,
): SchedulerProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  log.write(`# ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  const spawnedAt = performance.now();
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  let readyAt: number | undefined;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const recent: string[] = [];
  let partial = '';
  const onData = (chunk: Buffer): void => {
    log.write(chunk);
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      recent.push(line);
      if (recent.length > 50) recent.shift();
      if (readyLine && readyAt === undefined && line.includes(readyLine)) readyAt = performance.now();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const done = new Promise<void>((resolve) => {
    child.on('error', (err) => {
      recent.push(`spawn failed: ${err.message}`);
      exited ??= { code: -1, signal: null };
      resolve();
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  void done.then(() => log.end());

  const signalGroup = (sig: NodeJS.Signals): void => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        /* already gone */
      }
    }
  };
  return {
    pid: child.pid ?? -1,
    spawnedAt,
    readyAt: () => readyAt,
    exit: () => exited,
    tail: (n = 10) =>
      [...recent, partial]
        .filter((l) => l.trim() !== '')
        .slice(-n)
        .join('\n'),
    async stop(graceMs = 10_000): Promise<void> {
      signalGroup('SIGTERM');
      const killer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await done;
      clearTimeout(killer);
    },
  };
}
