import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Watch, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { isPreemptionVictim } from '../../translator/status/preemption-victim.ts';
import {
  API_VERSION,
  GROUP,
  QOS_LEVEL_ANNOTATION,
  RECLAIMED_MEMORY,
  RECLAIMED_MILLICPU,
  SCHEDULER_NAME,
  SCHEDULING_UNIT,
  UNIT_LABEL,
  UNIT_ROLE_LABEL,
  VERSION,
} from '../../api/names.ts';
import {
  createQueue,
  deleteNamespaceAndNodes,
  eventually,
  freshNamespace,
  kube,
  kubectl,
  publishReclaimed,
  startTestScheduler,
  testPoolNode,
} from './harness.ts';

/**
 * The scheduler against the real apiserver: its own two kwok nodes (16 cpu each, tainted so nothing else lands
 * there), pods in a fresh namespace, and `loom scheduler` running in-process scoped to that namespace.
 */
let ns = '';
let pool = '';
let scheduler: { close(): Promise<void> } | undefined;
let agent: { stop(): void } | undefined;
let deleteQueue: (() => Promise<void>) | undefined;
const nodeNames: string[] = [];

const poolNode = (i: number): V1Node => testPoolNode(pool, i, 9000 + i);

before(async () => {
  ns = await freshNamespace('sched');
  pool = `it-${ns}`;
  for (let i = 0; i < 2; i++) {
    const n = await kube().core.createNode({ body: poolNode(i) });
    nodeNames.push(n.metadata?.name ?? '');
  }
  await eventually('the pool nodes to be Ready and untainted', async () => {
    const nodes = await Promise.all(nodeNames.map((name) => kube().core.readNode({ name })));
    return nodes.every(
      (n) =>
        n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
        (n.spec?.taints ?? []).every((t) => t.key === 'loom.dev/test-pool'),
    );
  });
  // The local queues are spot (reclaimed capacity, none without a node agent): the test's units use a reserved one.
  deleteQueue = await createQueue(pool, { parent: 'root', capacity: 10, maximumCapacity: 100, tier: 'reserved' });
  scheduler = await startTestScheduler(ns);
});

after(async () => {
  agent?.stop();
  await scheduler?.close();
  await deleteNamespaceAndNodes(ns, nodeNames);
  await deleteQueue?.().catch(() => undefined);
});

const poolPod = (name: string, cpu: string, extra: Partial<V1Pod['metadata']> = {}): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, ...extra },
  spec: {
    schedulerName: SCHEDULER_NAME,
    nodeSelector: { 'loom.dev/test-pool': pool },
    tolerations: [{ key: 'loom.dev/test-pool', operator: 'Equal', value: pool, effect: 'NoSchedule' }],
    containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu, memory: '1Gi' } } }],
  },
});

/** Creates a SchedulingUnit in the test namespace. */
async function createUnit(name: string, spec: Record<string, unknown>): Promise<void> {
  await kube().custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: ns,
    plural: SCHEDULING_UNIT.plural,
    body: { apiVersion: API_VERSION, kind: SCHEDULING_UNIT.kind, metadata: { name, namespace: ns }, spec },
  });
}

/** A Spark-shaped gang: a SchedulingUnit with a driver and `executors` executors of `cpu` each. */
async function createGang(unit: string, executors: number, cpu: string, o: { withoutLast?: boolean } = {}) {
  const count = 1 + executors;
  await createUnit(unit, {
    queue: pool,
    minMember: count,
    roles: [
      { name: 'driver', count: 1, requests: { cpu, memory: '1Gi' } },
      { name: 'executor', count: executors, requests: { cpu, memory: '1Gi' } },
    ],
  });
  const pods = [
    poolPod(`${unit}-driver`, cpu, { labels: { [UNIT_LABEL]: unit, [UNIT_ROLE_LABEL]: 'driver' } }),
    ...Array.from({ length: executors }, (_, i) =>
      poolPod(`${unit}-exec-${i}`, cpu, { labels: { [UNIT_LABEL]: unit, [UNIT_ROLE_LABEL]: 'executor' } }),
    ),
  ];
  const create = o.withoutLast ? pods.slice(0, -1) : pods;
  await kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: create }));
  return pods;
}

const boundOf = async (unit: string): Promise<number> => {
  const list = await kube().core.listNamespacedPod({ namespace: ns, labelSelector: `${UNIT_LABEL}=${unit}` });
  return list.items.filter((p) => p.spec?.nodeName).length;
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('loom scheduler on the local cluster', () => {
  it('schedules a Deployment applied with kubectl (default-scheduler pods)', async () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            nodeSelector: { 'loom.dev/test-pool': pool },
            tolerations: [{ key: 'loom.dev/test-pool', operator: 'Exists' }],
            containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
          },
        },
      },
    };
    await kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
    await eventually('4 Running pods of the Deployment', async () => {
      const out = await kubectl(['get', 'pods', '-n', ns, '-l', 'app=web', '-o', 'jsonpath={.items[*].status.phase}']);
      const phases = out.split(' ').filter(Boolean);
      return phases.length === 4 && phases.every((p) => p === 'Running');
    });
    const nodes = await kubectl(['get', 'pods', '-n', ns, '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.nodeName}']);
    assert.deepEqual([...new Set(nodes.split(' '))].sort(), [...nodeNames].sort(), 'replicas spread over both nodes');
    await kubectl(['delete', 'deployment', 'web', '-n', ns, '--wait=true']);
    await eventually(
      'the Deployment pods to be gone',
      async () => (await kube().core.listNamespacedPod({ namespace: ns })).items.length === 0,
    );
  });

  it('places a 1+20 Spark-shaped unit all-or-nothing, only once all 21 members exist', async () => {
    // 21 × 1 cpu of the pool's 2 × 16.
    const pods = await createGang('spark-1', 20, '1', { withoutLast: true });
    await eventually('the unit to say it waits for members', async () => {
      const out = await kubectl(['get', 'su', 'spark-1', '-n', ns, '-o', 'jsonpath={.status.conditions[0].message}']);
      return out === 'waiting for members: 20/21 exist' ? out : false;
    });
    assert.equal(await boundOf('spark-1'), 0);
    const last = pods.at(-1);
    assert.ok(last);
    await kubectl(['create', '-f', '-'], JSON.stringify(last));
    await eventually('all 21 members bound', async () => (await boundOf('spark-1')) === 21);
    const phase = await kubectl(['get', 'su', 'spark-1', '-n', ns, '-o', 'jsonpath={.status.phase}']);
    assert.equal(phase, 'Scheduled');
    await kubectl(['delete', 'pods', '-n', ns, '-l', `${UNIT_LABEL}=spark-1`, '--wait=true']);
  });

  it('never half-places two gangs that cannot both fit', async () => {
    // Each gang is 1+9 × 2 cpu = 20 cpu; the pool has 32.
    await Promise.all([createGang('gang-a', 9, '2'), createGang('gang-b', 9, '2')]);
    await eventually('one gang placed', async () => {
      const [a, b] = [await boundOf('gang-a'), await boundOf('gang-b')];
      return a + b === 10 ? [a, b] : false;
    });
    // Watch a while: the other gang must stay entirely unplaced.
    for (let i = 0; i < 6; i++) {
      const counts = [await boundOf('gang-a'), await boundOf('gang-b')].sort();
      assert.deepEqual(counts, [0, 10]);
      await sleep(500);
    }
  });

  it('a high-priority unit preempts reclaimed pods, a minimal set', async () => {
    // The test plays the node agent for its pool: 8 reclaimed cores per node, reported now.
    agent = await publishReclaimed(nodeNames, 8000, '32Gi');
    const reclaimedPod = (name: string, extra: Partial<V1Pod['metadata']> = {}): V1Pod => {
      const p = poolPod(name, '0', { ...extra, annotations: { [QOS_LEVEL_ANNOTATION]: 'reclaimed_cores' } });
      const r = { [RECLAIMED_MILLICPU]: '4000', [RECLAIMED_MEMORY]: '4Gi' };
      const c = p.spec?.containers[0];
      if (c) c.resources = { requests: r, limits: r };
      return p;
    };
    const low = ['low-0', 'low-1', 'low-2', 'low-3'].map((n) => reclaimedPod(n, { labels: { tier: 'low' } }));
    await kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: low }));
    await eventually('the 4 low-priority pods to fill the reclaimed capacity', async () => {
      const list = await kube().core.listNamespacedPod({ namespace: ns, labelSelector: 'tier=low' });
      return list.items.filter((p) => p.spec?.nodeName).length === 4;
    });
    // The victims' last states, deletion included: what the translator sees of them.
    const finalState = new Map<string, V1Pod>();
    const watch = await new Watch(kube().kc).watch(
      `/api/v1/namespaces/${ns}/pods`,
      { labelSelector: 'tier=low' },
      (_type: string, pod: V1Pod) => finalState.set(pod.metadata?.name ?? '', pod),
      () => undefined,
    );
    await createUnit('urgent', {
      queue: pool,
      priority: 100,
      minMember: 2,
      roles: [{ name: 'worker', count: 2, requests: { [RECLAIMED_MILLICPU]: '4000' }, qosLevel: 'reclaimed_cores' }],
    });
    const urgent = ['urgent-0', 'urgent-1'].map((n) =>
      reclaimedPod(n, { labels: { [UNIT_LABEL]: 'urgent', [UNIT_ROLE_LABEL]: 'worker' } }),
    );
    await kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: urgent }));
    await eventually('the urgent unit placed', async () => (await boundOf('urgent')) === 2);
    const left = await kube().core.listNamespacedPod({ namespace: ns, labelSelector: 'tier=low' });
    assert.equal(left.items.filter((p) => !p.metadata?.deletionTimestamp).length, 2, 'exactly two victims');
    // The Eviction API marks each victim DisruptionTarget, so YARN counts it as a preempted container.
    const victims = await eventually<V1Pod[]>('both victims seen deleted', () => {
      const deleted = [...finalState.values()].filter((p) => p.metadata?.deletionTimestamp);
      return Promise.resolve(deleted.length === 2 ? deleted : false);
    });
    watch.abort();
    for (const v of victims) assert.equal(isPreemptionVictim(v.status), true, v.metadata?.name);
    const events = await kubectl(['get', 'events', '-n', ns, '--field-selector', 'reason=Preempted', '-o', 'name']);
    assert.equal(events.trim().split('\n').filter(Boolean).length, 2);
  });

  it('a second replica waits on the Lease and takes over when the leader steps down', async () => {
    const leader = await startTestScheduler(ns, { leaseNamespace: ns });
    let standbyUp = false;
    const standby = startTestScheduler(ns, { leaseNamespace: ns }).then((s) => {
      standbyUp = true;
      return s;
    });
    await sleep(4_000);
    assert.equal(standbyUp, false, 'the standby schedules nothing while the leader holds the Lease');
    const holder = await kubectl(['get', 'lease', SCHEDULER_NAME, '-n', ns, '-o', 'jsonpath={.spec.holderIdentity}']);
    assert.match(holder, /_[0-9a-f-]{36}$/);
    await leader.close(); // gives the Lease up
    const s = await standby;
    assert.equal(standbyUp, true);
    await s.close();
  });

  it('explains a pending unit in kubectl describe', async () => {
    await createGang('too-big', 1, '20');
    const described = await eventually('describe to show the reason', async () => {
      const out = await kubectl(['describe', 'su', 'too-big', '-n', ns]);
      return /FailedScheduling/.test(out) && /0\/\d+ nodes are available/.test(out) ? out : false;
    });
    assert.match(described, /Insufficient cpu/);
    assert.match(described, /Scheduled\s+False|Status:\s+False/);
  });
});
