import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SIM_USAGE_ANNOTATIONS } from '../../../api/names.ts';
import { NodeAgent, type Evictor, type ReclaimReporter } from '../../../node-agent/agent.ts';
import { modelledUsage, parsePeriodSeconds, SimulatedSource } from '../../../node-agent/metrics/simulated.ts';
import type { PodFacts } from '../../../node-agent/metrics/source.ts';
import type { Victim } from '../../../node-agent/policy/eviction-policy.ts';
import { DEFAULT_EVICTION_POLICY } from '../../../node-agent/policy/eviction-policy.ts';
import { DEFAULT_RECLAIM_POLICY, type Amounts } from '../../../node-agent/policy/reclaim-policy.ts';

const GiB = 1024 ** 3;
const pod = (name: string, o: Partial<PodFacts> = {}): PodFacts => ({
  uid: name,
  namespace: 'ns',
  name,
  qos: 'shared_cores',
  requests: { milliCpu: 4000, memory: 8 * GiB },
  priority: 0,
  startTime: 0,
  annotations: {},
  ...o,
});

describe('simulated metrics source', () => {
  it('follows the annotations: base, daily curve, memory share, no noise', () => {
    const p = pod('web', {
      annotations: {
        [SIM_USAGE_ANNOTATIONS.base]: '0.5',
        [SIM_USAGE_ANNOTATIONS.amplitude]: '0.25',
        [SIM_USAGE_ANNOTATIONS.period]: '4m',
        [SIM_USAGE_ANNOTATIONS.noise]: '0',
        [SIM_USAGE_ANNOTATIONS.memory]: '0.5',
      },
    });
    // A quarter period into the curve: sin = 1.
    assert.deepEqual(modelledUsage(p, 60_000), { uid: 'web', milliCpu: 3000, memory: 4 * GiB });
    assert.equal(modelledUsage(p, 180_000).milliCpu, 1000);
  });

  it('noise is seeded: the same pod and second give the same number, and stays within its band', () => {
    const p = pod('web', { annotations: { [SIM_USAGE_ANNOTATIONS.noise]: '0.1' } });
    assert.equal(modelledUsage(p, 5_000).milliCpu, modelledUsage(p, 5_999).milliCpu);
    for (let s = 0; s < 200; s++) {
      const cpu = modelledUsage(p, s * 1000).milliCpu!;
      assert.ok(cpu >= 4000 * 0.2 - 1 && cpu <= 4000 * 0.4 + 1, `${cpu} outside 0.3 ± 0.1 of 4000m`);
    }
  });

  it('caps a burst at 1.5 × the request and ignores unreadable annotations', () => {
    assert.equal(modelledUsage(pod('a', { annotations: { [SIM_USAGE_ANNOTATIONS.base]: '9' } }), 0).milliCpu, 6000);
    const odd = pod('b', { annotations: { [SIM_USAGE_ANNOTATIONS.base]: 'lots', [SIM_USAGE_ANNOTATIONS.noise]: '0' } });
    assert.equal(modelledUsage(odd, 0).milliCpu, 1200);
    assert.equal(parsePeriodSeconds('1h'), 3600);
    assert.equal(parsePeriodSeconds('-5'), undefined);
  });

  it('reclaimed pods use what they request', async () => {
    const s = await new SimulatedSource().sample(
      [pod('exec', { qos: 'reclaimed_cores', requests: { milliCpu: 2000, memory: GiB } })],
      0,
    );
    assert.deepEqual(s.pods.get('exec'), { uid: 'exec', milliCpu: 2000, memory: GiB });
  });
});

class Recorder implements ReclaimReporter, Evictor {
  reports: Amounts[] = [];
  readonly evictions: Victim[] = [];
  answer: 'evicted' | 'blocked' | 'gone' = 'evicted';
  report(_node: string, allocatable: Amounts): Promise<void> {
    this.reports.push(allocatable);
    return Promise.resolve();
  }
  evict(_node: string, v: Victim): Promise<'evicted' | 'blocked' | 'gone'> {
    this.evictions.push(v);
    return Promise.resolve(this.answer);
  }
}

describe('node agent round', () => {
  const node = { name: 'n1', allocatable: { milliCpu: 16_000, memory: 64 * GiB } };
  const quiet = { [SIM_USAGE_ANNOTATIONS.noise]: '0', [SIM_USAGE_ANNOTATIONS.base]: '0.25' };
  const spiked = { [SIM_USAGE_ANNOTATIONS.noise]: '0', [SIM_USAGE_ANNOTATIONS.base]: '1.5' };
  const batch = (name: string, startTime: number): PodFacts =>
    pod(name, { qos: 'reclaimed_cores', requests: { milliCpu: 3000, memory: 4 * GiB }, startTime });
  const make = (r: Recorder): NodeAgent =>
    new NodeAgent('n1', new SimulatedSource(), r, r, {
      reclaim: DEFAULT_RECLAIM_POLICY,
      eviction: DEFAULT_EVICTION_POLICY,
    });

  it('publishes, then evicts the youngest batch pod when online spikes, and never an online pod', async () => {
    const r = new Recorder();
    const agent = make(r);
    const web = (a: Record<string, string>): PodFacts[] => [
      pod('web-1', { annotations: a }),
      pod('web-2', { annotations: a }),
    ];
    const batchPods = [batch('exec-1', 1), batch('exec-2', 2), batch('exec-3', 3)];
    await agent.tick(node, [...web(quiet), ...batchPods], 0);
    // 16000 − 800 − 2 × 1000 × 1.25
    assert.deepEqual(r.reports.at(-1), { milliCpu: 12_700, memory: r.reports.at(-1)!.memory });
    await agent.tick(node, [...web(spiked), ...batchPods], 2000);
    assert.equal(r.reports.at(-1)!.milliCpu, 16_000 - 800 - 2 * 7500, 'shrinks at once');
    assert.equal(r.evictions.length, 0);
    const third = await agent.tick(node, [...web(spiked), ...batchPods], 4000);
    // online 12000m + batch 9000m; 95 % of 16 cores is 15200m: two executors must go, youngest first.
    assert.deepEqual(
      r.evictions.map((v) => v.pod.name),
      ['exec-3', 'exec-2'],
    );
    assert.equal(third.evicted, 2);
    // Pods being evicted are neither counted nor chosen again while they leave.
    const fourth = await agent.tick(node, [...web(spiked), ...batchPods], 6000);
    assert.equal(fourth.reclaimedPods, 1);
    assert.equal(r.evictions.length, 2);
  });

  it('a refused eviction (PodDisruptionBudget) is decided again on a later sample', async () => {
    const r = new Recorder();
    r.answer = 'blocked';
    const agent = make(r);
    const pods = [pod('web', { annotations: spiked, requests: { milliCpu: 10_000, memory: GiB } }), batch('exec-1', 1)];
    for (let t = 0; t < 4; t++) await agent.tick(node, pods, t * 2000);
    assert.deepEqual(
      r.evictions.map((v) => v.pod.name),
      ['exec-1', 'exec-1'],
    );
  });

  it('resumes from what the node already shows', async () => {
    const r = new Recorder();
    await make(r).tick({ ...node, published: { milliCpu: 1000, memory: GiB }, reportTime: 0 }, [], 6000);
    assert.equal(r.reports[0]!.milliCpu, 1000 + 400);
  });
});
