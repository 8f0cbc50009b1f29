import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Watch, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { KeepAliveClient } from '../../api/k8s/keepalive-client.ts';
import { ListDecoder, PROTOBUF, PROTOBUF_OR_JSON, type ProtobufListKind } from '../../api/k8s/protobuf-list.ts';
import { ProtobufWatch } from '../../api/k8s/protobuf-watch.ts';
import {
  QOS_LEVEL_ANNOTATION,
  RECLAIMED_MEMORY,
  RECLAIMED_MILLICPU,
  UNIT_LABEL,
  UNIT_ROLE_LABEL,
} from '../../api/names.ts';
import { nodeFacts, podMember } from '../../scheduler/k8s/convert.ts';
import { deleteNamespaceAndNodes, eventually, freshNamespace, kube, testPoolNode } from './harness.ts';

/**
 * The scheduler lists pods and nodes as protobuf (api/k8s/protobuf-list.ts, a hand-kept subset of the upstream
 * schema). Here the real apiserver answers the same lists in both encodings and the scheduler's view of every
 * object must be the same: a field number or type wrong in the subset shows up as a difference.
 */
let ns = '';
let client: KeepAliveClient | undefined;
const nodeName: string[] = [];

const pods = (): V1Pod[] => {
  const base = (name: string): V1Pod => ({
    metadata: { name, namespace: ns },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
  });
  const full = base('everything');
  full.metadata = {
    ...full.metadata,
    labels: { app: 'web', [UNIT_LABEL]: 'u1', [UNIT_ROLE_LABEL]: 'executor' },
    annotations: { [QOS_LEVEL_ANNOTATION]: 'reclaimed_cores', note: '' },
  };
  full.spec = {
    ...full.spec!,
    containers: [
      {
        name: 'a',
        image: 'registry.k8s.io/pause:3.10',
        resources: {
          requests: { cpu: '1500m', memory: '1Gi', [RECLAIMED_MILLICPU]: '1500', [RECLAIMED_MEMORY]: '1Gi' },
          // Extended resources must request what they limit.
          limits: { cpu: '2', memory: '1536Mi', [RECLAIMED_MILLICPU]: '1500', [RECLAIMED_MEMORY]: '1Gi' },
        },
      },
      { name: 'b', image: 'registry.k8s.io/pause:3.10', resources: { limits: { cpu: '250m', memory: '64Mi' } } },
    ],
    initContainers: [
      { name: 'init', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '3', memory: '10M' } } },
    ],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    tolerations: [
      { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' },
      { operator: 'Exists' },
      { key: 'slow', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    ],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z1', 'z2'] }] },
            { matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] },
          ],
        },
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: {
              matchLabels: { app: 'web' },
              matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['cache'] }],
            },
            topologyKey: 'kubernetes.io/hostname',
            namespaces: [ns, 'other'],
          },
        ],
      },
    },
  };
  const bound = base('bound');
  bound.spec = { ...bound.spec!, nodeName: nodeName[0], schedulerName: 'someone-else' };
  return [full, bound, base('plain')];
};

async function list<T>(path: string, kind: ProtobufListKind, protobuf: boolean): Promise<T[]> {
  let sawProtobuf = false;
  const res = await client!.request<{ items: T[] }>('GET', path, undefined, undefined, {
    accept: protobuf ? PROTOBUF_OR_JSON : 'application/json',
    decoder: (type) => {
      sawProtobuf = type.startsWith(PROTOBUF);
      return protobuf && sawProtobuf ? new ListDecoder<T>(kind) : undefined;
    },
  });
  assert.equal(res.status, 200);
  assert.equal(sawProtobuf, protobuf, `${path} answered ${protobuf ? 'not ' : ''}as protobuf`);
  return res.body.items;
}

before(async () => {
  ns = await freshNamespace('pb');
  const { kc, core } = kube();
  client = new KeepAliveClient(kc, { qps: 50, burst: 50, maxSockets: 2 });
  const node = testPoolNode(`it-${ns}`, 0, 9100);
  node.spec = {
    ...node.spec,
    unschedulable: true,
    taints: [...(node.spec?.taints ?? []), { key: 'plain', effect: 'PreferNoSchedule' }],
  };
  node.status = {
    ...node.status,
    allocatable: { ...node.status?.allocatable, [RECLAIMED_MILLICPU]: '12345', [RECLAIMED_MEMORY]: '7Gi' },
  };
  nodeName.push((await core.createNode({ body: node })).metadata?.name ?? '');
  for (const body of pods()) await core.createNamespacedPod({ namespace: ns, body });
});

after(async () => {
  client?.close();
  await deleteNamespaceAndNodes(ns, nodeName);
});

describe('protobuf lists against the real apiserver', () => {
  it('every pod reads the same as protobuf and as JSON', async () => {
    const path = `/api/v1/namespaces/${ns}/pods`;
    const [proto, json] = await Promise.all([list<V1Pod>(path, 'PodList', true), list<V1Pod>(path, 'PodList', false)]);
    assert.equal(proto.length, 3);
    const byName = (l: V1Pod[]): Map<string, V1Pod> => new Map(l.map((p) => [p.metadata?.name ?? '', p]));
    const jsonByName = byName(json);
    for (const [name, p] of byName(proto)) {
      const j = jsonByName.get(name);
      assert.ok(j, `${name} in both lists`);
      assert.deepEqual(podMember(p), podMember(j), `${name}: the scheduler's member`);
      for (const f of ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp'] as const)
        assert.equal(String(p.metadata?.[f]), String(j.metadata?.[f]), `${name}: metadata.${f}`);
      assert.equal(p.spec?.nodeName, j.spec?.nodeName, `${name}: spec.nodeName`);
      assert.equal(p.spec?.schedulerName, j.spec?.schedulerName, `${name}: spec.schedulerName`);
      assert.equal(p.status?.phase, j.status?.phase, `${name}: status.phase`);
    }
    // The member of the pod with every field is what the JSON says, not merely equal to a shared mistake.
    const m = podMember(byName(proto).get('everything')!);
    assert.deepEqual(m.requests, { milliCpu: 1500, memory: 1024 ** 3, pods: 1 });
    assert.equal(m.qos, 'reclaimed_cores');
    assert.equal(m.unit, `${ns}/u1`);
    assert.equal(m.role, 'executor');
    assert.equal(m.podAntiAffinity?.[0]?.namespaces?.length, 2);
    assert.equal(m.tolerations.length, 3);
  });

  it('every node reads the same as protobuf and as JSON', async () => {
    const [proto, json] = await Promise.all([
      list<V1Node>('/api/v1/nodes', 'NodeList', true),
      list<V1Node>('/api/v1/nodes', 'NodeList', false),
    ]);
    const jsonFacts = new Map(json.map((n) => [n.metadata?.name ?? '', nodeFacts(n)]));
    let compared = 0;
    for (const n of proto) {
      const facts = nodeFacts(n);
      const j = jsonFacts.get(facts.name);
      if (!j) continue; // created or deleted between the two lists
      assert.deepEqual(facts, j, `node ${facts.name}`);
      compared++;
    }
    assert.ok(compared >= 2, `compared ${compared} nodes`);
    const ours = proto.map(nodeFacts).find((f) => f.name === nodeName[0]);
    assert.equal(ours?.unschedulable, true);
    assert.deepEqual(ours?.reclaimedAllocatable, { milliCpu: 12345, memory: 7 * 1024 ** 3 });
    // Ours, and node.kubernetes.io/unschedulable added by the node controller.
    assert.ok(ours?.taints.some((t) => t.key === 'plain' && t.effect === 'PreferNoSchedule'));
  });

  it("a protobuf watch reports the same events as client-node's JSON watch", async () => {
    const { kc, core } = kube();
    const path = `/api/v1/namespaces/${ns}/pods`;
    const from = (await core.listNamespacedPod({ namespace: ns })).metadata?.resourceVersion ?? '';
    type Seen = { type: string; name: string; rv: string; member: unknown };
    const seen = (into: Seen[]) => (type: string, o: unknown) => {
      const p = o as V1Pod;
      if (type === 'BOOKMARK') return;
      into.push({ type, name: p.metadata?.name ?? '', rv: p.metadata?.resourceVersion ?? '', member: podMember(p) });
    };
    const proto: Seen[] = [];
    const json: Seen[] = [];
    const ended: unknown[] = [];
    const a = await new ProtobufWatch(kc, 'PodList').watch(path, { resourceVersion: from }, seen(proto), (e) =>
      ended.push(e),
    );
    const b = await new Watch(kc).watch(path, { resourceVersion: from }, seen(json), () => undefined);
    try {
      const body = pods()[0]!;
      body.metadata = { ...body.metadata, name: 'watched' };
      await core.createNamespacedPod({ namespace: ns, body });
      await core.patchNamespacedPod({
        namespace: ns,
        name: 'watched',
        body: [{ op: 'add', path: '/metadata/labels/extra', value: 'yes' }],
      });
      await core.deleteNamespacedPod({ namespace: ns, name: 'watched', gracePeriodSeconds: 0 });
      await eventually('both watches to see the deletion', () =>
        Promise.resolve([proto, json].every((l) => l.some((e) => e.type === 'DELETED' && e.name === 'watched'))),
      );
      assert.ok(proto.length >= 3, `${proto.length} events`);
      assert.deepEqual(proto, json);
      assert.deepEqual(ended, [], 'the watch did not end early');
    } finally {
      a.abort();
      b.abort();
    }
  });
});
