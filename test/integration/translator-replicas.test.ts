import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { LOCAL_NODE_LABEL, YARN_APPLICATION_ID_LABEL } from '../../api/names.ts';
import type { RunningTranslator } from '../../translator/main.ts';
import { startGateway, type GatewayFixture } from './gateway/fixture.ts';
import {
  eventually,
  freshNamespace,
  kube,
  startTestNodeAgent,
  startTestScheduler,
  startTestTranslator,
} from './harness.ts';

/**
 * Two translator replicas on one Redis prefix: workers on both, the status controller only on the holder of the
 * `loom-translator` Lease, handed over when the leader stops; finished apps' objects go after the retention while
 * their YARN records stay.
 */
const namespace = `it-replicas-${randomBytes(3).toString('hex')}`;
let leaseNs = '';
let gw: GatewayFixture;
const replicas: (RunningTranslator & { closed?: boolean })[] = [];
const stops: (() => Promise<void>)[] = [];

before(async () => {
  leaseNs = await freshNamespace('lease');
  gw = await startGateway();
  for (let i = 0; i < 2; i++) {
    replicas.push(
      await startTestTranslator(gw.prefix, namespace, { retentionSeconds: 3, leaseNamespace: leaseNs, metrics: true }),
    );
  }
  const scheduler = await startTestScheduler(namespace, { defaultScheduler: false });
  const agent = await startTestNodeAgent(LOCAL_NODE_LABEL);
  stops.push(
    () => scheduler.close(),
    () => agent.close(),
  );
});
after(async () => {
  for (const r of replicas) if (!r.closed) await r.close();
  for (const stop of stops) await stop();
  await gw.close();
  for (const name of [namespace, leaseNs])
    await kube()
      .core.deleteNamespace({ name })
      .catch(() => undefined);
});

const WS = '/ws/v1/cluster';
type Json = Record<string, unknown>;
async function submit(duration: string): Promise<string> {
  const res = await request(gw.server).post(`${WS}/apps/new-application?user.name=alice`).expect(200);
  const id = (res.body as Json)['application-id'] as string;
  await request(gw.server)
    .post(`${WS}/apps?user.name=alice`)
    .set('Content-Type', 'application/json')
    .send(
      JSON.stringify({
        'application-id': id,
        'application-name': `replicas-${randomUUID().slice(0, 4)}`,
        queue: 'default',
        'application-type': 'YARN',
        'application-tags': { tag: [`sim.loom.dev/duration=${duration}`] },
        resource: { memory: 512, vCores: 1 },
        'am-container-spec': { commands: { command: 'sleep 1' } },
      }),
    )
    .expect(202);
  return id;
}
const app = async (id: string): Promise<Json> =>
  ((await request(gw.server).get(`${WS}/apps/${id}`)).body as { app: Json }).app;
const objectsOf = async (id: string): Promise<number> => {
  const labelSelector = `${YARN_APPLICATION_ID_LABEL}=${id}`;
  const pods = await kube().core.listNamespacedPod({ namespace, labelSelector });
  const units = (await kube().custom.listNamespacedCustomObject({
    group: 'scheduling.loom.dev',
    version: 'v1alpha1',
    namespace,
    plural: 'schedulingunits',
    labelSelector,
  })) as { items: unknown[] };
  return pods.items.length + units.items.length;
};

describe('translator replicas', () => {
  it('one replica leads the status controller; apps finish; their objects go after the retention', async () => {
    await eventually('exactly one leader', () => Promise.resolve(replicas.filter((r) => r.isLeader()).length === 1));
    const id = await submit('2s');
    const finished = await eventually(
      'FINISHED',
      async () => ((await app(id)).state === 'FINISHED' ? true : false),
      60_000,
    );
    assert.ok(finished);
    assert.ok((await objectsOf(id)) > 0, 'the objects stay until the retention has passed');
    await eventually('objects deleted after the 3 s retention', async () => (await objectsOf(id)) === 0, 30_000);
    const after = await app(id);
    assert.equal(after.state, 'FINISHED', 'the YARN record outlives the objects');
    assert.equal(after.finalStatus, 'SUCCEEDED');
    assert.equal(replicas.filter((r) => r.isLeader()).length, 1, 'still exactly one leader');

    // /metrics: the leader says so, and the submit job was handled by one of the two.
    const scrape = async (r: RunningTranslator): Promise<string> => {
      const addr = r.metricsServer?.address();
      const port = addr && typeof addr === 'object' ? addr.port : 0;
      return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    };
    const texts = await Promise.all(replicas.map(scrape));
    const leaderText = texts[replicas.findIndex((r) => r.isLeader())]!;
    assert.match(leaderText, /^loom_translator_status_leader 1$/m);
    assert.match(leaderText, /loom_translator_status_reconcile_duration_seconds_count\{result="changed"\} [1-9]/);
    assert.match(texts.join('\n'), /loom_translator_jobs_total\{queue="yarn-submit",outcome="completed"\} 1/);
  });

  it('hands the lease over when the leader stops, and the new leader carries on', async () => {
    const leader = replicas.find((r) => r.isLeader())!;
    await leader.close();
    leader.closed = true;
    const other = replicas.find((r) => r !== leader)!;
    // The stopping leader releases the lease, so the standby takes it on its next retry (2 s), not after 15 s.
    await eventually('the other replica leads', () => Promise.resolve(other.isLeader()), 10_000);
    const id = await submit('1s');
    await eventually('FINISHED under the new leader', async () => (await app(id)).state === 'FINISHED', 60_000);
  });
});
