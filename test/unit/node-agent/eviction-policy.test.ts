import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_EVICTION_POLICY,
  EvictionPolicy,
  victimOrder,
  type ReclaimedPod,
} from '../../../node-agent/policy/eviction-policy.ts';

const GiB = 1024 ** 3;
const allocatable = { milliCpu: 16_000, memory: 64 * GiB };
const batch = (name: string, priority: number, startTime: number, milliCpu: number, memory = GiB): ReclaimedPod => ({
  uid: name,
  namespace: 'spark',
  name,
  priority,
  startTime,
  usage: { milliCpu, memory },
});
// The worked example: three 2-core executors started in order and a 1-core driver of higher priority.
const pods = [
  batch('exec-1', 0, 1, 2000),
  batch('exec-2', 0, 2, 2000),
  batch('exec-3', 0, 3, 2000),
  batch('driver', 10, 0, 1000),
];

describe('eviction policy', () => {
  it('orders victims lowest priority first, youngest first among equals', () => {
    assert.deepEqual(
      [...pods].sort(victimOrder).map((p) => p.name),
      ['exec-3', 'exec-2', 'exec-1', 'driver'],
    );
  });

  it('the worked example: online spikes to 9700m, one executor goes after two busy samples', () => {
    const p = new EvictionPolicy();
    const input = { allocatable, onlineUsage: { milliCpu: 9700, memory: 20 * GiB }, reclaimed: pods };
    assert.deepEqual(p.step('n1', input), [], 'one busy sample is what throttling absorbs');
    const victims = p.step('n1', input);
    assert.deepEqual(
      victims.map((v) => v.pod.name),
      ['exec-3'],
    );
    assert.equal(victims[0]!.resource, 'cpu');
    assert.match(victims[0]!.reason, /online 9700m \+ reclaimed 7000m > 95% of 16000m/);
  });

  it('a quiet sample resets the count', () => {
    const p = new EvictionPolicy();
    const busy = { allocatable, onlineUsage: { milliCpu: 9700, memory: 0 }, reclaimed: pods };
    p.step('n1', busy);
    p.step('n1', { ...busy, onlineUsage: { milliCpu: 1000, memory: 0 } });
    assert.deepEqual(p.step('n1', busy), []);
  });

  it('takes back as much as online needs, and never more than the batch pods there are', () => {
    const p = new EvictionPolicy({ ...DEFAULT_EVICTION_POLICY, cpuSamples: 1 });
    const all = p.step('n1', { allocatable, onlineUsage: { milliCpu: 15_900, memory: 0 }, reclaimed: pods });
    assert.deepEqual(
      all.map((v) => v.pod.name),
      ['exec-3', 'exec-2', 'exec-1', 'driver'],
    );
    assert.deepEqual(p.step('n1', { allocatable, onlineUsage: { milliCpu: 20_000, memory: 0 }, reclaimed: [] }), []);
  });

  it('memory over the threshold evicts at once, before any cpu count', () => {
    const p = new EvictionPolicy();
    const victims = p.step('n1', {
      allocatable,
      onlineUsage: { milliCpu: 1000, memory: 60 * GiB },
      reclaimed: [batch('a', 0, 1, 100, 2 * GiB), batch('b', 0, 2, 100, 2 * GiB)],
    });
    // 64 × 0.95 = 60.8Gi: 64Gi used, minus b (youngest) 62Gi, minus a 60Gi.
    assert.deepEqual(
      victims.map((v) => [v.pod.name, v.resource]),
      [
        ['b', 'memory'],
        ['a', 'memory'],
      ],
    );
  });

  it('memory stalls (PSI) take one pod per sample', () => {
    const p = new EvictionPolicy();
    const victims = p.step('n1', {
      allocatable,
      onlineUsage: { milliCpu: 1000, memory: GiB },
      reclaimed: pods,
      memoryPressure: 35,
    });
    assert.equal(victims.length, 1);
    assert.match(victims[0]!.reason, /PSI some avg10 35.0% > 10%/);
  });

  it('a cpu eviction does not pick a pod already taken for memory', () => {
    const p = new EvictionPolicy({ ...DEFAULT_EVICTION_POLICY, cpuSamples: 1 });
    const victims = p.step('n1', {
      allocatable,
      onlineUsage: { milliCpu: 14_000, memory: 60 * GiB },
      reclaimed: [batch('a', 0, 1, 2000, 4 * GiB), batch('b', 0, 2, 2000, 4 * GiB)],
    });
    assert.deepEqual(
      victims.map((v) => [v.pod.name, v.resource]),
      [
        ['b', 'memory'],
        ['a', 'memory'],
      ],
    );
  });
});
