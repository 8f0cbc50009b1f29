import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Member } from '../../../scheduler/core/types.ts';
import type { SchedulingPipeline } from '../../../scheduler/pipeline.ts';
import { budgetViolations, planPreemption } from '../../../scheduler/preemption/preemption.ts';
import { makePipeline, member, nodeFacts, unit } from '../../builders/pipeline.ts';

const GI = 1024 ** 3;
const NOW = 1_795_770_000_000;
let running: SchedulingPipeline[] = [];
afterEach(() => {
  for (const p of running) p.stop();
  running = [];
});

/** A node with `cpu` reclaimed cores freshly reported (and online allocatable beside it). */
const reclaimedNode = (name: string, cpu: number) => ({
  ...nodeFacts(name, 32, 128),
  reclaimedAllocatable: { milliCpu: cpu * 1000, memory: 64 * GI },
  reclaimedReportTime: NOW,
});
const batch = (name: string, cpu: number, priority: number, o: Partial<Member> = {}): Member =>
  member(name, { qos: 'reclaimed_cores', cpu, priority, ...o });

describe('planPreemption', () => {
  it('evicts a minimal set of lower-priority reclaimed pods, lowest priority first', () => {
    const t = makePipeline();
    t.cache.upsertNode(reclaimedNode('a', 8));
    t.cache.upsertNode(reclaimedNode('b', 8));
    t.cache.place(batch('a-1', 4, 5), 'a', false);
    t.cache.place(batch('a-2', 4, 5), 'a', false);
    t.cache.place(batch('b-1', 2, 1), 'b', false);
    t.cache.place(batch('b-2', 2, 1), 'b', false);
    t.cache.place(batch('b-3', 4, 1), 'b', false);
    const plan = planPreemption([batch('hi', 4, 10)], 10, t.cache, fw(t));
    assert.ok(plan);
    // On b (priority 1 beats priority 5 on a), one 4-cpu pod suffices: b-3, not both 2-cpu pods.
    assert.deepEqual(
      plan.victims.map((v) => v.name),
      ['b-3'],
    );
    assert.equal(plan.nominated.get('yarn/hi'), 'b');
  });

  it('evicts a victim gang whole, across nodes', () => {
    const t = makePipeline();
    t.cache.upsertNode(reclaimedNode('a', 4));
    t.cache.upsertNode(reclaimedNode('b', 4));
    t.cache.place(batch('g-0', 4, 0, { unit: 'yarn/g' }), 'a', false);
    t.cache.place(batch('g-1', 4, 0, { unit: 'yarn/g' }), 'b', false);
    const plan = planPreemption([batch('hi', 4, 10)], 10, t.cache, fw(t));
    assert.deepEqual(plan?.victims.map((v) => v.name).sort(), ['g-0', 'g-1']);
  });

  it('evicts nothing when even every eligible victim would not make the whole unit fit', () => {
    const t = makePipeline();
    t.cache.upsertNode(reclaimedNode('a', 8));
    t.cache.place(batch('low', 4, 0), 'a', false);
    t.cache.place(batch('high', 4, 20), 'a', false);
    const members = [batch('p-0', 4, 10, { unit: 'yarn/p' }), batch('p-1', 4, 10, { unit: 'yarn/p' })];
    assert.equal(planPreemption(members, 10, t.cache, fw(t)), undefined);
  });

  it('evicts only victims whose capacity the preemptor needs (online and reclaimed are accounted apart)', () => {
    const t = makePipeline();
    t.cache.upsertNode({ ...reclaimedNode('a', 8), allocatable: { milliCpu: 8000, memory: 64 * GI, pods: 110 } });
    t.cache.upsertNode(nodeFacts('b', 8, 64));
    t.cache.place(member('db', { cpu: 8, priority: 50 }), 'a', false);
    t.cache.place(batch('batch', 8, 0), 'a', false);
    t.cache.place(member('web', { cpu: 8 }), 'b', false);
    // Evicting the reclaimed pod on a would free nothing an online pod can use.
    const plan = planPreemption([member('hi', { cpu: 8, priority: 10 })], 10, t.cache, fw(t));
    assert.deepEqual(
      plan?.victims.map((v) => v.name),
      ['web'],
    );
  });
});

describe('planPreemption cost', () => {
  /** Counts the framework's PreFilter passes (each walks every node for anti-affinity). */
  const counting = (t: ReturnType<typeof makePipeline>) => {
    const f = fw(t);
    const calls = { n: 0 };
    const pre = f.preFilter.bind(f);
    f.preFilter = (m, nodes) => {
      calls.n++;
      return pre(m, nodes);
    };
    return { f, calls };
  };

  it('gives up without a what-if pass when nothing of lower priority runs', () => {
    const t = makePipeline();
    for (let i = 0; i < 50; i++) t.cache.upsertNode(nodeFacts(`n${i}`, 8, 64));
    for (let i = 0; i < 50; i++) t.cache.place(member(`peer-${i}`, { cpu: 8, priority: 10 }), `n${i}`, false);
    const { f, calls } = counting(t);
    assert.equal(planPreemption([member('p', { cpu: 8, priority: 10 })], 10, t.cache, f), undefined);
    assert.equal(calls.n, 0);
  });

  it('runs PreFilter once per member, not once per node it tries', () => {
    const t = makePipeline();
    for (let i = 0; i < 50; i++) t.cache.upsertNode(nodeFacts(`n${i}`, 8, 64));
    for (let i = 0; i < 50; i++) t.cache.place(member(`low-${i}`, { cpu: 8, priority: 1 }), `n${i}`, false);
    const { f, calls } = counting(t);
    const members = [member('p-0', { cpu: 8, priority: 10 }), member('p-1', { cpu: 8, priority: 10 })];
    const plan = planPreemption(members, 10, t.cache, f);
    assert.equal(plan?.victims.length, 2);
    assert.equal(calls.n, 2);
  });
});

describe('planPreemption with PodDisruptionBudgets', () => {
  const web = (name: string, priority = 0): Member => member(name, { cpu: 8, priority, labels: { app: 'web' } });
  const pdb = (allowed: number) => ({
    key: 'yarn/web',
    namespace: 'yarn',
    selector: { matchLabels: { app: 'web' } },
    disruptionsAllowed: allowed,
  });

  it('prefers the node whose victims break no budget, even at a higher priority', () => {
    const t = makePipeline();
    t.cache.upsertNode(nodeFacts('a', 8, 64));
    t.cache.upsertNode(nodeFacts('b', 8, 64));
    t.cache.place(web('web-0', 1), 'a', false);
    t.cache.place(member('batchy', { cpu: 8, priority: 5 }), 'b', false);
    t.cache.upsertBudget(pdb(0));
    const plan = planPreemption([member('hi', { cpu: 8, priority: 10 })], 10, t.cache, fw(t));
    // Without the budget web-0 (priority 1) would go; the budget allows no disruption, so batchy (5) goes instead.
    assert.deepEqual(
      plan?.victims.map((v) => v.name),
      ['batchy'],
    );
    t.cache.removeBudget('yarn/web');
    const unguarded = planPreemption([member('hi', { cpu: 8, priority: 10 })], 10, t.cache, fw(t));
    assert.deepEqual(
      unguarded?.victims.map((v) => v.name),
      ['web-0'],
    );
  });

  it('counts violations past disruptionsAllowed, per namespace and selector', () => {
    const victims = [web('w-0'), web('w-1'), web('w-2'), member('other', { labels: { app: 'web' }, namespace: 'x' })];
    assert.equal(budgetViolations(victims, [pdb(1)]), 2);
    assert.equal(budgetViolations(victims, [pdb(5)]), 0);
    assert.equal(budgetViolations(victims, []), 0);
  });

  it('still preempts when every choice breaks a budget (the Eviction API then decides), breaking the fewest', () => {
    const t = makePipeline();
    t.cache.upsertNode(nodeFacts('a', 16, 64));
    t.cache.upsertNode(nodeFacts('b', 8, 64));
    t.cache.place(web('a-0'), 'a', false);
    t.cache.place(web('a-1'), 'a', false);
    t.cache.place(web('b-0'), 'b', false);
    t.cache.upsertBudget(pdb(0));
    const plan = planPreemption([member('hi', { cpu: 16, priority: 10 })], 10, t.cache, fw(t));
    assert.deepEqual(plan?.victims.map((v) => v.name).sort(), ['a-0', 'a-1']);
    const small = planPreemption([member('hi', { cpu: 8, priority: 10 })], 10, t.cache, fw(t));
    assert.equal(small?.victims.length, 1, 'one violation rather than two');
  });
});

/** The pipeline's framework, reached through a fresh pipeline (same registry and profile). */
function fw(t: ReturnType<typeof makePipeline>) {
  return t.framework;
}

describe('SchedulingPipeline: preemption', () => {
  it('a high-priority unit preempts reclaimed pods, then takes their place', async () => {
    const t = makePipeline({ preemptionGraceMs: 60_000 });
    t.pipeline.nodeUpsert(reclaimedNode('a', 8));
    for (const name of ['low-0', 'low-1']) t.pipeline.podPlaced(batch(name, 4, 0), 'a');
    t.pipeline.unitUpsert(unit('hi', { minMember: 2, priority: 100 }));
    running.push(t.pipeline);
    t.pipeline.start();
    for (const name of ['hi-0', 'hi-1']) t.pipeline.podPending(batch(name, 4, 0, { unit: 'yarn/hi' }));
    await t.pipeline.idle();
    assert.deepEqual(t.sink.evicted.sort(), ['low-0', 'low-1']);
    assert.match(t.reporter.pendingMessages.get('yarn/hi') ?? '', /^preempting 2 lower-priority pod\(s\)/);
    assert.equal(t.sink.bound.size, 0);
    for (const name of ['low-0', 'low-1']) t.pipeline.podGone(`yarn/${name}`);
    await t.pipeline.idle();
    assert.deepEqual([...t.sink.bound.keys()].sort(), ['hi-0', 'hi-1']);
  });

  it('does not preempt pods of equal or higher priority', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(reclaimedNode('a', 4));
    t.pipeline.podPlaced(batch('peer', 4, 100), 'a');
    t.pipeline.unitUpsert(unit('hi', { minMember: 1, priority: 100 }));
    running.push(t.pipeline);
    t.pipeline.start();
    t.pipeline.podPending(batch('hi-0', 4, 0, { unit: 'yarn/hi' }));
    await t.pipeline.idle();
    assert.deepEqual(t.sink.evicted, []);
    assert.match(t.reporter.pendingMessages.get('yarn/hi') ?? '', /Insufficient reclaimed_millicpu/);
  });
});
