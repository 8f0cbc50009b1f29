import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchedulerCache } from '../../../scheduler/core/cache.ts';
import {
  PlacedPodIndex,
  placedPod,
  type IndexedPod,
  type PodIndex,
  type PodSelector,
} from '../../../scheduler/core/pod-index.ts';
import type { Member, NodeInfo, PodAntiAffinityTerm } from '../../../scheduler/core/types.ts';
import { CycleState } from '../../../scheduler/framework/cycle-state.ts';
import type { PluginContext } from '../../../scheduler/framework/interfaces.ts';
import { Framework } from '../../../scheduler/framework/runtime.ts';
import { DEFAULT_PROFILE, defaultRegistry } from '../../../scheduler/plugins/default-registry.ts';
import { antiAffinityStateKey, interPodAntiAffinity } from '../../../scheduler/plugins/inter-pod-anti-affinity.ts';
import { labelValue, matchesSelector, selectorError } from '../../../scheduler/plugins/label-selector.ts';
import { Overlay } from '../../../scheduler/schedule/overlay.ts';
import { UnitScheduler } from '../../../scheduler/schedule/unit-scheduler.ts';
import { makeMember, makeNode } from '../../builders/scheduler.ts';

const NOW = 1_795_770_000_000;
const ctx: PluginContext = { now: () => NOW, reclaimedStaleAfterMs: 60_000 };
const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

const keys = (it: Iterable<IndexedPod>): string[] => [...it].map((e) => e.key).sort();
const pod = (ns: string, labels: Record<string, string>, terms?: PodAntiAffinityTerm[]) =>
  placedPod({ ...makeMember().namespace(ns).labels(labels).obj(), ...(terms ? { podAntiAffinity: terms } : {}) });
const byHost: PodAntiAffinityTerm = { selector: { matchLabels: { app: 'web' } }, topologyKey: HOST };

describe('PlacedPodIndex', () => {
  const index = (): PlacedPodIndex => {
    const i = new PlacedPodIndex();
    i.set('a/web-1', pod('a', { app: 'web', tier: 'front' }, [byHost]), 'n1');
    i.set('a/web-2', pod('a', { app: 'web' }), 'n2');
    i.set('a/db-1', pod('a', { app: 'db', tier: 'back' }), 'n1');
    i.set('a/bare', pod('a', {}), 'n3');
    i.set('b/web-1', pod('b', { app: 'web' }), 'n2');
    return i;
  };

  it('narrows by the most selective requirement, within the namespace', () => {
    const i = index();
    const cases: [string, PodSelector, string[]][] = [
      ['matchLabels', { matchLabels: { app: 'web' } }, ['a/web-1', 'a/web-2']],
      ['two matchLabels: the smaller set', { matchLabels: { app: 'web', tier: 'front' } }, ['a/web-1']],
      ['a value nobody has', { matchLabels: { app: 'cache' } }, []],
      ['a key nobody has', { matchLabels: { team: 'x' } }, []],
      [
        'In',
        { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'web', 'db'] }] },
        ['a/db-1', 'a/web-1', 'a/web-2'],
      ],
      ['Exists', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, ['a/db-1', 'a/web-1']],
      // These hold for pods without the key: nothing to narrow by.
      [
        'NotIn',
        { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] },
        ['a/bare', 'a/db-1', 'a/web-1', 'a/web-2'],
      ],
      [
        'DoesNotExist',
        { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
        ['a/bare', 'a/db-1', 'a/web-1', 'a/web-2'],
      ],
      ['empty selector: the namespace', {}, ['a/bare', 'a/db-1', 'a/web-1', 'a/web-2']],
      [
        'NotIn beside In: In narrows',
        {
          matchExpressions: [
            { key: 'tier', operator: 'NotIn', values: ['x'] },
            { key: 'app', operator: 'In', values: ['db'] },
          ],
        },
        ['a/db-1'],
      ],
    ];
    for (const [name, selector, want] of cases) assert.deepEqual(keys(i.mayMatch('a', selector)), want, name);
    assert.deepEqual(keys(i.mayMatch('c', {})), [], 'a namespace without pods');
    assert.deepEqual(keys(i.withAntiAffinity()), ['a/web-1']);
  });

  it('a replaced entry is found by its new labels and terms only; deleting the last pod leaves nothing behind', () => {
    const i = index();
    i.set('a/web-1', pod('a', { app: 'api' }), 'n4');
    assert.deepEqual(keys(i.mayMatch('a', { matchLabels: { app: 'web' } })), ['a/web-2']);
    assert.deepEqual(keys(i.mayMatch('a', { matchLabels: { app: 'api' } })), ['a/web-1']);
    assert.deepEqual(keys(i.mayMatch('a', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] })), ['a/db-1']);
    assert.equal(i.get('a/web-1')?.node, 'n4');
    assert.deepEqual(keys(i.withAntiAffinity()), []);
    for (const k of ['a/web-1', 'a/web-2', 'a/db-1', 'a/bare', 'b/web-1']) i.delete(k);
    i.delete('a/never');
    assert.equal(i.size, 0);
    assert.deepEqual(keys(i.mayMatch('a', {})), []);
    // Internal maps are dropped with their last pod: nothing is left to grow.
    const inner = i as unknown as { namespaces: Map<string, unknown>; anti: Map<string, unknown> };
    assert.equal(inner.namespaces.size, 0);
    assert.equal(inner.anti.size, 0);
  });
});

describe('SchedulerCache as a PodIndex: placing, removing and updating pods keep it right', () => {
  const cacheWith = (...names: string[]): SchedulerCache => {
    const c = new SchedulerCache();
    for (const n of names) c.upsertNode(makeNode().name(n).label(HOST, n).obj());
    return c;
  };
  const web = (name: string, o: Partial<Member> = {}): Member => ({
    ...makeMember().name(name).labels({ app: 'web' }).obj(),
    ...o,
  });
  const webSel: PodSelector = { matchLabels: { app: 'web' } };

  it('indexes a placed pod and forgets an unplaced one', () => {
    const c = cacheWith('n1', 'n2');
    c.place(web('w1', { podAntiAffinity: [byHost] }), 'n1', true);
    c.place(web('w2'), 'n2', false);
    assert.deepEqual(keys(c.mayMatch('default', webSel)), ['default/w1', 'default/w2']);
    assert.deepEqual(keys(c.withAntiAffinity()), ['default/w1']);
    c.unplace('default/w1');
    assert.deepEqual(keys(c.mayMatch('default', webSel)), ['default/w2']);
    assert.deepEqual(keys(c.withAntiAffinity()), []);
    assert.deepEqual([...(c.node('n1')?.pods?.keys() ?? [])], []);
  });

  it('a pod placed again with new labels or terms is re-indexed, on its node too; an unchanged echo changes nothing', () => {
    const c = cacheWith('n1', 'n2');
    c.place(web('w1'), 'n1', true);
    c.takeEvents();
    c.place(web('w1'), 'n1', false); // the informer confirms the assumption with an equal pod
    assert.equal(c.placement('default/w1')?.assumed, false);
    assert.deepEqual(c.takeEvents().freedOn, new Set(), 'an echo frees nothing');

    c.place(web('w1', { labels: { app: 'db' }, podAntiAffinity: [byHost] }), 'n1', false); // relabelled, terms added
    assert.deepEqual(keys(c.mayMatch('default', webSel)), []);
    assert.deepEqual(keys(c.mayMatch('default', { matchLabels: { app: 'db' } })), ['default/w1']);
    assert.deepEqual(keys(c.withAntiAffinity()), ['default/w1']);
    assert.deepEqual(c.node('n1')?.pods?.get('default/w1')?.labels, { app: 'db' });
    assert.equal(c.node('n1')?.requested.pods, 1, 'counted once');
    assert.equal(c.placement('default/w1')?.assumed, false);

    c.place(web('w1'), 'n1', false); // terms dropped again: it no longer repels anyone
    c.takeEvents();
    assert.deepEqual(keys(c.withAntiAffinity()), []);
    c.place(web('w1'), 'n2', false); // moved
    assert.equal([...c.mayMatch('default', webSel)][0]?.node, 'n2');
    assert.equal(c.node('n1')?.pods?.size, 0);
    assert.equal(c.node('n2')?.pods?.size, 1);
  });

  it('a pod whose node is unknown is indexed but in no domain until the node arrives, and again once it is removed', () => {
    const c = cacheWith('n1');
    c.place(web('w1', { podAntiAffinity: [byHost] }), 'n9', false);
    const fw = new Framework(defaultRegistry(), DEFAULT_PROFILE, ctx);
    const domains = (): unknown => {
      const { state } = fw.preFilter(web('w2'), c.nodeList(), c);
      return [...state.read(antiAffinityStateKey)].map(([k, v]) => [k, [...v]]);
    };
    assert.deepEqual(domains(), []);
    c.upsertNode(makeNode().name('n9').label(HOST, 'n9').obj());
    assert.deepEqual(domains(), [[HOST, ['n9']]]);
    c.removeNode('n9');
    assert.deepEqual(domains(), []);
  });
});

/** Counts what PreFilter asks of an index. */
const counting = (base: PodIndex) => {
  const calls = { withAntiAffinity: 0, mayMatch: 0, node: 0 };
  const index: PodIndex = {
    withAntiAffinity: () => (calls.withAntiAffinity++, base.withAntiAffinity()),
    mayMatch: (ns, sel) => (calls.mayMatch++, base.mayMatch(ns, sel)),
    node: (name) => (calls.node++, base.node(name)),
  };
  return { calls, index };
};

/** A node list that fails the test if PreFilter walks it. */
const untouchable = new Proxy([] as NodeInfo[], {
  get: (target, p) => {
    if (p === Symbol.iterator || p === 'length' || p === 'map' || p === 'forEach') throw new Error('walked the nodes');
    return Reflect.get(target, p) as unknown;
  },
});

describe('InterPodAntiAffinity through the index', () => {
  const cache = new SchedulerCache();
  for (let i = 0; i < 200; i++) cache.upsertNode(makeNode().name(`n${i}`).label(HOST, `n${i}`).obj());
  for (let i = 0; i < 1000; i++) {
    const m = makeMember()
      .name(`p${i}`)
      .labels({ app: i % 100 === 0 ? 'web' : 'batch' })
      .obj();
    cache.place(m, `n${i % 200}`, false);
  }

  it('costs nothing when no pod has terms and the member has none: no node walked, no pod looked at', () => {
    const { calls, index } = counting(cache);
    const state = new CycleState();
    assert.ok(interPodAntiAffinity().preFilter(state, makeMember().obj(), untouchable, index).isSuccess);
    assert.equal(state.read(antiAffinityStateKey).size, 0);
    assert.deepEqual(calls, { withAntiAffinity: 1, mayMatch: 0, node: 0 });
  });

  it("looks at the pods the member's selector can match, not at every pod", () => {
    const { calls, index } = counting(cache);
    const state = new CycleState();
    const member = makeMember().antiAffinity(byHost).obj();
    assert.ok(interPodAntiAffinity().preFilter(state, member, untouchable, index).isSuccess);
    assert.deepEqual([...(state.read(antiAffinityStateKey).get(HOST) ?? [])].sort(), ['n0', 'n100']);
    assert.equal(calls.node, 10, 'the 10 web pods of 1,000');
  });

  it("sees a worker's reservations, their own terms included, on top of the cache", () => {
    const c = new SchedulerCache();
    c.upsertNode(makeNode().name('a').label(HOST, 'a').obj());
    const fw = new Framework(defaultRegistry(), DEFAULT_PROFILE, ctx);
    // The guard is reserved first; the plain pod says nothing, but the guard's terms keep it out of the only node.
    const members = [
      makeMember().name('a-guard').labels({ app: 'web' }).antiAffinity(byHost).obj(),
      makeMember().name('b-plain').labels({ app: 'web' }).obj(),
    ];
    const res = new UnitScheduler(fw).schedule(members, c.nodeList(), new Overlay(), 2, c);
    assert.equal(res.ok, false);
    assert.match(
      res.ok ? '' : res.message,
      /^0\/1 nodes are available: 1 node\(s\) didn't match pod anti-affinity rules/,
    );
  });
});

/** A seeded generator (mulberry32), so a failure replays. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('InterPodAntiAffinity: the index answers as kube-scheduler does', () => {
  /**
   * kube-scheduler's required anti-affinity, spelled out: a node is out when an existing pod's term matching the
   * member, or a term of the member matching an existing pod, names a topology domain the node is in.
   */
  const oracle = (member: Member, nodes: readonly NodeInfo[], placed: Map<string, { m: Member; node: string }>) => {
    const memberTerms = member.podAntiAffinity ?? [];
    if (memberTerms.some((t) => !t.topologyKey || selectorError(t.selector) !== undefined)) return [];
    const self = `${member.namespace}/${member.name}`;
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const sameDomain = (a: NodeInfo, b: NodeInfo, key: string): boolean => {
      const v = labelValue(a.labels, key);
      return v !== undefined && v === labelValue(b.labels, key);
    };
    return nodes
      .filter((n) => {
        for (const [key, { m, node }] of placed) {
          const there = byName.get(node);
          if (key === self || !there) continue;
          for (const t of m.podAntiAffinity ?? []) {
            if (!t.topologyKey || selectorError(t.selector) !== undefined) continue;
            const ns = t.namespaces?.length ? t.namespaces : [m.namespace];
            if (ns.includes(member.namespace) && matchesSelector(member.labels ?? {}, t.selector)) {
              if (sameDomain(there, n, t.topologyKey)) return false;
            }
          }
          for (const t of memberTerms) {
            const ns = t.namespaces?.length ? t.namespaces : [member.namespace];
            if (ns.includes(m.namespace) && matchesSelector(m.labels ?? {}, t.selector)) {
              if (sameDomain(there, n, t.topologyKey)) return false;
            }
          }
        }
        return true;
      })
      .map((n) => n.name)
      .sort();
  };

  it('on random clusters, after random placements, updates, moves and removals', () => {
    const fw = new Framework(defaultRegistry(), DEFAULT_PROFILE, ctx);
    const feasible = (member: Member, nodes: readonly NodeInfo[], pods?: PodIndex): string[] => {
      const res = fw.findNodes(member, nodes, {
        feasibleToFind: 0,
        maxCandidates: nodes.length,
        ...(pods ? { pods } : {}),
      });
      return res.ok ? res.candidates.map((x) => x.node).sort() : [];
    };
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
      const labels = (): Record<string, string> => {
        const l: Record<string, string> = {};
        if (r() < 0.8) l.app = pick(['web', 'db', 'api']);
        if (r() < 0.5) l.tier = pick(['front', 'back']);
        return l;
      };
      const selector = (): PodSelector =>
        pick<PodSelector>([
          { matchLabels: { app: pick(['web', 'db', 'api']) } },
          { matchLabels: { app: pick(['web', 'db']), tier: pick(['front', 'back']) } },
          { matchExpressions: [{ key: 'app', operator: 'In', values: [pick(['web', 'db']), pick(['api', 'db'])] }] },
          { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
          { matchExpressions: [{ key: 'app', operator: 'NotIn', values: [pick(['web', 'db'])] }] },
          { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
          {},
          { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, // malformed
        ]);
      const terms = (): PodAntiAffinityTerm[] =>
        Array.from({ length: 1 + Math.floor(r() * 2) }, () => ({
          selector: selector(),
          topologyKey: pick([HOST, HOST, ZONE, 'rack']),
          ...(r() < 0.3 ? { namespaces: pick([['a'], ['a', 'b'], ['b']]) } : {}),
        }));
      const member = (name: string): Member => ({
        ...makeMember()
          .name(name)
          .namespace(pick(['a', 'a', 'b']))
          .labels(labels())
          .obj(),
        ...(r() < 0.3 ? { podAntiAffinity: terms() } : {}),
      });

      const cache = new SchedulerCache();
      const nodeCount = 4 + Math.floor(r() * 6);
      for (let i = 0; i < nodeCount; i++) {
        const b = makeNode().name(`n${i}`);
        if (r() < 0.9) b.label(HOST, `n${i}`);
        if (r() < 0.8) b.label(ZONE, `z${i % 3}`);
        cache.upsertNode(b.obj());
      }
      const nodeNames = [...cache.nodeList().map((n) => n.name), 'ghost'];
      const placed = new Map<string, { m: Member; node: string }>();
      const put = (m: Member, node: string): void => {
        cache.place(m, node, r() < 0.5);
        placed.set(`${m.namespace}/${m.name}`, { m, node });
      };
      for (let i = 0; i < 12; i++) put(member(`p${i}`), pick(nodeNames));

      const check = (round: string): void => {
        for (let j = 0; j < 8; j++) {
          const m =
            r() < 0.15
              ? { ...(placed.values().next().value?.m ?? member('x')), podAntiAffinity: terms() }
              : member('new');
          const want = oracle(m, cache.nodeList(), placed);
          const where = `seed ${seed} ${round} member ${JSON.stringify(m)}`;
          assert.deepEqual(feasible(m, cache.nodeList(), cache), want, `index: ${where}`);
          assert.deepEqual(feasible(m, cache.nodeList()), want, `node walk: ${where}`);
        }
      };
      check('placed');
      for (const [key, { m, node }] of [...placed]) {
        const roll = r();
        if (roll < 0.25) {
          cache.unplace(key);
          placed.delete(key);
        } else if (roll < 0.5) {
          put(
            { ...m, labels: labels(), ...(r() < 0.5 ? { podAntiAffinity: terms() } : { podAntiAffinity: [] }) },
            node,
          );
        } else if (roll < 0.65) {
          put(m, pick(nodeNames));
        }
      }
      if (r() < 0.5) cache.removeNode('n0');
      check('changed');
    }
  });
});
