import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';

/** A background process the local cluster started, as recorded in its state file. */
export interface ManagedProcess {
  name: string;
  pid: number;
  binary: string;
  args: string[];
  log: string;
}

/**
 * Starts `binary` detached in its own session with output appended to `log`, so it outlives the CLI that started
 * it and `down` can stop it (and anything it spawned) as a process group.
 */
export function startDetached(
  name: string,
  binary: string,
  args: string[],
  log: string,
  env: NodeJS.ProcessEnv = process.env,
): ManagedProcess {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd], env });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${binary})`);
    child.unref();
    // The real path is what /proc/<pid>/exe shows (Debian's redis-server, for one, is a symlink).
    return { name, pid: child.pid, binary: realpathSync(binary), args, log };
  } finally {
    closeSync(fd);
  }
}

/**
 * True when `p.pid` is alive and still runs `p.binary`: a recycled pid belonging to something else is not ours and
 * must never be signalled. The executable is compared, not the command line, which some servers rewrite.
 */
export function isRunning(p: Pick<ManagedProcess, 'pid' | 'binary'>): boolean {
  try {
    const exe = readlinkSync(`/proc/${p.pid}/exe`).replace(/ \(deleted\)$/, '');
    const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return exe === p.binary && state !== 'Z';
  } catch {
    return false;
  }
}

/** Thrown from a `waitFor` check to stop waiting at once (a process died: waiting longer cannot help). */
export class FatalWaitError extends Error {
  override name = 'FatalWaitError';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sends SIGTERM to the process group, waits up to `graceMs`, then SIGKILLs what is left. */
export async function stopProcess(p: ManagedProcess, graceMs = 10_000): Promise<void> {
  if (!isRunning(p)) return;
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-p.pid, sig);
    } catch {
      try {
        process.kill(p.pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isRunning(p)) return;
    await sleep(100);
  }
  signal('SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (isRunning(p) && Date.now() < killDeadline) await sleep(50);
}

/** Resolves when `check` returns true; rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      if (err instanceof FatalWaitError) throw err;
      lastError = err;
    }
    await sleep(intervalMs);
  }
  const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${cause}`);
}
