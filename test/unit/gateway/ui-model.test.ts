import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_VERSION, SCHEDULING_UNIT } from '../../../api/names.ts';
import type { SchedulingUnit } from '../../../api/scheduling-unit.ts';
import { nodeUtilization } from '../../../api/utilization.ts';
import { pendingUnitViews, shares, snapshot, type UiNode } from '../../../gateway/ui/model.ts';
import { RingBuffer, UtilizationSampler } from '../../../gateway/ui/sampler.ts';

const node = (name: string, o: Parameters<typeof nodeUtilization>[0]): UiNode => ({
  name,
  ...nodeUtilization(o),
  pods: { online: 1, batch: 1 },
});

describe('RingBuffer', () => {
  it('keeps the newest `capacity` items, oldest first', () => {
    const b = new RingBuffer<number>(3);
    assert.deepEqual(b.toArray(), []);
    assert.equal(b.last(), undefined);
    for (const n of [1, 2]) b.push(n);
    assert.deepEqual(b.toArray(), [1, 2]);
    for (const n of [3, 4, 5, 6, 7]) b.push(n);
    assert.deepEqual(b.toArray(), [5, 6, 7]);
    assert.equal(b.length, 3);
    assert.equal(b.last(), 7);
  });

  it('refuses a capacity below one', () => {
    assert.throws(() => new RingBuffer(0), RangeError);
    assert.throws(() => new RingBuffer(1.5), RangeError);
  });
});

describe('UtilizationSampler', () => {
  const totals = { allocatable: 4000, online: 1000, batch: 500, reclaimableUnused: 2000, idle: 500, measured: true };

  it('samples the totals at the clock’s time into a bounded series', () => {
    let t = 1_000;
    const s = new UtilizationSampler({ read: () => totals, now: () => t, capacity: 2 });
    s.sample();
    t = 6_000;
    s.sample();
    t = 11_000;
    const last = s.sample();
    assert.deepEqual(last, {
      t: 11_000,
      allocatable: 4000,
      online: 1000,
      batch: 500,
      reclaimableUnused: 2000,
      idle: 500,
    });
    assert.deepEqual(
      s.points().map((p) => p.t),
      [6_000, 11_000],
    );
    assert.deepEqual(
      s.points(6_000).map((p) => p.t),
      [11_000],
    );
    assert.equal(s.capacity, 2);
    assert.equal(s.intervalMs, 5_000);
  });

  it('takes a point at start and keeps sampling until stopped; a failing read costs one point', async () => {
    let fail = false;
    const s = new UtilizationSampler({
      read: () => {
        if (fail) throw new Error('relisting');
        return totals;
      },
      now: Date.now,
      intervalMs: 10,
    });
    s.start();
    assert.equal(s.points().length, 1);
    fail = true;
    await new Promise((r) => setTimeout(r, 35));
    assert.equal(s.points().length, 1, 'failed reads add no point');
    fail = false;
    // Polled rather than timed: a busy machine may delay the timer, never stop it.
    for (let i = 0; i < 200 && s.points().length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    s.stop();
    const n = s.points().length;
    assert.ok(n >= 2, `sampled again after failures (${n})`);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(s.points().length, n, 'nothing after stop');
  });
});

describe('utilization snapshot', () => {
  it('sums the nodes’ split into totals whose shares add up to 100', () => {
    const nodes = [
      node('a', {
        allocatable: 32_000,
        onlineUsage: 8_000,
        onlineRequests: 20_000,
        batch: 12_000,
        reclaimable: 20_000,
      }),
      node('b', { allocatable: 16_000, onlineRequests: 4_000, batch: 0, reclaimable: 0 }),
    ];
    const s = snapshot(nodes, 42);
    assert.equal(s.time, 42);
    assert.deepEqual(s.cluster, {
      allocatable: 48_000,
      online: 12_000,
      batch: 12_000,
      reclaimableUnused: 8_000,
      idle: 16_000,
      measured: false,
    });
    assert.equal(s.measuredNodes, 1);
    assert.deepEqual(s.percent, { online: 25, batch: 25, reclaimableUnused: 50 / 3, idle: 100 / 3 });
    const p = s.percent;
    assert.ok(Math.abs(p.online + p.batch + p.reclaimableUnused + p.idle - 100) < 1e-9);
    assert.deepEqual(
      s.nodes.map((n) => n.name),
      ['a', 'b'],
    );
  });

  it('answers zeros, not NaN, for an empty cluster', () => {
    const s = snapshot([], 1);
    assert.equal(s.cluster.allocatable, 0);
    assert.deepEqual(shares(s.cluster), { online: 0, batch: 0, reclaimableUnused: 0, idle: 0 });
  });
});

describe('pending units', () => {
  const unit = (name: string, created: string, status?: SchedulingUnit['status']): SchedulingUnit => ({
    apiVersion: API_VERSION,
    kind: SCHEDULING_UNIT.kind,
    metadata: { name, namespace: 'spark', creationTimestamp: created },
    spec: {
      queue: 'root.spark',
      priority: 0,
      minMember: 3,
      timeoutSeconds: 300,
      mode: 'hard',
      application: { id: 'application_1_0007', attempt: 1, user: 'alice', name: '<b>pi</b>' },
    },
    ...(status ? { status } : {}),
  });

  it('lists waiting units oldest first with the Scheduled condition’s words', () => {
    const views = pendingUnitViews([
      unit('newer', '2026-01-01T00:00:10Z'),
      unit('placed', '2026-01-01T00:00:00Z', { phase: 'Running' }),
      unit('older', '2026-01-01T00:00:05Z', {
        phase: 'Pending',
        members: { total: 3, scheduled: 0 },
        conditions: [
          {
            type: 'Scheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/4 nodes are available: 4 Insufficient cpu.',
          },
        ],
      }),
    ]);
    assert.deepEqual(
      views.map((v) => v.name),
      ['older', 'newer'],
    );
    assert.deepEqual(views[0], {
      namespace: 'spark',
      name: 'older',
      queue: 'root.spark',
      phase: 'Pending',
      minMember: 3,
      members: { total: 3, scheduled: 0 },
      application: { id: 'application_1_0007', attempt: 1, name: '<b>pi</b>', user: 'alice' },
      created: Date.parse('2026-01-01T00:00:05Z'),
      reason: 'Unschedulable',
      message: '0/4 nodes are available: 4 Insufficient cpu.',
    });
    assert.equal(views[1]?.reason, 'Waiting');
    assert.match(views[1]?.message ?? '', /no Scheduled condition/);
  });
});
