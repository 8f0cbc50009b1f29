import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gang, makePipeline, member, nodeFacts, settle, startedPipelines, unit } from '../../builders/pipeline.ts';

const start = startedPipelines();

describe('requeue: units that do not fit are parked until a cluster event', () => {
  it('parks a gang short of capacity, ignores time passing and unrelated events, returns when room is freed', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 8, 64));
    t.pipeline.nodeUpsert(nodeFacts('b', 2, 64));
    t.pipeline.podPlaced(member('blocker', { cpu: 6 }), 'a');
    t.pipeline.podPlaced(member('small', { cpu: 2 }), 'b');
    t.pipeline.unitUpsert(unit('g', { minMember: 2 }));
    start(t.pipeline);
    for (const m of gang('g', 2, 4)) t.pipeline.podPending(m);
    await t.pipeline.idle();
    assert.equal(t.dispatcher.pendingUnit('yarn/g')?.parked, 'resources');
    assert.deepEqual(t.attempts, ['unschedulable']);
    assert.match(t.reporter.pendingMessages.get('yarn/g') ?? '', /Insufficient cpu/);

    // Backoff long over: a parked unit is still not tried again (no event, no work).
    t.clock.advance(60_000);
    await settle(t.pipeline);
    assert.deepEqual(t.attempts, ['unschedulable']);

    // A pod leaves a node where no member could fit even now (2 cpu): no wake-up either.
    t.pipeline.podGone('yarn/small');
    await settle(t.pipeline);
    assert.deepEqual(t.attempts, ['unschedulable']);
    assert.equal(t.dispatcher.pendingUnit('yarn/g')?.parked, 'resources');

    // The blocker leaves: one attempt, and the whole gang is placed.
    t.pipeline.podGone('yarn/blocker');
    await settle(t.pipeline);
    assert.deepEqual(t.attempts, ['unschedulable', 'scheduled']);
    assert.equal(t.sink.bound.size, 2);
  });

  it('returns on a node added or grown', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 4, 64));
    t.pipeline.unitUpsert(unit('g', { minMember: 3 }));
    start(t.pipeline);
    for (const m of gang('g', 3, 2)) t.pipeline.podPending(m);
    await t.pipeline.idle();
    assert.equal(t.dispatcher.pendingUnit('yarn/g')?.parked, 'resources');
    t.clock.advance(60_000);
    t.pipeline.nodeUpsert(nodeFacts('a', 8, 64)); // allocatable grown
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 3);
  });

  it('a woken gang that still does not fit whole places nothing and is parked again', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 8, 64));
    t.pipeline.podPlaced(member('x', { cpu: 4 }), 'a');
    t.pipeline.podPlaced(member('y', { cpu: 4 }), 'a');
    t.pipeline.unitUpsert(unit('g', { minMember: 2 }));
    start(t.pipeline);
    for (const m of gang('g', 2, 4)) t.pipeline.podPending(m);
    await t.pipeline.idle();
    t.clock.advance(60_000);
    t.pipeline.podGone('yarn/x'); // room for one member of two
    await settle(t.pipeline);
    assert.deepEqual(t.attempts, ['unschedulable', 'unschedulable']);
    assert.equal(t.cache.placedCountOfUnit('yarn/g'), 0);
    assert.equal(t.sink.bound.size, 0);
    assert.equal(t.dispatcher.pendingUnit('yarn/g')?.parked, 'resources');
    t.pipeline.podGone('yarn/y');
    t.clock.advance(60_000);
    await settle(t.pipeline);
    assert.equal(t.sink.bound.size, 2);
  });

  it('a woken unit still waits out its backoff, then goes without waiting for the 1 s tick', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 4, 64));
    t.pipeline.podPlaced(member('blocker', { cpu: 4 }), 'a');
    start(t.pipeline);
    t.pipeline.podPending(member('p', { cpu: 4 }));
    await t.pipeline.idle();
    const p = t.dispatcher.pendingUnit('pod:yarn/p');
    assert.equal(p?.parked, 'resources');
    t.pipeline.podGone('yarn/blocker'); // at once: backoff (1 s) not over
    await settle(t.pipeline);
    assert.equal(p?.parked, undefined);
    assert.deepEqual(t.attempts, ['unschedulable']);
    t.clock.advance(1_000);
    await settle(t.pipeline);
    assert.deepEqual(t.attempts, ['unschedulable', 'scheduled']);
  });

  it('parks a unit no node can take for its selector until a node is added or changed, not on pods leaving', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 8, 64));
    t.pipeline.podPlaced(member('other', { cpu: 1 }), 'a');
    start(t.pipeline);
    t.pipeline.podPending(member('p', { cpu: 1, nodeSelector: { disk: 'ssd' } }));
    await t.pipeline.idle();
    assert.equal(t.dispatcher.pendingUnit('pod:yarn/p')?.parked, 'unresolvable');
    t.clock.advance(60_000);
    t.pipeline.podGone('yarn/other');
    await settle(t.pipeline);
    assert.deepEqual(t.attempts, ['unschedulable']);
    t.pipeline.nodeUpsert(nodeFacts('a', 8, 64, { disk: 'ssd' }));
    await t.pipeline.idle();
    assert.equal(t.sink.bound.get('p'), 'a');
  });

  it('is not woken by its pod echoing back unchanged (status writes), but is by a changed member', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 4, 64));
    start(t.pipeline);
    const big = member('p', { cpu: 8, createdAt: 1 });
    t.pipeline.podPending(big);
    await t.pipeline.idle();
    t.clock.advance(60_000);
    t.pipeline.podPending({ ...big });
    await settle(t.pipeline);
    assert.deepEqual(t.attempts, ['unschedulable']);
    t.pipeline.podPending({ ...big, requests: { ...big.requests, milliCpu: 2000 } }); // resized
    await t.pipeline.idle();
    assert.equal(t.sink.bound.get('p'), 'a');
  });

  it('tries a parked unit again after maxParkedMs without any event (a missed event cannot strand it)', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 4, 64));
    start(t.pipeline);
    t.pipeline.podPending(member('p', { cpu: 8 }));
    await t.pipeline.idle();
    t.clock.advance(299_000);
    await settle(t.pipeline);
    assert.deepEqual(t.attempts, ['unschedulable']);
    t.clock.advance(2_000);
    await settle(t.pipeline); // the stale check wakes it
    await settle(t.pipeline);
    assert.deepEqual(t.attempts, ['unschedulable', 'unschedulable']);
  });

  it('keeps the latest reason on a parked unit even when it changed too soon after the last report', async () => {
    const t = makePipeline({ reportIntervalMs: 5_000 });
    t.pipeline.nodeUpsert(nodeFacts('a', 4, 64));
    t.pipeline.unitUpsert(unit('g', { minMember: 2 }));
    start(t.pipeline);
    const [m0, m1] = gang('g', 2, 4);
    if (!m0 || !m1) throw new Error('gang');
    t.pipeline.podPending(m0);
    await t.pipeline.idle();
    assert.equal(t.reporter.pendingMessages.get('yarn/g'), 'waiting for members: 1/2 exist');
    t.pipeline.podPending(m1);
    await t.pipeline.idle();
    assert.equal(t.dispatcher.pendingUnit('yarn/g')?.parked, 'resources');
    assert.equal(t.reporter.pendingMessages.get('yarn/g'), 'waiting for members: 1/2 exist'); // too soon
    t.clock.advance(5_000);
    await settle(t.pipeline);
    assert.match(t.reporter.pendingMessages.get('yarn/g') ?? '', /^0\/1 nodes are available: 1 Insufficient cpu/);
    assert.deepEqual(t.attempts, ['unschedulable']);
  });
});

describe('requeue: conflicts and order', () => {
  it('a unit that lost its room to another worker goes again at once, then is parked with the real reason', async () => {
    const t = makePipeline({ workers: 2 });
    t.pipeline.nodeUpsert(nodeFacts('n0', 4, 64));
    t.pipeline.nodeUpsert(nodeFacts('n1', 4, 64));
    t.pipeline.unitUpsert(unit('a', { minMember: 2, createdAt: 0 }));
    t.pipeline.unitUpsert(unit('b', { minMember: 2, createdAt: 1 }));
    start(t.pipeline);
    // Both fit alone; blind to each other, the two workers propose both onto the same room.
    for (const m of [...gang('a', 2, 4), ...gang('b', 2, 4)]) t.pipeline.podPending(m);
    await t.pipeline.idle();
    // b lost at commit and was tried again in the same instant (no clock change), against the cache holding a.
    assert.deepEqual(t.attempts, ['scheduled', 'unschedulable', 'unschedulable']);
    assert.equal(t.cache.placedCountOfUnit('yarn/a'), 2);
    assert.equal(t.cache.placedCountOfUnit('yarn/b'), 0);
    assert.equal(t.dispatcher.pendingUnit('yarn/b')?.parked, 'resources');
    assert.match(t.reporter.pendingMessages.get('yarn/b') ?? '', /^0\/2 nodes are available: 2 Insufficient cpu/);
  });

  it('a woken older unit takes the freed room before a younger one that arrived meanwhile (no starvation)', async () => {
    const t = makePipeline();
    t.pipeline.nodeUpsert(nodeFacts('a', 8, 64));
    t.pipeline.podPlaced(member('blocker', { cpu: 8 }), 'a');
    t.pipeline.unitUpsert(unit('old', { minMember: 2, createdAt: 0 }));
    start(t.pipeline);
    for (const m of gang('old', 2, 4)) t.pipeline.podPending(m);
    await t.pipeline.idle();
    assert.equal(t.dispatcher.pendingUnit('yarn/old')?.parked, 'resources');
    t.clock.advance(60_000);
    t.pipeline.podPending(member('young', { cpu: 4, createdAt: 10 }));
    t.pipeline.podGone('yarn/blocker');
    await t.pipeline.idle();
    assert.equal(t.cache.placedCountOfUnit('yarn/old'), 2);
    assert.equal(t.sink.bound.has('young'), false);
  });

  it('a round stops at its time budget and the rest go next round, in order', async () => {
    const t = makePipeline({ roundBudgetMs: 0 });
    t.pipeline.nodeUpsert(nodeFacts('a', 64, 256));
    start(t.pipeline);
    for (let i = 0; i < 5; i++) t.pipeline.podPending(member(`p${i}`, { createdAt: i }));
    await t.pipeline.idle();
    assert.equal(t.sink.bound.size, 5);
    assert.deepEqual([...t.sink.bound.keys()], ['p0', 'p1', 'p2', 'p3', 'p4']);
  });
});
