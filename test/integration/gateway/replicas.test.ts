import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { defaultGatewayOptions, runGateway, type RunningGateway } from '../../../gateway/main.ts';
import { clusterEnv } from '../harness.ts';
import { submission } from './fixture.ts';

/** Two gateways started exactly as `loom gateway` starts them, on one Redis. */
const prefix = `it-replicas-${randomUUID().slice(0, 8)}:`;
let a: RunningGateway;
let b: RunningGateway;
before(async () => {
  const { redisUrl, kubeconfig } = clusterEnv();
  const o = defaultGatewayOptions({ port: 0, redisUrl, kubeconfig, prefix, logLevel: 'silent', version: 'test' });

  [a, b] = await Promise.all([runGateway(o), runGateway(o)]);
});
after(async () => {
  await Promise.allSettled([a.close(), b.close()]);
  const redis = new Redis(clusterEnv().redisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const json = async (r: Response): Promise<Record<string, unknown>> => (await r.json()) as Record<string, unknown>;

describe('stateless replicas', () => {
  it('both answer /isActive and share one cluster timestamp and id sequence', async () => {
    for (const g of [a, b]) assert.equal((await fetch(`${g.url}/isActive`)).status, 200);
    const ia = ((await json(await fetch(`${a.url}/ws/v1/cluster/info`))).clusterInfo as { id: number }).id;
    const ib = ((await json(await fetch(`${b.url}/ws/v1/cluster/info`))).clusterInfo as { id: number }).id;
    assert.equal(ia, ib);
    const first = (
      await json(await fetch(`${a.url}/ws/v1/cluster/apps/new-application?user.name=alice`, { method: 'POST' }))
    )['application-id'] as string;
    const second = (
      await json(await fetch(`${b.url}/ws/v1/cluster/apps/new-application?user.name=alice`, { method: 'POST' }))
    )['application-id'] as string;
    assert.equal(Number(second.split('_')[2]), Number(first.split('_')[2]) + 1);
  });

  it('a cookie from one replica authenticates on the other; an app submitted to one reads the same on both', async () => {
    const res = await fetch(`${a.url}/ws/v1/cluster/apps/new-application?user.name=alice`, { method: 'POST' });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const id = (await json(res))['application-id'] as string;
    const submitted = await fetch(`${b.url}/ws/v1/cluster/apps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: JSON.stringify(submission(id)),
    });
    assert.equal(submitted.status, 202);
    const fromA = await (await fetch(`${a.url}/ws/v1/cluster/apps/${id}`)).text();
    const fromB = await (await fetch(`${b.url}/ws/v1/cluster/apps/${id}`)).text();
    const strip = (s: string): string => s.replace(/"elapsedTime":\d+/, '');
    assert.equal(strip(fromA), strip(fromB));
    assert.match(fromA, /"user":"alice"/);
  });
});
