import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { resolveQueueLimits, type TierTotals } from '../../../scheduler/core/queue-limits.ts';
import type { KeepAliveClient } from '../../../api/k8s/keepalive-client.ts';
import { disruptionBudget, nodeFacts, podMember, queueLimitSpec, unitInfo } from '../../../scheduler/k8s/convert.ts';
import { KubeUnitReporter } from '../../../scheduler/k8s/unit-reporter.ts';
import { member, unit } from '../../builders/pipeline.ts';

const GI = 1024 ** 3;

describe('resolveQueueLimits', () => {
  const totals: TierTotals = {
    reserved: { milliCpu: 100_000, memory: 400 * GI, pods: 1000 },
    spot: { milliCpu: 40_000, memory: 100 * GI, pods: 1000 },
  };
  it('resolves percentages down the tree against the tier of each leaf (CapacityScheduler absolute capacities)', () => {
    const limits = resolveQueueLimits(
      [
        queueLimitSpec({ metadata: { name: 'root' }, spec: { capacity: 100, maximumCapacity: 100 } }),
        queueLimitSpec({ metadata: { name: 'spark' }, spec: { parent: 'root', capacity: 40, maximumCapacity: 50 } }),
        queueLimitSpec({
          metadata: { name: 'web' },
          spec: { parent: 'root', capacity: 20, maximumCapacity: 100, tier: 'reserved' },
        }),
        queueLimitSpec({ metadata: { name: 'adhoc' }, spec: { parent: 'spark', capacity: 50, maximumCapacity: 100 } }),
      ],
      totals,
    );
    const by = new Map(limits.map((q) => [q.name, q]));
    assert.equal(by.get('root')?.max.milliCpu, Infinity);
    assert.equal(by.get('spark')?.guaranteed.milliCpu, 16_000); // 40% of 40 reclaimed cores
    assert.equal(by.get('spark')?.max.milliCpu, 20_000);
    assert.equal(by.get('web')?.guaranteed.milliCpu, 20_000); // 20% of 100 allocatable cores
    assert.equal(by.get('adhoc')?.guaranteed.milliCpu, 8_000); // 50% of spark's 16
    assert.equal(by.get('adhoc')?.max.milliCpu, 20_000); // 100% of spark's max
  });

  it('takes explicit resources over percentages, and reads STOPPED', () => {
    const [, q] = resolveQueueLimits(
      [
        queueLimitSpec({ metadata: { name: 'root' }, spec: {} }),
        queueLimitSpec({
          metadata: { name: 'q' },
          spec: {
            parent: 'root',
            tier: 'reserved',
            state: 'STOPPED',
            guaranteed: { cpu: '4', memory: '8Gi' },
            max: { cpu: '8', memory: '16Gi' },
          },
        }),
      ],
      totals,
    );
    assert.deepEqual(
      [q?.guaranteed.milliCpu, q?.guaranteed.memory, q?.max.milliCpu, q?.running],
      [4000, 8 * GI, 8000, false],
    );
  });
});

describe('Kubernetes objects → scheduler values', () => {
  it('reads a node: allocatable, reclaimed capacity and its report time, taints, cordon', () => {
    const n: V1Node = {
      metadata: {
        name: 'n1',
        labels: { zone: 'a' },
        annotations: { 'node.loom.dev/reclaimed-report-time': '2026-11-27T10:00:00Z' },
      },
      spec: { unschedulable: true, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] },
      status: {
        allocatable: {
          cpu: '31500m',
          memory: '120Gi',
          pods: '110',
          'resource.katalyst.kubewharf.io/reclaimed_millicpu': '12000',
          'resource.katalyst.kubewharf.io/reclaimed_memory': '48Gi',
        },
      },
    };
    const f = nodeFacts(n);
    assert.deepEqual(f.allocatable, { milliCpu: 31_500, memory: 120 * GI, pods: 110 });
    assert.deepEqual(f.reclaimedAllocatable, { milliCpu: 12_000, memory: 48 * GI });
    assert.equal(f.reclaimedReportTime, Date.parse('2026-11-27T10:00:00Z'));
    assert.equal(f.unschedulable, true);
    assert.deepEqual(f.taints, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
  });

  it('reads a pod: QoS, reclaimed requests, init containers, unit, role, placeholder, affinity', () => {
    const p: V1Pod = {
      metadata: {
        name: 'e-1',
        namespace: 'yarn',
        uid: 'u1',
        labels: {
          'scheduling.loom.dev/unit': 'app-1',
          'scheduling.loom.dev/role': 'executor',
          'scheduling.loom.dev/placeholder': 'true',
        },
        annotations: { 'katalyst.kubewharf.io/qos_level': 'reclaimed_cores' },
      },
      spec: {
        priority: 7,
        initContainers: [
          { name: 'i', resources: { requests: { 'resource.katalyst.kubewharf.io/reclaimed_millicpu': '6000' } } },
        ],
        containers: [
          {
            name: 'c',
            resources: {
              requests: {
                'resource.katalyst.kubewharf.io/reclaimed_millicpu': '4000',
                'resource.katalyst.kubewharf.io/reclaimed_memory': '8Gi',
              },
            },
          },
        ],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
            },
          },
        },
      },
    };
    const m = podMember(p);
    assert.equal(m.qos, 'reclaimed_cores');
    assert.deepEqual(m.requests, { milliCpu: 6000, memory: 8 * GI, pods: 1 }); // the init container's 6000 wins
    assert.deepEqual([m.unit, m.role, m.placeholder, m.priority, m.uid], ['yarn/app-1', 'executor', true, 7, 'u1']);
    assert.deepEqual(m.nodeAffinity?.terms[0]?.matchExpressions, [{ key: 'zone', operator: 'In', values: ['a'] }]);
  });

  it('treats a pod without requests as asking for nothing, and without QoS as shared_cores', () => {
    const m = podMember({ metadata: { name: 'x', namespace: 'd' }, spec: { containers: [{ name: 'c' }] } });
    assert.deepEqual([m.qos, m.requests.milliCpu, m.requests.memory], ['shared_cores', 0, 0]);
  });

  it('reads a unit, finished once TimedOut', () => {
    const u = unitInfo({
      metadata: { name: 'u', namespace: 'yarn', uid: 'x', creationTimestamp: '2026-11-27T10:00:00Z' },
      spec: { queue: 'spark', priority: 3, minMember: 21, timeoutSeconds: 60, mode: 'soft' },
      status: { phase: 'TimedOut' },
    });
    assert.deepEqual(
      [u.key, u.queue, u.priority, u.minMember, u.timeoutSeconds, u.mode, u.finished, u.uid],
      ['yarn/u', 'spark', 3, 21, 60, 'soft', true, 'x'],
    );
  });
});

describe('disruptionBudget', () => {
  it('reads selector and disruptionsAllowed; an absent selector constrains nothing', () => {
    assert.deepEqual(
      disruptionBudget({
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
        },
        status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 },
      }),
      {
        key: 'shop/web',
        namespace: 'shop',
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
        disruptionsAllowed: 1,
      },
    );
    const none = disruptionBudget({ metadata: { name: 'x', namespace: 'shop' }, spec: {} });
    assert.equal(none.disruptionsAllowed, Number.POSITIVE_INFINITY);
    const fresh = disruptionBudget({ metadata: { name: 'y', namespace: 'shop' }, spec: { selector: {} } });
    assert.equal(fresh.disruptionsAllowed, 0, 'no status yet: allow nothing');
  });
});

describe('KubeUnitReporter', () => {
  /** A client that records each write as `METHOD path`. */
  const recording = () => {
    const writes: string[] = [];
    const client = {
      request: (method: string, path: string) => {
        writes.push(`${method} ${path}`);
        return Promise.resolve({ status: 200, body: {} });
      },
    } as unknown as KeepAliveClient;
    return { writes, reporter: new KubeUnitReporter(client, () => undefined) };
  };

  it("writes a unit's reason on the unit", () => {
    const { writes, reporter } = recording();
    reporter.pending(unit('g'), [member('g-0', { unit: 'yarn/g' })], 'waiting for members: 1/2 exist');
    assert.deepEqual(writes, [
      'PATCH /apis/scheduling.loom.dev/v1alpha1/namespaces/yarn/schedulingunits/g/status',
      'POST /api/v1/namespaces/yarn/events',
    ]);
  });

  it('writes the reason of a unit that does not exist on each pod it was given, not on the unit', () => {
    const { writes, reporter } = recording();
    const members = [member('g-0', { unit: 'yarn/g' }), member('g-1', { unit: 'yarn/g' })];
    reporter.pending({ ...unit('g'), missing: true }, members, 'waiting for SchedulingUnit yarn/g (not found)');
    assert.deepEqual(writes, [
      'PATCH /api/v1/namespaces/yarn/pods/g-0/status',
      'POST /api/v1/namespaces/yarn/events',
      'PATCH /api/v1/namespaces/yarn/pods/g-1/status',
      'POST /api/v1/namespaces/yarn/events',
    ]);
  });
});
