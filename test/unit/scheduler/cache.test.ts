import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchedulerCache } from '../../../scheduler/core/cache.ts';
import type { Member } from '../../../scheduler/core/types.ts';
import { makeMember, makeNode } from '../../builders/scheduler.ts';

const HOST = 'kubernetes.io/hostname';
const GI = 1024 ** 3;

describe('SchedulerCache: a pod placed again', () => {
  const cache = (): SchedulerCache => {
    const c = new SchedulerCache();
    for (const n of ['n1', 'n2']) c.upsertNode(makeNode().name(n).label(HOST, n).obj());
    return c;
  };
  const web = (o: Partial<Member> = {}): Member => ({ ...makeMember().name('w1').labels({ app: 'web' }).obj(), ...o });

  it('unchanged (an informer echo, or the Binding confirming an assumption) frees nothing and counts once', () => {
    const c = cache();
    c.place(web(), 'n1', true);
    c.takeEvents();
    c.place(web(), 'n1', false);
    assert.equal(c.placement('default/w1')?.assumed, false);
    assert.deepEqual(c.takeEvents().freedOn, new Set());
    assert.equal(c.node('n1')?.requested.milliCpu, 1000);
  });

  it('changed where it is (relabelled, resized) is counted anew: its labels, terms and requests are the new ones', () => {
    const c = cache();
    c.place(web(), 'n1', false);
    const term = { selector: { matchLabels: { app: 'web' } }, topologyKey: HOST };
    c.place(web({ labels: { app: 'db' }, podAntiAffinity: [term] }), 'n1', false);
    assert.deepEqual(c.node('n1')?.pods?.get('default/w1'), {
      namespace: 'default',
      labels: { app: 'db' },
      podAntiAffinity: [term],
    });
    c.place(web({ requests: { milliCpu: 3000, memory: 2 * GI, pods: 1 } }), 'n1', false);
    assert.equal(c.node('n1')?.requested.milliCpu, 3000);
    assert.equal(c.node('n1')?.requested.pods, 1);
    assert.equal(c.placement('default/w1')?.assumed, false, 'bound stays bound');
    // Its old labels may have kept a unit out of this node.
    assert.ok(c.takeEvents().freedOn.has('n1'));
  });

  it('an assumption is not made bound by a changed copy of itself, nor a bound pod assumed', () => {
    const c = cache();
    c.place(web(), 'n1', true);
    c.place(web({ labels: { app: 'api' } }), 'n1', true);
    assert.equal(c.placement('default/w1')?.assumed, true);
    c.place(web({ labels: { app: 'db' } }), 'n1', false);
    c.place(web({ labels: { app: 'web' } }), 'n1', true);
    assert.equal(c.placement('default/w1')?.assumed, false);
  });
});
