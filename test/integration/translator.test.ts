import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import request from 'supertest';
import {
  GROUP,
  QOS_LEVEL_ANNOTATION,
  RECLAIMED_MEMORY,
  RECLAIMED_MILLICPU,
  SCHEDULING_UNIT,
  SIM_DURATION_ANNOTATION,
  VERSION,
} from '../../api/names.ts';
import { parseQuantity } from '../../api/quantity.ts';
import type { AppRecord } from '../../api/yarn.ts';
import { RedisAppStore } from '../../gateway/store/redis-app-store.ts';
import { loadKubeConfig } from '../../api/k8s/kubeconfig.ts';
import { KubeClusterWriter } from '../../translator/k8s/cluster-writer.ts';
import { failAfterAdmission, processSubmit } from '../../translator/processors/submit.ts';
import { startWorkers } from '../../translator/worker.ts';
import { startGateway, type GatewayFixture } from './gateway/fixture.ts';
import { clusterEnv, createQueue, eventually, kube } from './harness.ts';

const namespace = `it-yarn-${randomBytes(3).toString('hex')}`;
const log = pino({ level: 'silent' });
let gw: GatewayFixture;
let workers: { close(): Promise<void> };
let store: RedisAppStore;
const writer = () => new KubeClusterWriter(loadKubeConfig(clusterEnv().kubeconfig));
const config = {
  namespace,
  images: { spark: 'apache/spark:3.5.3', default: 'busybox' },
  placeholderImage: 'registry.k8s.io/pause:3.10',
  unitTimeoutSeconds: 300,
};

before(async () => {
  gw = await startGateway();
  store = new RedisAppStore(gw.redis, gw.prefix);
  const url = new URL(clusterEnv().redisUrl);
  const deps = { store, writer: writer(), now: Date.now, log };
  workers = startWorkers(
    {
      connection: { host: url.hostname, port: Number(url.port) },
      prefix: gw.prefix.replace(/:$/, ''),
      concurrency: 4,
      jobsPerSecond: 100,
    },
    { ...deps, config },
    { ...deps, namespace },
    log,
  );
});
after(async () => {
  await workers.close();
  await gw.close();
  await kube()
    .core.deleteNamespace({ name: namespace })
    .catch(() => undefined);
});

const WS = '/ws/v1/cluster';
const MI = 1024n * 1024n;
const quantities = (r: Record<string, string> | undefined): Record<string, bigint> =>
  Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, parseQuantity(v)]));
async function submit(body: Record<string, unknown>): Promise<string> {
  const res = await request(gw.server).post(`${WS}/apps/new-application?user.name=alice`).expect(200);
  const id = (res.body as Record<string, string>)['application-id']!;
  await request(gw.server)
    .post(`${WS}/apps?user.name=alice`)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ 'application-id': id, ...body }))
    .expect(202);
  return id;
}
const appState = async (id: string): Promise<string> =>
  ((await request(gw.server).get(`${WS}/apps/${id}/state`)).body as { state: string }).state;
/** The gateway admits an app ACCEPTED at once (ADR 0003); the translator's work shows as its first attempt. */
const translated = async (id: string): Promise<boolean> =>
  (await store.get(id))?.attempts[0]?.unit !== undefined && (await appState(id)) === 'ACCEPTED';
/** As if the translator had never finished: admitted, attempt 1 without its unit, no scheduler diagnostics. */
const untranslated = (a: AppRecord): AppRecord => ({
  ...a,
  state: 'ACCEPTED',
  attempts: a.attempts.slice(0, 1).map(({ unit: _unit, ...at }) => at),
  diagnostics: '',
});
const unitsOf = async (id: string): Promise<unknown[]> =>
  (
    (await kube().custom.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: SCHEDULING_UNIT.plural,
      labelSelector: `yarn.loom.dev/application-id=${id}`,
    })) as { items: unknown[] }
  ).items;
const podsOf = async (id: string) =>
  (await kube().core.listNamespacedPod({ namespace, labelSelector: `yarn.loom.dev/application-id=${id}` })).items;

const spark = {
  'application-name': 'spark-pi',
  queue: 'spark',
  'application-type': 'SPARK',
  'application-tags': { tag: ['sim.loom.dev/duration=30s'] },
  resource: { memory: 1408, vCores: 1 },
  'am-container-spec': {
    environment: { entry: [{ key: 'SPARK_USER', value: 'alice' }] },
    commands: {
      command:
        '{{JAVA_HOME}}/bin/java -Dspark.executor.instances=3 -Dspark.executor.memory=4g -Dspark.executor.cores=2 org.apache.spark.deploy.yarn.ApplicationMaster --class org.apache.spark.examples.SparkPi --jar __app__.jar 1><LOG_DIR>/stdout',
    },
  },
};

describe('translator on the local cluster', () => {
  it('turns an admitted Spark app into a gang unit and pods with the right requests, labels and QoS, then its first attempt', async () => {
    const id = await submit(spark);
    assert.equal(await appState(id), 'ACCEPTED', 'admitted at submission, before any object exists');
    await eventually('objects created', async () => translated(id), 30_000);
    const unitName = id.replace(/_/g, '-') + '-1';
    const unit = (await kube().custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: SCHEDULING_UNIT.plural,
      name: unitName,
    })) as {
      spec: {
        queue: string;
        minMember: number;
        roles: { name: string; count: number; requests: Record<string, string> }[];
        application: { id: string };
      };
    };
    assert.equal(unit.spec.queue, 'spark');
    assert.equal(unit.spec.minMember, 4);
    assert.deepEqual(
      unit.spec.roles.map((r) => [r.name, r.count]),
      [
        ['driver', 1],
        ['executor', 3],
      ],
    );
    assert.equal(unit.spec.application.id, id);
    const pods = await podsOf(id);
    assert.equal(pods.length, 4);
    const driver = pods.find((p) => p.metadata?.labels?.['yarn.loom.dev/role'] === 'am')!;
    assert.equal(driver.spec?.schedulerName, 'loom-scheduler');
    assert.equal(driver.metadata?.annotations?.[QOS_LEVEL_ANNOTATION], 'reclaimed_cores');
    assert.equal(driver.metadata?.annotations?.[SIM_DURATION_ANNOTATION], '30s');
    // The apiserver canonicalises quantities (1000 → 1k): compare values, not spellings.
    assert.deepEqual(quantities(driver.spec?.containers[0]?.resources?.requests), {
      [RECLAIMED_MILLICPU]: 1000n,
      [RECLAIMED_MEMORY]: 1408n * MI,
    });
    assert.deepEqual(driver.spec?.containers[0]?.command, [
      '/bin/sh',
      '-c',
      '$JAVA_HOME/bin/java -Dspark.executor.instances=3 -Dspark.executor.memory=4g -Dspark.executor.cores=2 org.apache.spark.deploy.yarn.ApplicationMaster --class org.apache.spark.examples.SparkPi --jar __app__.jar 1>$LOG_DIR/stdout',
    ]);
    assert.ok(driver.spec?.containers[0]?.env?.some((e) => e.name === 'SPARK_USER' && e.value === 'alice'));
    assert.equal(driver.metadata?.ownerReferences?.[0]?.kind, 'SchedulingUnit');
    const executor = pods.find((p) => p.metadata?.labels?.['yarn.loom.dev/role'] === 'executor')!;
    assert.deepEqual(quantities(executor.spec?.containers[0]?.resources?.requests), {
      [RECLAIMED_MILLICPU]: 2000n,
      [RECLAIMED_MEMORY]: 4505n * MI,
    });
    assert.equal(executor.metadata?.labels?.['scheduling.loom.dev/placeholder'], 'true');
    const app = (await request(gw.server).get(`${WS}/apps/${id}`)).body as { app: { diagnostics: string } };
    assert.match(app.app.diagnostics, /Waiting for the scheduler to place SchedulingUnit/);
  });

  it('creates nothing new when a submit job is replayed', async () => {
    const id = await submit(spark);
    await eventually('objects created', async () => translated(id), 30_000);
    const before = (await podsOf(id)).map((p) => `${p.metadata?.name}@${p.metadata?.resourceVersion}`).sort();
    // A replay after the attempt was recorded re-converges: every create answers AlreadyExists.
    assert.equal(await processSubmit(id, { store, writer: writer(), config, now: Date.now, log }), 'accepted');
    // Even a replay of an app without its attempt (a crash before the record's update) converges.
    await store.update(id, untranslated);
    assert.equal(await processSubmit(id, { store, writer: writer(), config, now: Date.now, log }), 'accepted');
    const after = (await podsOf(id)).map((p) => `${p.metadata?.name}@${p.metadata?.resourceVersion}`).sort();
    assert.deepEqual(after, before);
  });

  it('a worker that dies halfway through creating pods converges to one set of objects when restarted', async () => {
    // Stop the background workers from taking this app: process it by hand, crash included.
    const id = await submit(spark);
    await eventually('objects created by the background worker', async () => translated(id), 30_000);
    // Simulate the crash on a fresh attempt: forget the state, delete half the pods, as if the worker had died
    // after creating the unit and two pods.
    await store.update(id, untranslated);
    const pods = await podsOf(id);
    for (const p of pods.slice(2))
      await kube().core.deleteNamespacedPod({ name: p.metadata?.name ?? '', namespace, gracePeriodSeconds: 0 });
    await eventually('half the pods gone', async () => (await podsOf(id)).length === 2, 30_000);
    let created = 0;
    const real = writer();
    const crashing = {
      ...real,
      ensureNamespace: (n: string) => real.ensureNamespace(n),
      createUnit: (u: Parameters<typeof real.createUnit>[0]) => real.createUnit(u),
      deleteApp: (n: string, a: string) => real.deleteApp(n, a),
      createSecret: (x: Parameters<typeof real.createSecret>[0]) => real.createSecret(x),
      queueTier: (q: string) => real.queueTier(q),
      createPod: async (p: Parameters<typeof real.createPod>[0]) => {
        if (created++ >= 3) throw new Error('worker killed');
        return real.createPod(p);
      },
    };
    await assert.rejects(
      processSubmit(id, { store, writer: crashing, config, now: Date.now, log, podConcurrency: 1 }),
      /worker killed/,
    );
    assert.deepEqual(
      [await appState(id), (await store.get(id))?.attempts.map((a) => a.unit)],
      ['ACCEPTED', [undefined]],
      'a crash leaves the app admitted, its attempt without a unit, for the retry',
    );
    assert.equal(await processSubmit(id, { store, writer: real, config, now: Date.now, log }), 'accepted');
    const names = (await podsOf(id)).map((p) => p.metadata?.name).sort();
    assert.equal(names.length, 4);
    assert.equal(new Set(names).size, 4);
    assert.equal((await unitsOf(id)).length, 1);
  });

  it('puts credentials in a Secret mounted only into the AM, never in pod specs or annotations', async () => {
    const token = 'SERVICE-TOKEN-' + randomBytes(8).toString('hex');
    const id = await submit({
      ...spark,
      'am-container-spec': {
        ...spark['am-container-spec'],
        credentials: {
          tokens: { entry: [{ key: 'hdfs://nn:8020', value: token }] },
          secrets: { entry: { key: 'db.password', value: 'c2VjcmV0' } },
        },
      },
    });
    await eventually('objects created', async () => translated(id), 30_000);
    const secretName = `${id.replace(/_/g, '-')}-1-credentials`;
    const secret = await kube().core.readNamespacedSecret({ name: secretName, namespace });
    assert.equal(Buffer.from(secret.data?.['token-hdfs___nn_8020'] ?? '', 'base64').toString(), token);
    assert.equal(Buffer.from(secret.data?.['secret-db.password'] ?? '', 'base64').toString(), 'c2VjcmV0');
    assert.equal(secret.metadata?.ownerReferences?.[0]?.kind, 'SchedulingUnit');
    const pods = await podsOf(id);
    for (const p of pods) assert.ok(!JSON.stringify(p).includes(token), `${p.metadata?.name} carries the token`);
    const driver = pods.find((p) => p.metadata?.labels?.['yarn.loom.dev/role'] === 'am')!;
    assert.equal(driver.spec?.volumes?.find((v) => v.name === 'yarn-credentials')?.secret?.secretName, secretName);
    assert.deepEqual(
      driver.spec?.containers[0]?.volumeMounts?.find((m) => m.name === 'yarn-credentials')?.mountPath,
      '/etc/yarn/credentials',
    );
    const executor = pods.find((p) => p.metadata?.labels?.['yarn.loom.dev/role'] === 'executor')!;
    assert.equal(executor.spec?.volumes?.some((v) => v.name === 'yarn-credentials') ?? false, false);
  });

  it('runs apps of a Reserved queue as shared_cores on cpu/memory, Spot queues as reclaimed_cores', async () => {
    const queue = `it-reserved-${randomBytes(3).toString('hex')}`;
    const deleteQueue = await createQueue(queue, { parent: 'root', capacity: 10, tier: 'reserved' });
    try {
      // The gateway learns the queue from its informer.
      const id = await eventually('submission to the new queue accepted', async () => {
        const appId = await submit({ ...spark, queue });
        return (await appState(appId)) !== 'FAILED' ? appId : false;
      });
      await eventually('objects created', async () => translated(id), 30_000);
      const driver = (await podsOf(id)).find((p) => p.metadata?.labels?.['yarn.loom.dev/role'] === 'am')!;
      assert.equal(driver.metadata?.annotations?.[QOS_LEVEL_ANNOTATION], 'shared_cores');
      assert.deepEqual(quantities(driver.spec?.containers[0]?.resources?.requests), { cpu: 1n, memory: 1408n * MI });
    } finally {
      await deleteQueue();
    }
  });

  it('kill deletes the unit and pods and records KILLED', async () => {
    const id = await submit(spark);
    await eventually('objects created', async () => translated(id), 30_000);
    const res = await request(gw.server)
      .put(`${WS}/apps/${id}/state?user.name=alice`)
      .set('Content-Type', 'application/json')
      .send('{"state":"KILLED"}')
      .expect(202);
    assert.deepEqual(res.body, { state: 'ACCEPTED' });
    await eventually('app KILLED', async () => (await appState(id)) === 'KILLED', 30_000);
    await eventually('pods gone', async () => (await podsOf(id)).length === 0, 30_000);
    assert.equal((await unitsOf(id)).length, 0);
  });

  it('ends an admitted app FAILED, its objects deleted, when they cannot be created for good', async () => {
    const id = await submit(spark);
    await eventually('objects created', async () => translated(id), 30_000);
    // What the submit worker does on a job's last failed try (or an apiserver refusal no retry can fix).
    await failAfterAdmission(id, 'apiserver refused an object (422): bad pod', {
      store,
      writer: writer(),
      config,
      now: Date.now,
      log,
    });
    const app = (await request(gw.server).get(`${WS}/apps/${id}`)).body as {
      app: { state: string; finalStatus: string; diagnostics: string };
    };
    assert.deepEqual([app.app.state, app.app.finalStatus], ['FAILED', 'FAILED']);
    assert.equal(
      app.app.diagnostics,
      `Application ${id} failed: its Kubernetes objects could not be created: apiserver refused an object (422): bad pod`,
    );
    await eventually('pods gone', async () => (await podsOf(id)).length === 0, 30_000);
    assert.equal((await unitsOf(id)).length, 0);
  });

  it('fails an app whose Spark configuration cannot be read, with a diagnostic', async () => {
    const id = await submit({
      ...spark,
      'am-container-spec': {
        commands: { command: 'java -Dspark.executor.memory=lots org.apache.spark.deploy.yarn.ApplicationMaster' },
      },
    });
    await eventually('app FAILED', async () => (await appState(id)) === 'FAILED', 30_000);
    const app = (await request(gw.server).get(`${WS}/apps/${id}`)).body as {
      app: { diagnostics: string; finalStatus: string };
    };
    assert.equal(app.app.finalStatus, 'FAILED');
    assert.match(app.app.diagnostics, /spark\.executor\.memory=lots is not a memory size/);
    assert.equal((await podsOf(id)).length, 0);
  });
});
