/**
 * What every benchmark needs around its work: timestamped progress on stderr, results on stdout, and cleanup on
 * every exit path. Every started thing registers its stop through {@link BenchLifecycle.using}; a stop runs once (the
 * same promise for whoever asks) and stays registered until it has finished, so a SIGINT/SIGTERM arriving mid-way
 * waits for the stops already under way (a cluster going down) instead of exiting under them.
 */
export interface BenchLifecycle {
  log: (message: string) => void;
  print: (text: string) => void;
  /** Set by SIGINT/SIGTERM: nothing new starts, waits end. */
  readonly interrupted: boolean;
  /** Runs `fn` with `stop` registered; runs `stop` right after (once) and unregisters it once it has finished. */
  using: <T>(name: string, stop: () => Promise<unknown>, fn: () => Promise<T>) => Promise<T>;
  /** Runs `main`, reports a failure (exit code 2), stops everything still registered, newest first, and exits. */
  run: (main: () => Promise<void>) => Promise<never>;
}

interface Cleanup {
  name: string;
  run: () => Promise<void>;
}

export function benchLifecycle(name: string): BenchLifecycle {
  const log = (m: string): void => void process.stderr.write(`[${name} ${new Date().toISOString()}] ${m}\n`);
  const cleanups: Cleanup[] = [];
  let interrupted = false;
  const cleanup = async (): Promise<void> => {
    for (const c of [...cleanups].reverse()) await c.run();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      interrupted = true;
      void cleanup().finally(() => process.exit(130));
    });
  return {
    log,
    print: (s) => void process.stdout.write(`${s}\n`),
    get interrupted() {
      return interrupted;
    },
    using: async <T>(what: string, stop: () => Promise<unknown>, fn: () => Promise<T>): Promise<T> => {
      if (interrupted) throw new Error(`interrupted: not starting ${what}`);
      let running: Promise<void> | undefined;
      const entry: Cleanup = {
        name: what,
        run: () =>
          (running ??= (async () => {
            log(`stopping: ${what}`);
            try {
              await stop();
            } catch (err) {
              log(`stopping ${what} failed: ${(err as Error).message}`);
            }
          })()),
      };
      cleanups.push(entry);
      try {
        return await fn();
      } finally {
        await entry.run();
        cleanups.splice(cleanups.indexOf(entry), 1);
      }
    },
    run: async (main: () => Promise<void>): Promise<never> => {
      try {
        await main();
      } catch (err) {
        log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        process.exitCode = 2;
      } finally {
        await cleanup();
      }
      // Watches and keep-alive sockets may keep the loop alive after close(): exit once everything is stopped.
      process.exit(process.exitCode ?? 0);
    },
  };
}
