import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CoreV1Event, V1Node, V1Pod } from '@kubernetes/client-node';
import {
  QOS_LEVEL_ANNOTATION,
  RECLAIMED_MEMORY,
  RECLAIMED_MILLICPU,
  RECLAIMED_REPORT_TIME_ANNOTATION,
  SIM_USAGE_ANNOTATIONS,
} from '../../api/names.ts';
import type { RunningNodeAgent } from '../../node-agent/main.ts';
import {
  deleteNamespaceAndNodes,
  eventually,
  freshNamespace,
  kube,
  kubectl,
  startTestNodeAgent,
  testPoolNode,
} from './harness.ts';

/**
 * The node agent against the real apiserver, in fleet mode over its own two tainted kwok nodes (16 cpu, 64Gi), with
 * the simulated usage model: pods are bound directly (nodeName), so no scheduler is involved, and their load is
 * changed with `kubectl annotate` as an operator would.
 */
let ns = '';
let pool = '';
let agent: RunningNodeAgent | undefined;
const nodeNames: string[] = [];
const GiB = 1024 ** 3;

const poolNode = (i: number): V1Node => testPoolNode(pool, i, 9100 + i);

const toleration = (): NonNullable<V1Pod['spec']>['tolerations'] => [
  { key: 'loom.dev/test-pool', operator: 'Exists', effect: 'NoSchedule' },
];

/** An online pod bound to `node`, 8 cores requested, using `base` of it (no noise, so numbers are exact). */
const onlinePod = (name: string, node: string, base: number): V1Pod => ({
  metadata: {
    name,
    namespace: ns,
    annotations: { [SIM_USAGE_ANNOTATIONS.base]: String(base), [SIM_USAGE_ANNOTATIONS.noise]: '0' },
  },
  spec: {
    nodeName: node,
    tolerations: toleration(),
    containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu: '8', memory: '16Gi' } } }],
  },
});

/** A batch pod on reclaimed capacity: 3 reclaimed cores and 4Gi. */
const batchPod = (name: string, node: string): V1Pod => ({
  metadata: { name, namespace: ns, annotations: { [QOS_LEVEL_ANNOTATION]: 'reclaimed_cores' } },
  spec: {
    nodeName: node,
    tolerations: toleration(),
    containers: [
      {
        name: 'executor',
        image: 'spark',
        resources: {
          requests: { [RECLAIMED_MILLICPU]: '3000', [RECLAIMED_MEMORY]: '4Gi' },
          limits: { [RECLAIMED_MILLICPU]: '3000', [RECLAIMED_MEMORY]: '4Gi' },
        },
      },
    ],
  },
});

const reclaimedOn = async (name: string): Promise<{ cpu: number; memory: number; capacity: number; at: number }> => {
  const n = await kube().core.readNode({ name });
  return {
    cpu: Number(n.status?.allocatable?.[RECLAIMED_MILLICPU] ?? NaN),
    memory: Number(n.status?.allocatable?.[RECLAIMED_MEMORY] ?? NaN),
    capacity: Number(n.status?.capacity?.[RECLAIMED_MILLICPU] ?? NaN),
    at: new Date(n.metadata?.annotations?.[RECLAIMED_REPORT_TIME_ANNOTATION] ?? 0).getTime(),
  };
};

const running = async (name: string): Promise<boolean> =>
  (await kube().core.readNamespacedPod({ name, namespace: ns })).status?.phase === 'Running';

before(async () => {
  ns = await freshNamespace('agent');
  pool = `na-${ns}`;
  for (let i = 0; i < 2; i++)
    nodeNames.push((await kube().core.createNode({ body: poolNode(i) })).metadata?.name ?? '');
  // A short peak window and fast growth, so a load that falls shows up within the test's patience.
  agent = await startTestNodeAgent(`loom.dev/test-pool=${pool}`, {
    reclaim: { peakWindowMs: 2_000, growPerMinute: 30 },
  });
});

after(async () => {
  await agent?.close();
  await deleteNamespaceAndNodes(ns, nodeNames);
});

describe('node agent (fleet mode, simulated usage)', () => {
  it('publishes reclaimed capacity on every node of its fleet, with a fresh report time', async () => {
    // An idle 16-core node: everything but the 5 % reserve.
    for (const name of nodeNames) {
      const r = await eventually(`reclaimed capacity on ${name}`, async () => {
        const r = await reclaimedOn(name);
        // The time is written just after the amounts it vouches for.
        return r.cpu === 15_200 && Date.now() - r.at < 10_000 && r;
      });
      assert.equal(r.capacity, 15_200);
      assert.equal(r.memory, Math.floor(64 * GiB - Math.ceil(64 * GiB * 0.05)));
    }
  });

  it('follows the online load: down at once when it rises, back up when it falls', async () => {
    const [node] = nodeNames as [string];
    await kube().core.createNamespacedPod({ namespace: ns, body: onlinePod('web', node, 0.25) });
    // 16000 − 800 − 8000 × 0.25 × 1.25
    await eventually(
      '12700m published beside a quarter-busy online pod',
      async () => (await reclaimedOn(node)).cpu === 12_700,
    );
    await kubectl(['annotate', 'pod', '-n', ns, 'web', '--overwrite', `${SIM_USAGE_ANNOTATIONS.base}=0.75`]);
    // 16000 − 800 − 6000 × 1.25
    await eventually(
      '7700m once the online pod is three-quarters busy',
      async () => (await reclaimedOn(node)).cpu === 7_700,
    );
    await kubectl(['annotate', 'pod', '-n', ns, 'web', '--overwrite', `${SIM_USAGE_ANNOTATIONS.base}=0.25`]);
    await eventually('12700m again after the load fell', async () => (await reclaimedOn(node)).cpu === 12_700, 20_000);
    assert.equal((await reclaimedOn(nodeNames[1]!)).cpu, 15_200, 'the other node is untouched');
  });

  it('evicts reclaimed pods, youngest first, when online usage spikes, and nothing online', async () => {
    const [node] = nodeNames as [string];
    // startTime has one-second resolution: create the executors a second apart so "youngest" is well defined.
    for (const name of ['exec-1', 'exec-2', 'exec-3']) {
      await kube().core.createNamespacedPod({ namespace: ns, body: batchPod(name, node) });
      await eventually(`${name} Running`, () => running(name));
      await new Promise((r) => setTimeout(r, 1_100));
    }
    // online 2000m + batch 9000m = 11000m, under 95 % of 16000m: nothing happens.
    await new Promise((r) => setTimeout(r, 2_000));
    for (const name of ['exec-1', 'exec-2', 'exec-3']) assert.ok(await running(name), `${name} still runs`);

    const spikeAt = Date.now();
    await kubectl(['annotate', 'pod', '-n', ns, 'web', '--overwrite', `${SIM_USAGE_ANNOTATIONS.base}=1.5`]);
    // online 12000m + 9000m: two executors must go (21000 → 15000 ≤ 15200), the youngest two.
    const events = await eventually('two Evicted events from the node agent', async () => {
      const list = await kube().core.listNamespacedEvent({ namespace: ns });
      const evicted = list.items.filter(
        (e: CoreV1Event) => e.reason === 'Evicted' && e.source?.component === 'loom-node-agent',
      );
      return evicted.length >= 2 && evicted;
    });
    const seconds = (Date.now() - spikeAt) / 1000;
    assert.deepEqual(events.map((e) => e.involvedObject.name).sort(), ['exec-2', 'exec-3']);
    for (const e of events) {
      assert.equal(e.type, 'Warning');
      assert.equal(e.source?.host, node);
      assert.match(
        e.message ?? '',
        /cpu on node .* is needed by online pods \(online 12000m \+ reclaimed 9000m > 95% of 16000m\)/,
      );
    }
    await eventually('the evicted executors gone', async () => {
      const pods = await kube().core.listNamespacedPod({ namespace: ns });
      const names = pods.items.map((p) => p.metadata?.name);
      return !names.includes('exec-2') && !names.includes('exec-3');
    });
    const web = await kube().core.readNamespacedPod({ name: 'web', namespace: ns });
    assert.equal(web.status?.phase, 'Running');
    assert.equal(web.metadata?.deletionTimestamp, undefined, 'the online pod is never touched');
    const exec1 = await kube().core.readNamespacedPod({ name: 'exec-1', namespace: ns });
    assert.equal(exec1.metadata?.deletionTimestamp, undefined, 'the oldest executor stays: 15000m fits');
    const metrics = await agent!.metrics.registry.getSingleMetricAsString('loom_node_evictions_total');
    assert.match(metrics, new RegExp(`loom_node_evictions_total\\{node="${node}",resource="cpu"\\} 2`));
    assert.ok(seconds < 15, `spike to eviction took ${seconds}s`);
  });
});
