import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Member, NodeInfo, PodAntiAffinityTerm, SelectorRequirement } from '../../../scheduler/core/types.ts';
import { CycleState } from '../../../scheduler/framework/cycle-state.ts';
import type { PluginContext } from '../../../scheduler/framework/interfaces.ts';
import { Framework, type FindResult } from '../../../scheduler/framework/runtime.ts';
import { CODES } from '../../../scheduler/framework/status.ts';
import { DEFAULT_PROFILE, defaultRegistry } from '../../../scheduler/plugins/default-registry.ts';
import {
  antiAffinityStateKey,
  ERR_REASON_ANTI_AFFINITY,
  interPodAntiAffinity,
} from '../../../scheduler/plugins/inter-pod-anti-affinity.ts';
import {
  type LabelSelector,
  matchesRequirement,
  matchesSelector,
  requirementError,
  selectorError,
} from '../../../scheduler/plugins/label-selector.ts';
import { PLUGINS } from '../../../scheduler/plugins/names.ts';
import { ERR_REASON_POD, nodeAffinity } from '../../../scheduler/plugins/node-affinity.ts';
import { SchedulerCache } from '../../../scheduler/core/cache.ts';
import { makeMember, makeNode } from '../../builders/scheduler.ts';

const NOW = 1_795_770_000_000;
const ctx: PluginContext = { now: () => NOW, reclaimedStaleAfterMs: 60_000 };
const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

const req = (key: string, operator: SelectorRequirement['operator'], ...values: string[]): SelectorRequirement =>
  operator === 'Exists' || operator === 'DoesNotExist' ? { key, operator } : { key, operator, values };

/** Every feasible node, sorted: these tests are about filtering, not ranking. */
const feasible = (res: FindResult): string[] => (res.ok ? res.candidates.map((c) => c.node).sort() : []);
const findAll = (fw: Framework, member: Member, nodes: NodeInfo[]): FindResult =>
  fw.findNodes(member, nodes, { feasibleToFind: 0, maxCandidates: nodes.length });

describe('label selector', () => {
  const labels = {
    app: 'web',
    gen: '5',
    neg: '-3',
    frac: '1.5',
    max: '9223372036854775807',
    over: '9223372036854775808',
  };
  const cases: [string, SelectorRequirement, boolean][] = [
    ['In: value in the set', req('app', 'In', 'db', 'web'), true],
    ['In: value not in the set', req('app', 'In', 'db'), false],
    ['In: key absent', req('tier', 'In', 'front'), false],
    ['NotIn: value in the set', req('app', 'NotIn', 'web'), false],
    ['NotIn: value not in the set', req('app', 'NotIn', 'db'), true],
    ['NotIn: key absent matches', req('tier', 'NotIn', 'front'), true],
    ['Exists: key present', req('app', 'Exists'), true],
    ['Exists: key absent', req('tier', 'Exists'), false],
    ['DoesNotExist: key absent', req('tier', 'DoesNotExist'), true],
    ['DoesNotExist: key present', req('app', 'DoesNotExist'), false],
    ['Gt: greater', req('gen', 'Gt', '4'), true],
    ['Gt: equal is not greater', req('gen', 'Gt', '5'), false],
    ['Gt: signed value, as strconv.ParseInt reads it', req('gen', 'Gt', '+4'), true],
    ['Gt: leading zeros are decimal', req('gen', 'Gt', '004'), true],
    ['Gt: key absent', req('tier', 'Gt', '0'), false],
    ['Gt: label not an integer', req('frac', 'Gt', '0'), false],
    ['Gt: label non-numeric', req('app', 'Gt', '0'), false],
    ['Gt: exact past 2^53', req('max', 'Gt', '9223372036854775806'), true],
    ['Gt: label beyond int64', req('over', 'Gt', '0'), false],
    ['Lt: less', req('gen', 'Lt', '6'), true],
    ['Lt: equal is not less', req('gen', 'Lt', '5'), false],
    ['Lt: negative label', req('neg', 'Lt', '-2'), true],
    ['Lt: key absent', req('tier', 'Lt', '10'), false],
    // Requirements Kubernetes refuses to build match nothing, even NotIn and DoesNotExist.
    ['malformed: In without values', { key: 'app', operator: 'In', values: [] }, false],
    ['malformed: NotIn without values', { key: 'tier', operator: 'NotIn' }, false],
    ['malformed: Exists with values', { key: 'app', operator: 'Exists', values: ['web'] }, false],
    ['malformed: DoesNotExist with values', { key: 'tier', operator: 'DoesNotExist', values: ['x'] }, false],
    ['malformed: Gt with two values', req('gen', 'Gt', '1', '2'), false],
    ['malformed: Gt without values', { key: 'gen', operator: 'Gt' }, false],
    ['malformed: Gt with a fraction', req('gen', 'Gt', '4.0'), false],
    ['malformed: Gt with spaces', req('gen', 'Gt', ' 4'), false],
    ['malformed: Gt with hex', req('gen', 'Gt', '0x4'), false],
    ['malformed: Lt beyond int64', req('gen', 'Lt', '9223372036854775808'), false],
    [
      'malformed: unknown operator',
      { key: 'app', operator: 'Equals' as unknown as SelectorRequirement['operator'], values: ['web'] },
      false,
    ],
    // Labels are a plain object: inherited properties are not labels.
    ['prototype key is not a label (Exists)', req('constructor', 'Exists'), false],
    ['prototype key is not a label (DoesNotExist)', req('toString', 'DoesNotExist'), true],
  ];
  for (const [name, r, want] of cases) {
    it(`matchesRequirement ${name}`, () => assert.equal(matchesRequirement(labels, r), want));
  }

  it('explains malformed requirements', () => {
    assert.equal(requirementError(req('app', 'In', 'web')), undefined);
    assert.equal(requirementError(req('gen', 'Gt', '-7')), undefined);
    assert.match(requirementError({ key: 'app', operator: 'In' }) ?? '', /key app: values can't be empty for 'In'/);
    assert.match(requirementError(req('gen', 'Lt', 'x')) ?? '', /must be an integer/);
    assert.match(requirementError(req('gen', 'Gt', '1', '2')) ?? '', /exactly one value/);
  });

  const selectors: [string, LabelSelector, Record<string, string>, boolean][] = [
    ['empty selector selects everything', {}, { app: 'web' }, true],
    ['empty selector selects unlabelled pods', { matchLabels: {}, matchExpressions: [] }, {}, true],
    ['matchLabels are ANDed', { matchLabels: { app: 'web', tier: 'front' } }, { app: 'web', tier: 'front' }, true],
    ['one matchLabel missing', { matchLabels: { app: 'web', tier: 'front' } }, { app: 'web' }, false],
    [
      'matchLabels and expressions are ANDed',
      { matchLabels: { app: 'web' }, matchExpressions: [req('tier', 'NotIn', 'back')] },
      { app: 'web', tier: 'front' },
      true,
    ],
    [
      'an expression fails',
      { matchLabels: { app: 'web' }, matchExpressions: [req('tier', 'Exists')] },
      { app: 'web' },
      false,
    ],
    ['Gt is not a pod selector operator', { matchExpressions: [req('gen', 'Gt', '1')] }, { gen: '5' }, false],
    ['a malformed selector selects nothing', { matchExpressions: [{ key: 'a', operator: 'NotIn' }] }, {}, false],
  ];
  for (const [name, sel, podLabels, want] of selectors) {
    it(`matchesSelector: ${name}`, () => assert.equal(matchesSelector(podLabels, sel), want));
  }

  it('explains malformed pod selectors', () => {
    assert.equal(selectorError({ matchExpressions: [req('app', 'In', 'web')] }), undefined);
    assert.match(selectorError({ matchExpressions: [req('gen', 'Lt', '1')] }) ?? '', /not a valid label selector/);
  });
});

describe('NodeAffinity', () => {
  const plugin = nodeAffinity();
  const node = makeNode().label('disk', 'ssd').label('zone', 'a').label('cpu-gen', '4').obj();
  /** A member whose required node affinity has these terms, each a list of ANDed expressions. */
  const terms = (...ts: SelectorRequirement[][]): Member => {
    const b = makeMember();
    for (const t of ts) b.affinity(...t);
    return b.obj();
  };
  const cases: [string, Member, boolean][] = [
    ['no affinity', makeMember().obj(), true],
    ['one term, all expressions hold', terms([req('disk', 'In', 'ssd'), req('zone', 'In', 'a')]), true],
    ['one term, one expression fails (AND)', terms([req('disk', 'In', 'ssd'), req('zone', 'In', 'b')]), false],
    ['second term holds (OR)', terms([req('zone', 'In', 'b')], [req('disk', 'Exists')]), true],
    ['no term holds', terms([req('zone', 'In', 'b')], [req('gpu', 'Exists')]), false],
    ['a term without expressions matches nothing', terms([]), false],
    ['an empty term does not hide a matching one', terms([], [req('zone', 'In', 'a')]), true],
    ['an affinity without terms matches nothing', { ...makeMember().obj(), nodeAffinity: { terms: [] } }, false],
    ['Gt on a node label', terms([req('cpu-gen', 'Gt', '3')]), true],
    ['Lt on a node label', terms([req('cpu-gen', 'Lt', '3')]), false],
    ['NotIn holds on a missing key', terms([req('gpu', 'NotIn', 'a100')]), true],
    ['a malformed term fails alone', terms([req('cpu-gen', 'Gt', 'x')]), false],
    [
      'a malformed term does not spoil the others',
      terms([req('cpu-gen', 'Gt', 'x')], [req('disk', 'In', 'ssd')]),
      true,
    ],
  ];
  for (const [name, member, want] of cases) {
    it(name, () => {
      const s = plugin.filter(new CycleState(), member, node);
      assert.equal(s.isSuccess, want);
      if (!want) {
        // Unresolvable: preemption cannot change labels. Same reason text as NodeSelector, like kube-scheduler.
        assert.equal(s.code, CODES.UnschedulableAndUnresolvable);
        assert.deepEqual(s.reasons, [ERR_REASON_POD]);
      }
    });
  }
});

describe('InterPodAntiAffinity', () => {
  const fw = new Framework(defaultRegistry(), DEFAULT_PROFILE, ctx);
  const web: PodAntiAffinityTerm['selector'] = { matchLabels: { app: 'web' } };
  const byHost = (namespaces?: string[]): PodAntiAffinityTerm => ({ selector: web, topologyKey: HOST, namespaces });
  const byZone: PodAntiAffinityTerm = { selector: web, topologyKey: ZONE };
  const host = (name: string, zone?: string) => {
    const b = makeNode().name(name).label(HOST, name);
    return zone ? b.label(ZONE, zone) : b;
  };

  const cases: { name: string; member: Member; nodes: NodeInfo[]; want: string[] }[] = [
    {
      name: 'by hostname: only the node running a matching pod is out',
      member: makeMember().antiAffinity(byHost()).obj(),
      nodes: [
        host('a').pod('default/web-1', 'default', { app: 'web' }).obj(),
        host('b').pod('default/db-1', 'default', { app: 'db' }).obj(),
        host('c').obj(),
      ],
      want: ['b', 'c'],
    },
    {
      name: 'by zone: the whole zone of a matching pod is out',
      member: makeMember().antiAffinity(byZone).obj(),
      nodes: [
        host('a', 'z1').pod('default/web-1', 'default', { app: 'web' }).obj(),
        host('b', 'z1').obj(),
        host('c', 'z2').obj(),
      ],
      want: ['c'],
    },
    {
      name: 'pods of another namespace are ignored by default',
      member: makeMember().antiAffinity(byHost()).obj(),
      nodes: [host('a').pod('other/web-1', 'other', { app: 'web' }).obj(), host('b').obj()],
      want: ['a', 'b'],
    },
    {
      name: "the default namespace is the member's own",
      member: makeMember().namespace('other').antiAffinity(byHost()).obj(),
      nodes: [
        host('a').pod('other/web-1', 'other', { app: 'web' }).obj(),
        host('b').pod('default/web-1', 'default', { app: 'web' }).obj(),
      ],
      want: ['b'],
    },
    {
      name: 'the namespaces list is honoured, and replaces the own namespace',
      member: makeMember()
        .antiAffinity(byHost(['other', 'third']))
        .obj(),
      nodes: [
        host('a').pod('other/web-1', 'other', { app: 'web' }).obj(),
        host('b').pod('third/web-1', 'third', { app: 'web' }).obj(),
        host('c').pod('default/web-1', 'default', { app: 'web' }).obj(),
      ],
      want: ['c'],
    },
    {
      name: 'a node without the topology key passes, and its pods constrain no domain',
      member: makeMember().antiAffinity(byZone).obj(),
      nodes: [
        host('a', 'z1').pod('default/web-1', 'default', { app: 'web' }).obj(),
        host('b').pod('default/web-2', 'default', { app: 'web' }).obj(),
        host('c').obj(),
        host('d', 'z2').obj(),
      ],
      want: ['b', 'c', 'd'],
    },
    {
      name: 'the member itself, already assumed on a node, does not repel itself',
      member: makeMember().name('web-0').labels({ app: 'web' }).antiAffinity(byHost()).obj(),
      nodes: [host('a').pod('default/web-0', 'default', { app: 'web' }).obj(), host('b').obj()],
      want: ['a', 'b'],
    },
    {
      name: 'selector expressions and several terms: any term rejects',
      member: makeMember()
        .antiAffinity({ selector: { matchExpressions: [req('app', 'In', 'web', 'api')] }, topologyKey: HOST })
        .antiAffinity({ selector: { matchLabels: { app: 'db' } }, topologyKey: ZONE })
        .obj(),
      nodes: [
        host('a', 'z1').pod('default/api-1', 'default', { app: 'api' }).obj(),
        host('b', 'z1').obj(),
        host('c', 'z2').pod('default/db-1', 'default', { app: 'db' }).obj(),
        host('d', 'z2').obj(),
        host('e', 'z3').pod('default/batch-1', 'default', { app: 'batch' }).obj(),
      ],
      want: ['b', 'e'],
    },
    {
      name: 'no terms: pods anywhere do not matter',
      member: makeMember().obj(),
      nodes: [host('a').pod('default/web-1', 'default', { app: 'web' }).obj()],
      want: ['a'],
    },
  ];
  for (const { name, member, nodes, want } of cases) {
    it(name, () => assert.deepEqual(feasible(findAll(fw, member, nodes)), want));
  }

  it("is symmetric: a placed pod's own terms keep matching newcomers out, even newcomers without terms", () => {
    const cache = new SchedulerCache();
    for (const [name, zone] of [
      ['a', 'z1'],
      ['b', 'z1'],
      ['c', 'z2'],
    ] as const)
      cache.upsertNode(host(name, zone).obj());
    const guard = makeMember().name('web-0').labels({ app: 'web' }).antiAffinity(byZone).obj();
    cache.place(guard, 'a', false);
    const web = makeMember().name('web-1').labels({ app: 'web' }).obj();
    const db = makeMember().name('db-1').labels({ app: 'db' }).obj();
    assert.deepEqual(feasible(findAll(fw, web, [...cache.nodeList()])), ['c'], 'zone z1 is web-0’s');
    assert.deepEqual(
      feasible(findAll(fw, db, [...cache.nodeList()])),
      ['a', 'b', 'c'],
      'its selector does not match db',
    );
    const other = makeMember().name('web-2').namespace('other').labels({ app: 'web' }).obj();
    assert.deepEqual(feasible(findAll(fw, other, [...cache.nodeList()])), ['a', 'b', 'c'], 'its own namespace only');
    cache.unplace('default/web-0');
    assert.deepEqual(feasible(findAll(fw, web, [...cache.nodeList()])), ['a', 'b', 'c'], 'gone with the pod');
  });

  it('rejects as Unschedulable (preemption can help), attributed to the plugin', () => {
    const nodes = [host('a').pod('default/web-1', 'default', { app: 'web' }).obj()];
    const res = findAll(fw, makeMember().antiAffinity(byHost()).obj(), nodes);
    assert.equal(res.ok, false);
    const s = res.ok ? undefined : res.rejections.get('a');
    assert.equal(s?.code, CODES.Unschedulable);
    assert.equal(s?.plugin, PLUGINS.interPodAntiAffinity);
    assert.deepEqual(s?.reasons, [ERR_REASON_ANTI_AFFINITY]);
  });

  it('explains a member that fits nowhere with the histogram', () => {
    const member = makeMember()
      .affinity(req('disk', 'In', 'ssd'))
      .antiAffinity(byZone)
      .obj();
    const nodes = [
      host('a', 'z1').label('disk', 'ssd').pod('default/web-1', 'default', { app: 'web' }).obj(),
      host('b', 'z1').label('disk', 'ssd').obj(),
      host('c', 'z2').label('disk', 'hdd').obj(),
      host('d', 'z2').label('disk', 'ssd').cordoned().obj(),
    ];
    const res = fw.findNodes(member, nodes);
    assert.equal(res.ok, false);
    if (!res.ok) {
      assert.equal(
        res.message,
        "0/4 nodes are available: 2 node(s) didn't match pod anti-affinity rules, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable.",
      );
    }
  });

  it("lets filterOne re-check one node later against PreFilter's state", () => {
    const member = makeMember().antiAffinity(byZone).obj();
    const nodes = [host('a', 'z1').pod('default/web-1', 'default', { app: 'web' }).obj(), host('b', 'z2').obj()];
    const { state, status } = fw.preFilter(member, nodes);
    assert.ok(status.isSuccess);
    // A live copy of a node in the rejected zone, without the pod: the zone is still taken.
    assert.equal(fw.filterOne(state, member, host('a2', 'z1').obj()).code, CODES.Unschedulable);
    assert.ok(fw.filterOne(state, member, host('b', 'z2').obj()).isSuccess);
  });

  it('writes an empty result for a member without terms, and Filter needs it', () => {
    const plugin = interPodAntiAffinity();
    const state = new CycleState();
    const node = host('a').pod('default/web-1', 'default', { app: 'web' }).obj();
    assert.ok(plugin.preFilter(state, makeMember().obj(), [node]).isSuccess);
    assert.equal(state.read(antiAffinityStateKey).size, 0);
    assert.ok(plugin.filter(state, makeMember().obj(), node).isSuccess);
    // Without PreFilter the runtime turns the missing state into an Error, never a silent pass.
    const s = fw.filterOne(new CycleState(), makeMember().obj(), node);
    assert.equal(s.code, CODES.Error);
    assert.match(s.toString(), /InterPodAntiAffinity.*did its PreFilter run/);
  });

  it('refuses terms Kubernetes could not parse, on every node', () => {
    const nodes = [host('a').obj(), host('b').obj()];
    for (const term of [
      { selector: { matchExpressions: [req('gen', 'Gt', '1')] }, topologyKey: HOST },
      { selector: web, topologyKey: '' },
    ]) {
      const res = fw.findNodes(makeMember().antiAffinity(term).obj(), nodes);
      assert.equal(res.ok, false);
      if (!res.ok) {
        assert.equal(res.status.code, CODES.UnschedulableAndUnresolvable);
        assert.match(res.message, /^0\/2 nodes are available: 2 parsing pod: /);
      }
    }
  });
});

describe('default profile', () => {
  it('runs the filters in order, then the scorer', () => {
    assert.deepEqual(DEFAULT_PROFILE.plugins, [
      'NodeUnschedulable',
      'TaintToleration',
      'NodeSelector',
      'NodeAffinity',
      'InterPodAntiAffinity',
      'QosResourcesFit',
      'QosPlacementScore',
    ]);
    for (const name of DEFAULT_PROFILE.plugins) assert.doesNotThrow(() => defaultRegistry().get(name));
  });
});
