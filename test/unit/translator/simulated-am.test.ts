import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  amDefaults,
  durationMs,
  executorName,
  executorsFor,
  type PodLike,
} from '../../../translator/sim/simulated-am.ts';

const T0 = Date.parse('2026-11-27T10:00:00Z');
const owner = [{ apiVersion: 'scheduling.loom.dev/v1alpha1', kind: 'SchedulingUnit', name: 'u', uid: 'x' }];
const am = (over: Partial<NonNullable<PodLike['status']>> = {}, annotations: Record<string, string> = {}): PodLike => ({
  metadata: {
    name: 'app-1-driver-0',
    namespace: 'yarn',
    labels: { 'yarn.loom.dev/role': 'am', 'scheduling.loom.dev/unit': 'app-1' },
    annotations: { 'sim.loom.dev/duration': '30s', ...annotations },
  },
  spec: { containers: [{ image: 'apache/spark:3.5.3' }] },
  status: { phase: 'Running', startTime: new Date(T0).toISOString(), ...over },
});
const placeholder = (i: number): PodLike => ({
  metadata: {
    name: `app-1-executor-${i}`,
    namespace: 'yarn',
    labels: {
      'scheduling.loom.dev/unit': 'app-1',
      'scheduling.loom.dev/role': 'executor',
      'scheduling.loom.dev/placeholder': 'true',
      'yarn.loom.dev/role': 'executor',
    },
    annotations: {
      'katalyst.kubewharf.io/qos_level': 'reclaimed_cores',
      'yarn.loom.dev/container-id': `container_1_0001_01_00000${i + 2}`,
      'sim.loom.dev/duration': '30s',
      'sim.loom.dev/exit-code': '3',
    },
    ownerReferences: owner,
  },
  spec: {
    schedulerName: 'loom-scheduler',
    containers: [{ image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '1' } } }],
  },
  status: { phase: 'Running' },
});

describe('simulated application master', () => {
  it('creates one executor per placeholder once the AM runs, ending with the AM, exit 0', () => {
    const pods = [am(), placeholder(0), placeholder(1)];
    const out = executorsFor(pods[0]!, pods, T0 + 10_000);
    assert.deepEqual(
      out.map((p) => p.metadata?.name),
      ['app-1-executor-0-sim', 'app-1-executor-1-sim'],
    );
    const e = out[0]!;
    assert.deepEqual(e.metadata?.labels, {
      'scheduling.loom.dev/unit': 'app-1',
      'scheduling.loom.dev/role': 'executor',
      'yarn.loom.dev/role': 'executor',
    });
    assert.equal(e.metadata?.annotations?.['sim.loom.dev/duration'], '20s', 'the AM has 20 s left');
    assert.equal(e.metadata?.annotations?.['sim.loom.dev/exit-code'], '0');
    assert.equal(e.metadata?.annotations?.['yarn.loom.dev/container-id'], 'container_1_0001_01_000002');
    assert.equal(e.metadata?.annotations?.['katalyst.kubewharf.io/qos_level'], 'reclaimed_cores');
    assert.deepEqual(e.metadata?.ownerReferences, owner);
    assert.equal(e.spec?.schedulerName, 'loom-scheduler');
    assert.equal(e.spec?.restartPolicy, 'Never');
    assert.deepEqual(e.spec?.containers, [
      { name: 'executor', image: 'apache/spark:3.5.3', resources: { requests: { cpu: '1' } } },
    ]);
  });

  it('creates nothing twice, nothing before the AM runs, nothing for a leaving AM', () => {
    const pods = [am(), placeholder(0), { metadata: { name: executorName('app-1-executor-0') } }];
    assert.deepEqual(executorsFor(pods[0]!, pods, T0), []);
    assert.deepEqual(executorsFor(am({ phase: 'Pending' }), [placeholder(0)], T0), []);
    assert.deepEqual(executorsFor(am({ phase: 'Succeeded' }), [placeholder(0)], T0), []);
    const leaving = { ...am(), metadata: { ...am().metadata, deletionTimestamp: 'x' } };
    assert.deepEqual(executorsFor(leaving, [placeholder(0)], T0), []);
  });

  it('gives an AM without a duration the default 30 s; a late executor gets at least a second', () => {
    const untagged = am();
    delete untagged.metadata!.annotations!['sim.loom.dev/duration'];
    assert.deepEqual(amDefaults(untagged), { 'sim.loom.dev/duration': '30s' });
    assert.equal(amDefaults(am()), undefined);
    assert.equal(amDefaults(am({ phase: 'Pending' })), undefined);
    assert.equal(
      executorsFor(am(), [placeholder(0)], T0 + 60_000)[0]?.metadata?.annotations?.['sim.loom.dev/duration'],
      '1s',
    );
    assert.equal(durationMs('2m'), 120_000);
    assert.equal(durationMs('soon'), undefined);
  });
});
