import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CycleState, stateKey } from '../../../scheduler/framework/cycle-state.ts';
import { fitErrorMessage } from '../../../scheduler/framework/fit-error.ts';
import type { PluginContext } from '../../../scheduler/framework/interfaces.ts';
import { Registry } from '../../../scheduler/framework/registry.ts';
import { Framework } from '../../../scheduler/framework/runtime.ts';
import { Status } from '../../../scheduler/framework/status.ts';
import { DEFAULT_PROFILE, defaultRegistry } from '../../../scheduler/plugins/default-registry.ts';
import { makeMember, makeNode } from '../../builders/scheduler.ts';

const NOW = 1_795_770_000_000;
const ctx: PluginContext = { now: () => NOW, reclaimedStaleAfterMs: 60_000 };

describe('Status, CycleState, Registry', () => {
  it('names codes from one table and carries the producing plugin', () => {
    const s = Status.unschedulable('Insufficient cpu').withPlugin('QosResourcesFit');
    assert.equal(s.codeName, 'Unschedulable');
    assert.equal(s.toString(), 'Unschedulable (QosResourcesFit): Insufficient cpu');
    assert.ok(s.isRejection);
    assert.ok(Status.success().isSuccess);
  });

  it('reads only what a step wrote, and clones independently', () => {
    const k = stateKey<number>('PreFilterX');
    const st = new CycleState();
    assert.throws(() => st.read(k), /did its PreFilter run/);
    st.write(k, 1);
    const copy = st.clone();
    copy.write(k, 2);
    assert.equal(st.read(k), 1);
  });

  it('refuses duplicate and unknown plugins', () => {
    const r = new Registry().register('A', () => ({ name: 'A' }));
    assert.throws(() => r.register('A', () => ({ name: 'A' })), /registered twice/);
    assert.throws(() => r.get('B'), /unknown plugin B/);
  });
});

describe('Framework runtime', () => {
  it('turns a thrown error into an Error status attributed to the plugin', () => {
    const r = new Registry().register('Boom', () => ({
      name: 'Boom',
      filter: () => {
        throw new Error('broken node object');
      },
    }));
    const fw = new Framework(r, { plugins: ['Boom'], scoreWeights: {} }, ctx);
    const res = fw.findNodes(makeMember().obj(), [makeNode().obj()]);
    assert.equal(res.ok, false);
    if (!res.ok) assert.equal(res.status.toString(), 'Error (Boom): broken node object');
  });

  it('refuses a scorer without a weight at construction', () => {
    const r = new Registry().register('S', () => ({ name: 'S', score: () => 1 }));
    assert.throws(() => new Framework(r, { plugins: ['S'], scoreWeights: {} }, ctx), /needs a positive weight/);
  });

  it('explains a member that fits nowhere with the kube-scheduler histogram', () => {
    const fw = new Framework(defaultRegistry(), DEFAULT_PROFILE, ctx);
    const nodes = [
      makeNode().name('a').reclaimed(2000, 8, NOW).obj(),
      makeNode().name('b').reclaimed(2000, 8, NOW).obj(),
      makeNode()
        .name('c')
        .reclaimed(16_000, 64, NOW - 120_000)
        .obj(),
      makeNode()
        .name('d')
        .taint({ key: 'dedicated', value: 'db', effect: 'NoSchedule' })
        .reclaimed(16_000, 64, NOW)
        .obj(),
      makeNode().name('e').cordoned().obj(),
    ];
    const res = fw.findNodes(makeMember().reclaimed().req(4000, 16).obj(), nodes);
    assert.equal(res.ok, false);
    if (!res.ok) {
      assert.equal(
        res.message,
        '0/5 nodes are available: 3 Insufficient reclaimed_memory, 3 Insufficient reclaimed_millicpu, 1 node(s) had untolerated taint {dedicated: db}, 1 node(s) were unschedulable.',
      );
    }
  });

  it('formats a histogram with some nodes available', () => {
    const m = new Map([['n1', Status.unschedulable('Insufficient cpu')]]);
    assert.equal(fitErrorMessage(3, m), '2/3 nodes are available: 1 Insufficient cpu.');
  });
});

describe('plugins', () => {
  const fw = new Framework(defaultRegistry(), DEFAULT_PROFILE, ctx);
  const names = (res: ReturnType<typeof fw.findNodes>): string[] => (res.ok ? res.candidates.map((c) => c.node) : []);

  it('accounts reclaimed_cores apart from online pods', () => {
    // Online requests fill the node's cpu, but reclaimed capacity is separate.
    const node = makeNode().name('full-online').online(32_000, 128).reclaimed(8000, 32, NOW).obj();
    assert.deepEqual(names(fw.findNodes(makeMember().reclaimed().req(4000, 8).obj(), [node])), ['full-online']);
    assert.equal(fw.findNodes(makeMember().req(1000, 1).obj(), [node]).ok, false);
  });

  it('counts a stale reclaimed report as zero capacity, never old capacity', () => {
    const stale = makeNode()
      .reclaimed(8000, 32, NOW - 61_000)
      .obj();
    const res = fw.findNodes(makeMember().reclaimed().req(1000, 1).obj(), [stale]);
    assert.equal(res.ok, false);
    if (!res.ok) assert.match(res.message, /Insufficient reclaimed_millicpu/);
  });

  it('respects the pod limit whatever the QoS', () => {
    const node = makeNode().online(0, 0, 110).reclaimed(8000, 32, NOW).obj();
    const res = fw.findNodes(makeMember().reclaimed().req(1000, 1).obj(), [node]);
    assert.equal(res.ok, false);
    if (!res.ok) assert.match(res.message, /Too many pods/);
  });

  it('lets tolerated taints and matching selectors through; ignores PreferNoSchedule', () => {
    const node = makeNode()
      .label('zone', 'a')
      .taint({ key: 'dedicated', value: 'batch', effect: 'NoSchedule' })
      .taint({ key: 'soft', effect: 'PreferNoSchedule' })
      .obj();
    const member = makeMember()
      .selector('zone', 'a')
      .tolerate({ key: 'dedicated', operator: 'Equal', value: 'batch' })
      .obj();
    assert.equal(fw.findNodes(member, [node]).ok, true);
    assert.equal(fw.findNodes(makeMember().selector('zone', 'b').obj(), [node]).ok, false);
  });

  it('spreads online members and bin-packs batch members', () => {
    const nodes = [
      makeNode().name('busy').online(24_000, 96).reclaimed(16_000, 64, NOW).reclaimedUsed(12_000, 48).obj(),
      makeNode().name('idle').reclaimed(16_000, 64, NOW).obj(),
    ];
    assert.equal(names(fw.findNodes(makeMember().req(1000, 1).obj(), nodes))[0], 'idle');
    assert.equal(names(fw.findNodes(makeMember().reclaimed().req(1000, 1).obj(), nodes))[0], 'busy');
  });
});
