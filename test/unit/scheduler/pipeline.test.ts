import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makePipeline, member, nodeFacts, queue, unit, startedPipelines } from '../../builders/pipeline.ts';

const start = startedPipelines();

/** A Spark-shaped gang: a driver and `n` executors in `unitName`. */
const gang = (unitName: string, n: number, cpu = 4, q?: string) => [
  member(`${unitName}-driver`, { unit: `yarn/${unitName}`, role: 'driver', cpu, ...(q ? { queue: q } : {}) }),
  ...Array.from({ length: n }, (_, i) =>
    member(`${unitName}-exec-${String(i).padStart(2, '0')}`, {
      unit: `yarn/${unitName}`,
      role: 'executor',
      cpu,
      ...(q ? { queue: q } : {}),
    }),
  ),
];

describe('SchedulingPipeline: lone pods', () => {
  it('binds every pod and spreads online pods over the nodes', async () => {
    const t = makePipeline();
    for (let i = 0; i < 4; i++) t.pipeline.nodeUpsert(nodeFacts(`n${i}`, 8, 32));
    start(t.pipeline);
    for (let i = 0; i < 8; i++) t.pipeline.podPending(member(`web-${i}`, { cpu: 2 }));
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 8);
    const perNode = new Map<string, number>();
    for (const n of t.sink.bound.values()) perNode.set(n, (perNode.get(n) ?? 0) + 1);
    assert.deepEqual([...perNode.values()], [2, 2, 2, 2]);
  });

  it('explains a pod that fits nowhere with the fit histogram', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('n0', 2, 8));
    t.pipeline.nodeUpsert({ ...nodeFacts('n1', 64, 8), unschedulable: true });
    start(t.pipeline);
    t.pipeline.podPending(member('big', { cpu: 16 }));
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 0);
    assert.equal(
      t.reporter.pendingMessages.get('pod:yarn/big'),
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable.',
    );
  });
});

describe('SchedulingPipeline: gangs', () => {
  it('places a 1+20 gang whole', async () => {
    const t = makePipeline();
    for (let i = 0; i < 6; i++) t.pipeline.nodeUpsert(nodeFacts(`n${i}`, 16, 64));
    t.pipeline.unitUpsert(unit('spark-1', { minMember: 21 }));
    start(t.pipeline);
    for (const m of gang('spark-1', 20)) t.pipeline.podPending(m);
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 21);
    assert.deepEqual(t.reporter.scheduledUnits, ['yarn/spark-1']);
  });

  it('places none of a gang that cannot fit whole, and says why', async () => {
    const t = makePipeline();
    for (let i = 0; i < 5; i++) t.pipeline.nodeUpsert(nodeFacts(`n${i}`, 16, 64)); // room for 20 of 21
    t.pipeline.unitUpsert(unit('spark-1', { minMember: 21 }));
    start(t.pipeline);
    for (const m of gang('spark-1', 20)) t.pipeline.podPending(m);
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 0);
    assert.equal(t.cache.placedCountOfUnit('yarn/spark-1'), 0);
    assert.match(t.reporter.pendingMessages.get('yarn/spark-1') ?? '', /^0\/5 nodes are available: 5 Insufficient cpu/);
  });

  it('never half-places two gangs that cannot both fit', async () => {
    const t = makePipeline({ workers: 2 });
    for (let i = 0; i < 3; i++) t.pipeline.nodeUpsert(nodeFacts(`n${i}`, 16, 64)); // 12 slots of 4 cpu
    t.pipeline.unitUpsert(unit('a', { minMember: 8 }));
    t.pipeline.unitUpsert(unit('b', { minMember: 8, createdAt: 1 }));
    start(t.pipeline);
    for (const m of [...gang('a', 7), ...gang('b', 7)]) t.pipeline.podPending(m);
    await t.pipeline.idle();
    const placed = ['yarn/a', 'yarn/b'].map((u) => t.cache.placedCountOfUnit(u));
    assert.deepEqual(placed, [8, 0]);
    assert.equal(t.sink.bound.size, 8);
  });

  it('waits until minMember members exist', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('n0'));
    t.pipeline.unitUpsert(unit('g', { minMember: 3 }));
    start(t.pipeline);
    const [a, b, c] = gang('g', 2, 1);
    if (!a || !b || !c) throw new Error('gang');
    t.pipeline.podPending(a);
    t.pipeline.podPending(b);
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 0);
    assert.equal(t.reporter.pendingMessages.get('yarn/g'), 'waiting for members: 2/3 exist');
    t.pipeline.podPending(c);
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 3);
  });

  it('rolls a gang back when a member cannot be bound', async () => {
    const t = makePipeline({ bindConcurrency: 1 });
    t.pipeline.nodeUpsert(nodeFacts('n0', 64, 256));
    t.pipeline.unitUpsert(unit('g', { minMember: 4 }));
    t.sink.fail = (m) => (m.name === 'g-exec-01' ? 'gone' : undefined);
    start(t.pipeline);
    for (const m of gang('g', 3, 1)) t.pipeline.podPending(m);
    await t.pipeline.idle();
    // The driver and exec-00 were bound before exec-01 failed: they are deleted; exec-02 was never bound.
    assert.deepEqual(t.sink.removed.map((r) => r.name).sort(), ['g-driver', 'g-exec-00']);
    assert.equal(t.sink.bound.has('g-exec-02'), false);
    assert.equal(t.cache.placedCountOfUnit('yarn/g'), 2); // the bound two stay counted until their deletion is seen
    t.pipeline.podGone('yarn/g-driver');
    t.pipeline.podGone('yarn/g-exec-00');
    assert.equal(t.cache.placedCountOfUnit('yarn/g'), 0);
  });

  it('retries a transient Binding failure without losing the placement', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('n0'));
    let failures = 2;
    t.sink.fail = () => (failures-- > 0 ? 'retry' : undefined);
    start(t.pipeline);
    t.pipeline.podPending(member('p'));
    await t.pipeline.idle();
    assert.equal(t.sink.bound.get('p'), 'n0');
  });

  it('swaps a placeholder for the real member on the same node', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('n0', 8, 32));
    t.pipeline.nodeUpsert(nodeFacts('n1', 8, 32));
    t.pipeline.unitUpsert(unit('s', { minMember: 2 }));
    start(t.pipeline);
    t.pipeline.podPending(member('s-driver', { unit: 'yarn/s', role: 'driver', cpu: 6 }));
    t.pipeline.podPending(member('s-ph-0', { unit: 'yarn/s', role: 'executor', cpu: 6, placeholder: true }));
    await t.pipeline.idle();
    const phNode = t.sink.bound.get('s-ph-0');
    assert.ok(phNode);
    t.pipeline.podPlaced(member('s-ph-0', { unit: 'yarn/s', role: 'executor', cpu: 6, placeholder: true }), phNode);
    t.pipeline.podPending(member('s-exec-0', { unit: 'yarn/s', role: 'executor', cpu: 6 }));
    await t.pipeline.idle();
    assert.equal(t.sink.bound.get('s-exec-0'), phNode);
    assert.deepEqual(t.sink.removed, [{ name: 's-ph-0', reason: 'replaced by its member' }]);
  });

  it('times out a hard unit and reports it', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('n0', 4, 16));
    t.pipeline.unitUpsert(unit('g', { minMember: 2, timeoutSeconds: 30 }));
    start(t.pipeline);
    for (const m of gang('g', 1, 4)) t.pipeline.podPending(m);
    await t.pipeline.idle();
    t.clock.advance(31_000);
    t.pipeline.kick();
    await t.pipeline.idle();
    assert.deepEqual(t.reporter.timedOutUnits, ['yarn/g']);
    assert.equal(t.sink.bound.size, 0);
  });
});

describe('SchedulingPipeline: parallel workers and the binder', () => {
  it('resolves two workers choosing the same node with the alternate', async () => {
    const t = makePipeline({ workers: 2 });
    t.pipeline.nodeUpsert(nodeFacts('n0', 4, 16));
    t.pipeline.nodeUpsert(nodeFacts('n1', 4, 16));
    start(t.pipeline);
    t.pipeline.podPending(member('a', { cpu: 4 }));
    t.pipeline.podPending(member('b', { cpu: 4 }));
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 2);
    assert.notEqual(t.sink.bound.get('a'), t.sink.bound.get('b'));
    assert.equal(t.conflicts.n, 1);
  });
});

describe('Dispatcher: queues', () => {
  it('serves the queue furthest below its guarantee first', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('n0', 12, 64));
    t.pipeline.queueUpsert(queue('root', 12, 12));
    t.pipeline.queueUpsert(queue('spark', 6, 12, 'root'));
    t.pipeline.queueUpsert(queue('flink', 6, 12, 'root'));
    t.pipeline.podPlaced(member('old', { cpu: 4, queue: 'spark' }), 'n0'); // spark already uses 4 of its 6
    t.pipeline.unitUpsert(unit('s', { queue: 'spark', minMember: 2, createdAt: 0 }));
    t.pipeline.unitUpsert(unit('f', { queue: 'flink', minMember: 2, createdAt: 5 }));
    for (const m of [...gang('s', 1, 3, 'spark'), ...gang('f', 1, 3, 'flink')]) t.pipeline.podPending(m);
    start(t.pipeline);
    await t.pipeline.idle();
    // 8 cpu are left: room for one gang of 2×3. Spark's unit is older, but flink is further below its guarantee.
    assert.equal(t.cache.used('flink').milliCpu, 6000);
    assert.equal(t.cache.used('spark').milliCpu, 4000);
    assert.equal(
      t.reporter.pendingMessages.get('yarn/s'),
      'queue root at max (cpu: uses 10000m, unit asks 6000m, max 12000m)',
    );
  });

  it('holds a unit that would take its queue past max, and says so', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('n0', 64, 256));
    t.pipeline.queueUpsert(queue('root', 64, 64));
    t.pipeline.queueUpsert(queue('spark', 4, 8, 'root'));
    t.pipeline.unitUpsert(unit('s', { queue: 'spark', minMember: 3 }));
    for (const m of gang('s', 2, 4, 'spark')) t.pipeline.podPending(m);
    start(t.pipeline);
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 0);
    assert.equal(
      t.reporter.pendingMessages.get('yarn/s'),
      'queue spark at max (cpu: uses 0m, unit asks 12000m, max 8000m)',
    );
  });
});
