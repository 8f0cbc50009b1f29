import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { startGateway, type GatewayFixture } from './gateway/fixture.ts';
import { eventually, kube, startTestTranslator } from './harness.ts';

/** The whole path on the local cluster: gateway → translator → pods (bound here by hand, no scheduler yet) → kwok. */
const namespace = `it-status-${randomBytes(3).toString('hex')}`;
let gw: GatewayFixture;
let translator: { close(): Promise<void> };

before(async () => {
  gw = await startGateway();
  translator = await startTestTranslator(gw.prefix, namespace);
});
after(async () => {
  await translator.close();
  await gw.close();
  await kube()
    .core.deleteNamespace({ name: namespace })
    .catch(() => undefined);
});

const WS = '/ws/v1/cluster';
type Json = Record<string, unknown>;
async function submit(tags: string[], extra: Json = {}): Promise<string> {
  const res = await request(gw.server).post(`${WS}/apps/new-application?user.name=alice`).expect(200);
  const id = (res.body as Json)['application-id'] as string;
  const body = {
    'application-id': id,
    'application-name': `status-${randomUUID().slice(0, 4)}`,
    queue: 'default',
    'application-type': 'YARN',
    'application-tags': { tag: tags },
    resource: { memory: 1024, vCores: 1 },
    'am-container-spec': { commands: { command: 'sleep 2' } },
    ...extra,
  };
  await request(gw.server)
    .post(`${WS}/apps?user.name=alice`)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(body))
    .expect(202);
  return id;
}
const app = async (id: string): Promise<Json> =>
  ((await request(gw.server).get(`${WS}/apps/${id}`)).body as { app: Json }).app;

/** Binds every unbound pod of the app to a kwok node, as the scheduler will. */
async function bindAll(id: string, attempt: number): Promise<number> {
  const { core } = kube();
  const pods = await eventually(`pods of attempt ${attempt}`, async () => {
    const list = (
      await core.listNamespacedPod({
        namespace,
        labelSelector: `yarn.loom.dev/application-id=${id},yarn.loom.dev/attempt=${attempt}`,
      })
    ).items;
    return list.length ? list : false;
  });
  for (const p of pods.filter((x) => !x.spec?.nodeName)) {
    await core.createNamespacedPodBinding({
      name: p.metadata?.name ?? '',
      namespace,
      body: {
        metadata: { name: p.metadata?.name, namespace, uid: p.metadata?.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: 'kwok-node-0001' },
      },
    });
  }
  return pods.length;
}

describe('status controller', () => {
  it('ACCEPTED → RUNNING → FINISHED/SUCCEEDED as the AM pod runs and completes, with a container and usage', async () => {
    const id = await submit(['sim.loom.dev/duration=3s']);
    await eventually('objects created', async () => {
      const a = await app(id);
      return a.state === 'ACCEPTED' && /Waiting for the scheduler/.test(String(a.diagnostics));
    });
    await bindAll(id, 1);
    const running = await eventually('RUNNING', async () => {
      const a = await app(id);
      return a.state === 'RUNNING' ? a : false;
    });
    assert.equal(running.amHostHttpAddress, 'kwok-node-0001:8042');
    assert.ok((running.launchTime as number) > 0);
    const done = await eventually(
      'FINISHED',
      async () => {
        const a = await app(id);
        return a.state === 'FINISHED' ? a : false;
      },
      30_000,
    );
    assert.equal(done.finalStatus, 'SUCCEEDED');
    assert.equal(done.progress, 100);
    assert.ok((done.memorySeconds as number) >= 1024 * 2, `memorySeconds ${String(done.memorySeconds)}`);
    assert.equal(done.allocatedMB, -1, 'finished apps report the -1 sentinel');
    const attemptId = `appattempt_${id.slice('application_'.length)}_000001`;
    const attempts = (
      (await request(gw.server).get(`${WS}/apps/${id}/appattempts`)).body as { appAttempts: { appAttempt: Json[] } }
    ).appAttempts.appAttempt;
    assert.deepEqual(
      attempts.map((a) => [a.appAttemptId, a.appAttemptState]),
      [[attemptId, 'FINISHED']],
    );
    const containers = (await request(gw.server).get(`${WS}/apps/${id}/appattempts/${attemptId}/containers`)).body as {
      container: Json[];
    };
    assert.equal(containers.container[0]?.containerId, `container_${id.slice('application_'.length)}_01_000001`);
    assert.equal(containers.container[0]?.containerExitStatus, '0');
    assert.equal(containers.container[0]?.containerState, 'COMPLETE');
  });

  it('a failing AM gets a second attempt, then the app FAILS with the RM diagnostics', async () => {
    const id = await submit(['sim.loom.dev/duration=1s', 'sim.loom.dev/exit-code=7'], { 'max-app-attempts': 2 });
    await eventually('objects created', async () => {
      const a = await app(id);
      return a.state === 'ACCEPTED' && /Waiting for the scheduler/.test(String(a.diagnostics));
    });
    await bindAll(id, 1);
    await eventually(
      'attempt 2 pods',
      async () =>
        (
          await kube().core.listNamespacedPod({
            namespace,
            labelSelector: `yarn.loom.dev/application-id=${id},yarn.loom.dev/attempt=2`,
          })
        ).items.length > 0,
      30_000,
    );
    await bindAll(id, 2);
    const failed = await eventually(
      'FAILED',
      async () => {
        const a = await app(id);
        return a.state === 'FAILED' ? a : false;
      },
      30_000,
    );
    assert.equal(failed.finalStatus, 'FAILED');
    assert.match(
      String(failed.diagnostics),
      new RegExp(
        `^Application ${id} failed 2 times due to AM Container for appattempt_\\d+_\\d+_000002 exited with  exitCode: 7`,
      ),
    );
    const attempts = (
      (await request(gw.server).get(`${WS}/apps/${id}/appattempts`)).body as { appAttempts: { appAttempt: Json[] } }
    ).appAttempts.appAttempt;
    assert.deepEqual(
      attempts.map((a) => a.appAttemptState),
      ['FAILED', 'FAILED'],
    );
  });
});
