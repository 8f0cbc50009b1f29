import { Queue, type ConnectionOptions } from 'bullmq';
import {
  KILL_QUEUE,
  SUBMIT_QUEUE,
  UPDATE_QUEUE,
  type KillJob,
  type SubmitJob,
  type UpdateJob,
} from '../../api/yarn.ts';

/** Where accepted submissions and kills go; the translator consumes them. */
export interface IntakeQueue {
  /** Idempotent: the job id is the app id, so a retried request never makes a second job. */
  submit(job: SubmitJob): Promise<void>;
  kill(job: KillJob): Promise<void>;
  /** Not deduplicated: every change is applied, in order. */
  update(job: UpdateJob): Promise<void>;
  close(): Promise<void>;
}

/** BullMQ producer. Completed jobs are kept a while so a replayed request within that window stays a no-op. */
export class BullIntakeQueue implements IntakeQueue {
  private readonly submitQueue: Queue;
  private readonly killQueue: Queue;
  private readonly updateQueue: Queue;
  private closing?: Promise<void>;

  constructor(connection: ConnectionOptions, prefix = 'loom') {
    const opts = {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: 10,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: 24 * 3600, count: 100_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    };
    this.submitQueue = new Queue(SUBMIT_QUEUE, opts);
    this.killQueue = new Queue(KILL_QUEUE, opts);
    this.updateQueue = new Queue(UPDATE_QUEUE, opts);
  }

  async update(job: UpdateJob): Promise<void> {
    await this.updateQueue.add(job.what, job);
  }

  async submit(job: SubmitJob): Promise<void> {
    await this.submitQueue.add('submit', job, { jobId: job.appId });
  }

  async kill(job: KillJob): Promise<void> {
    await this.killQueue.add('kill', job, { jobId: job.appId });
  }

  close(): Promise<void> {
    this.closing ??= Promise.allSettled([
      this.submitQueue.close(),
      this.killQueue.close(),
      this.updateQueue.close(),
    ]).then(() => undefined);
    return this.closing;
  }
}
