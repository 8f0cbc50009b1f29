import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gang, makePipeline, member, nodeFacts, settle, startedPipelines, unit } from '../../builders/pipeline.ts';

const start = startedPipelines();

const WAITING = 'waiting for SchedulingUnit yarn/g (not found)';

describe('members whose SchedulingUnit has not arrived', () => {
  it('are held, not placed one by one, whatever happens meanwhile; then placed whole when the unit arrives', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 8, 64));
    t.pipeline.nodeUpsert(nodeFacts('b', 8, 64));
    t.pipeline.podPlaced(member('other', { cpu: 1 }), 'a');
    start(t.pipeline);
    for (const m of gang('g', 3, 4)) t.pipeline.podPending(m);
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 0);
    assert.equal(t.cache.placedCountOfUnit('yarn/g'), 0);
    assert.deepEqual(t.attempts, [], 'never even attempted');
    assert.equal(t.dispatcher.pendingUnit('yarn/g')?.parked, 'unit');
    assert.equal(t.reporter.pendingMessages.get('yarn/g'), WAITING);

    // Neither time (past maxParkedMs), nor nodes, nor pods leaving release them: only their unit does.
    t.clock.advance(400_000);
    t.pipeline.nodeUpsert(nodeFacts('c', 8, 64));
    t.pipeline.podGone('yarn/other');
    await settle(t.pipeline);
    await settle(t.pipeline);
    assert.deepEqual(t.attempts, []);
    assert.equal(t.sink.bound.size, 0);

    t.pipeline.unitUpsert(unit('g', { minMember: 3 }));
    await t.pipeline.idle();
    assert.deepEqual(t.attempts, ['scheduled']);
    assert.equal(t.sink.bound.size, 3);
    assert.deepEqual(t.reporter.scheduledUnits, ['yarn/g']);
  });

  it('place none of a gang whose minMember cannot fit, even when its pods came first', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 4, 64));
    t.pipeline.nodeUpsert(nodeFacts('b', 4, 64)); // room for 2 of 3
    start(t.pipeline);
    for (const m of gang('g', 3, 4)) t.pipeline.podPending(m);
    await t.pipeline.idle();
    t.pipeline.unitUpsert(unit('g', { minMember: 3 }));
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 0);
    assert.equal(t.cache.placedCountOfUnit('yarn/g'), 0);
    assert.deepEqual(t.attempts, ['unschedulable']);
    assert.equal(t.dispatcher.pendingUnit('yarn/g')?.parked, 'resources');
    assert.match(t.reporter.pendingMessages.get('yarn/g') ?? '', /^0\/2 nodes are available: 2 Insufficient cpu/);
  });

  it('still wait for minMember members once the unit arrives', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 64, 256));
    start(t.pipeline);
    const [m0, m1, m2] = gang('g', 3, 1);
    if (!m0 || !m1 || !m2) throw new Error('gang');
    t.pipeline.podPending(m0);
    t.pipeline.podPending(m1);
    t.pipeline.unitUpsert(unit('g', { minMember: 3 }));
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 0);
    assert.equal(t.reporter.pendingMessages.get('yarn/g'), 'waiting for members: 2/3 exist');
    t.pipeline.podPending(m2);
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 3);
  });

  it('say nothing while the unit is likely on its way (the informer race), and tell each pod once after that', async () => {
    const t = makePipeline({ membersGraceMs: 5_000, reportIntervalMs: 5_000 });
    t.pipeline.nodeUpsert(nodeFacts('a', 64, 256));
    start(t.pipeline);
    const [m0, m1, m2] = gang('g', 3, 1);
    if (!m0 || !m1 || !m2) throw new Error('gang');
    t.pipeline.podPending(m0);
    t.pipeline.podPending(m1);
    await t.pipeline.idle();
    t.clock.advance(4_000);
    await settle(t.pipeline);
    assert.equal(t.reporter.pendingCalls.length, 0, 'no write within the grace');

    t.clock.advance(1_000);
    await settle(t.pipeline);
    assert.deepEqual(t.reporter.pendingCalls, [{ unit: 'yarn/g', members: ['g-0', 'g-1'], message: WAITING }]);
    // Rounds repeat the reason without a write; a pod arriving later is told alone, at once.
    await settle(t.pipeline);
    t.pipeline.podPending(m2);
    await t.pipeline.idle();
    await settle(t.pipeline);
    assert.deepEqual(
      t.reporter.pendingCalls.map((c) => c.members),
      [['g-0', 'g-1'], ['g-2']],
    );

    t.pipeline.unitUpsert(unit('g', { minMember: 3 }));
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 3);
  });

  it('arriving within the grace: no report at all, the gang is placed', async () => {
    const t = makePipeline({ membersGraceMs: 5_000 });
    t.pipeline.nodeUpsert(nodeFacts('a', 64, 256));
    start(t.pipeline);
    for (const m of gang('g', 4, 1)) t.pipeline.podPending(m);
    await t.pipeline.idle();
    t.clock.advance(200);
    t.pipeline.unitUpsert(unit('g', { minMember: 4 }));
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 4);
    assert.equal(t.reporter.pendingCalls.length, 0);
  });

  it("count the unit's timeout from its arrival, not from the first pod", async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 4, 64));
    start(t.pipeline);
    for (const m of gang('g', 2, 4)) t.pipeline.podPending(m);
    await t.pipeline.idle();
    t.clock.advance(400_000);
    t.pipeline.unitUpsert(unit('g', { minMember: 2, timeoutSeconds: 300 }));
    await t.pipeline.idle();
    assert.deepEqual(t.attempts, ['unschedulable'], 'attempted before any timeout');
    assert.deepEqual(t.reporter.timedOutUnits, []);
    t.clock.advance(301_000);
    await settle(t.pipeline);
    assert.deepEqual(t.reporter.timedOutUnits, ['yarn/g']);
  });
});

describe('members whose SchedulingUnit is deleted', () => {
  it('wait, with the reason on their pods, until a unit of that name is back', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 64, 256));
    t.pipeline.unitUpsert(unit('g', { minMember: 3 }));
    start(t.pipeline);
    const [m0, m1, m2] = gang('g', 3, 1);
    if (!m0 || !m1 || !m2) throw new Error('gang');
    t.pipeline.podPending(m0);
    t.pipeline.podPending(m1);
    await t.pipeline.idle();
    assert.equal(t.reporter.pendingMessages.get('yarn/g'), 'waiting for members: 2/3 exist');

    t.pipeline.unitRemoved('yarn/g');
    await t.pipeline.idle();
    assert.equal(t.dispatcher.pendingUnit('yarn/g')?.parked, 'unit');
    assert.equal(t.dispatcher.pendingMembers, 2, 'still known, so their return needs no pod event');
    // The third member completes the old gang, but nothing describes it any more.
    t.pipeline.podPending(m2);
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 0);
    assert.deepEqual(t.attempts, []);
    assert.deepEqual(t.reporter.pendingCalls.slice(-2), [
      { unit: 'yarn/g', members: ['g-0', 'g-1'], message: WAITING },
      { unit: 'yarn/g', members: ['g-2'], message: WAITING },
    ]);

    t.pipeline.unitUpsert(unit('g', { minMember: 3 }));
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 3);
  });

  it('a real member of a deleted unit does not take its placeholder', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 8, 32));
    t.pipeline.unitUpsert(unit('s', { minMember: 1 }));
    const ph = member('s-ph-0', { unit: 'yarn/s', role: 'executor', cpu: 2, placeholder: true });
    t.pipeline.podPlaced(ph, 'a');
    start(t.pipeline);
    t.pipeline.unitRemoved('yarn/s');
    t.pipeline.podPending(member('s-exec-0', { unit: 'yarn/s', role: 'executor', cpu: 2 }));
    await t.pipeline.idle();
    assert.deepEqual(t.sink.removed, []);
    assert.equal(t.sink.bound.size, 0);
    assert.equal(t.cache.placement('yarn/s-ph-0')?.node, 'a');
    assert.equal(t.cache.placement('yarn/s-exec-0'), undefined);
    assert.equal(t.dispatcher.pendingUnit('yarn/s')?.parked, 'unit');
  });
});
