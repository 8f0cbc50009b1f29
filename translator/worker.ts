import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { KILL_QUEUE, SUBMIT_QUEUE, type KillJob, type SubmitJob } from '../api/yarn.ts';
import { processKill, type KillDeps } from './processors/kill.ts';
import { failAfterAdmission, processSubmit, type SubmitDeps } from './processors/submit.ts';

/** Options of the translator's BullMQ workers. */
export interface WorkerOptions {
  connection: ConnectionOptions;
  /** BullMQ prefix shared with the gateway. @defaultValue 'loom' */
  prefix: string;
  /** Jobs processed at once per queue. @defaultValue 8 */
  concurrency: number;
  /** Jobs started per second across all translators, which bounds the load put on the apiserver. @defaultValue 50 */
  jobsPerSecond: number;
}

/** Client errors from the apiserver that a retry cannot fix (an object it refuses): fail the job for good. */
function classify(err: unknown): Error {
  const code = (err as { code?: number }).code;
  if (typeof code === 'number' && code >= 400 && code < 500 && code !== 409 && code !== 429) {
    return new UnrecoverableError(
      `apiserver refused an object (${code}): ${String((err as Error).message).slice(0, 500)}`,
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** Starts the submit and kill workers; `close()` stops taking jobs and waits for the running ones. */
export function startWorkers(
  o: WorkerOptions,
  submit: SubmitDeps,
  kill: KillDeps,
  log: Logger,
  observe: (queue: string, outcome: 'completed' | 'failed', seconds?: number) => void = () => undefined,
): { close(): Promise<void> } {
  const common = {
    connection: { ...o.connection, maxRetriesPerRequest: null },
    prefix: o.prefix,
    concurrency: o.concurrency,
    limiter: { max: o.jobsPerSecond, duration: 1000 },
  };
  const submitWorker = new Worker<SubmitJob>(
    SUBMIT_QUEUE,
    async (job) => {
      try {
        return await processSubmit(job.data.appId, submit);
      } catch (err) {
        const e = classify(err);
        // The last try (or one a retry cannot fix): the admitted app ends FAILED instead of waiting for ever.
        if (e instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
          await failAfterAdmission(job.data.appId, e.message, submit);
        throw e;
      }
    },
    common,
  );
  const killWorker = new Worker<KillJob>(
    KILL_QUEUE,
    async (job) => {
      try {
        await processKill(job.data, kill);
      } catch (err) {
        throw classify(err);
      }
    },
    common,
  );
  const took = (job?: { processedOn?: number; finishedOn?: number }): number | undefined =>
    job?.processedOn && job.finishedOn ? (job.finishedOn - job.processedOn) / 1000 : undefined;
  for (const w of [submitWorker, killWorker]) {
    w.on('completed', (job) => observe(w.name, 'completed', took(job)));
    w.on('failed', (job, err) => {
      observe(w.name, 'failed', took(job));
      log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed');
    });
    w.on('error', (err) => log.warn({ err: err.message }, 'worker error'));
  }
  let closing: Promise<void> | undefined;
  return {
    close: () => (closing ??= Promise.allSettled([submitWorker.close(), killWorker.close()]).then(() => undefined)),
  };
}
