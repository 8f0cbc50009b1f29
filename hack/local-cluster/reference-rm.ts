import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readlinkSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { freePort } from './ports.ts';
import { FatalWaitError, isRunning, startDetached, stopProcess, waitFor, type ManagedProcess } from './processes.ts';

const START_SH = join(import.meta.dirname, '..', 'yarn-rm', 'start.sh');

/** A first build fetches ~125 MB from Maven Central; later ones compile one class (or are skipped). */
const BUILD_TIMEOUT_MS = 20 * 60_000;
/** About 5 s on an idle machine, 10-15 s on 2 busy cores. */
const START_TIMEOUT_MS = 3 * 60_000;

/** A running reference ResourceManager, see {@link startReferenceRm}. */
export interface ReferenceRm {
  /** Base URL of the RM web app, e.g. `http://127.0.0.1:18088` (the REST API is under `/ws/v1/cluster`). */
  url: string;
  /** The RM's start time in ms: `clusterInfo.id` and the middle part of every application id. */
  clusterTimestamp: number;
  /** The JVM's pid, also its process group. */
  pid: number;
  /** Stops the JVM (SIGTERM to its process group, SIGKILL after 15 s) and waits until it is gone. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a real Apache Hadoop 3.4.1 YARN ResourceManager (hack/yarn-rm/start.sh: MiniYARNCluster without
 * NodeManagers, 127.0.0.1 only), the reference Loom's YARN REST gateway is diffed and benchmarked against. Builds it
 * first when needed (the first time fetches Hadoop from Maven Central, about a minute), reporting progress to `log`.
 *
 * The RM runs detached in its own process group with its output appended to `logFile`, so it survives the caller
 * unless `stop()` is called. Resolves once it printed `READY` and `GET /ws/v1/cluster/info` answers 200.
 *
 * @param opts.port the web port on 127.0.0.1; a free one when omitted.
 */
export async function startReferenceRm(opts: {
  port?: number;
  logFile: string;
  log?: (line: string) => void;
}): Promise<ReferenceRm> {
  const log = opts.log ?? ((): void => {});
  await build(opts.logFile, log);

  const port = opts.port ?? (await freePort());
  // Only what this start appends counts: an earlier run's READY line may already be in the file.
  const offset = existsSync(opts.logFile) ? statSync(opts.logFile).size : 0;
  log(`starting the reference ResourceManager on 127.0.0.1:${port} (log: ${opts.logFile})`);
  const started = startDetached('reference-rm', '/bin/bash', [START_SH, '--port', String(port)], opts.logFile);
  const pid = started.pid;
  // start.sh execs java, so the executable behind the pid changes once; stopProcess must be given the current one.
  const current = (): ManagedProcess => ({ ...started, binary: exeOf(pid) ?? started.binary });

  const readLog = logReader(opts.logFile, offset);
  const readyLine = async (): Promise<{ url: string; clusterTimestamp: number } | undefined> => {
    const match = /^READY (http:\/\/\S+) clusterTimestamp=(\d+)/m.exec(await readLog());
    return match?.[1] && match[2] ? { url: match[1], clusterTimestamp: Number(match[2]) } : undefined;
  };
  let ready: Awaited<ReturnType<typeof readyLine>>;
  try {
    await waitFor(
      `the reference RM to print READY (see ${opts.logFile})`,
      async () => {
        if (await readyLine()) return true;
        if (!isRunning(current())) throw new FatalWaitError(`the reference RM exited; see ${opts.logFile}`);
        return false;
      },
      START_TIMEOUT_MS,
    );
    ready = await readyLine();
    if (!ready) throw new Error('READY line vanished from the log');
    const info = await fetch(`${ready.url}/ws/v1/cluster/info`, { signal: AbortSignal.timeout(10_000) });
    if (info.status !== 200) throw new Error(`GET /ws/v1/cluster/info answered ${info.status} after READY`);
  } catch (err) {
    await stopProcess(current(), 15_000);
    throw err;
  }

  // From here on the pid runs java: pin that, so that a recycled pid is never signalled.
  const jvm = current();
  log(`reference ResourceManager ready at ${ready.url} (pid ${pid})`);
  return { ...ready, pid, stop: () => stopProcess(jvm, 15_000) };
}

/** Runs `start.sh --build-only` (a no-op when the build is up to date), forwarding its progress lines to `log`. */
async function build(logFile: string, log: (line: string) => void): Promise<void> {
  // Detached (own process group) so that the timeout can stop Maven too, not only the shell.
  const child = spawn('/bin/bash', [START_SH, '--build-only'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let partial = '';
  const onData = (chunk: Buffer): void => {
    appendFileSync(logFile, chunk);
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) log(line);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
  }, BUILD_TIMEOUT_MS);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0)
      throw new Error(`building the reference RM failed (hack/yarn-rm/start.sh, exit ${code}); see ${logFile}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Returns a function that yields everything appended to `file` after `offset` so far. */
function logReader(file: string, offset: number): () => Promise<string> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let position = offset;
  return async () => {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        text += decoder.write(buffer.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
    return text;
  };
}

/** The executable `pid` runs now, undefined once it is gone. */
function exeOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}
