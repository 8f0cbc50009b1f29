import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { clusterEnv } from './harness.ts';

const connection = () => {
  const url = new URL(clusterEnv().redisUrl);
  return { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
};
const name = `it-${randomUUID()}`;
const closers: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

describe('Redis', () => {
  it('runs with AOF on and noeviction, as BullMQ needs', async () => {
    const redis = new Redis(clusterEnv().redisUrl);
    closers.push(() => redis.quit());
    assert.deepEqual(await redis.config('GET', 'appendonly'), ['appendonly', 'yes']);
    assert.deepEqual(await redis.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'noeviction']);
  });

  it('round-trips a BullMQ job, and a repeated jobId adds nothing', async () => {
    const queue = new Queue(name, { connection: connection() });
    const events = new QueueEvents(name, { connection: connection() });
    const worker = new Worker(name, (job) => Promise.resolve({ echoed: (job.data as { app: string }).app }), {
      connection: connection(),
    });
    closers.push(
      () => queue.obliterate({ force: true }).then(() => queue.close()),
      () => events.close(),
      () => worker.close(),
    );
    await events.waitUntilReady();
    const job = await queue.add('submit', { app: 'application_1_0001' }, { jobId: 'application_1_0001' });
    const again = await queue.add('submit', { app: 'other' }, { jobId: 'application_1_0001' });
    assert.equal(again.id, job.id);
    const result = (await job.waitUntilFinished(events, 10_000)) as { echoed: string };
    assert.deepEqual(result, { echoed: 'application_1_0001' });
    assert.equal(await queue.getJobCountByTypes('completed'), 1);
  });
});
