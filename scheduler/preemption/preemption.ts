import type { SchedulerCache } from '../core/cache.ts';
import { keyOf, nonZero, type DisruptionBudget, type Member, type NodeInfo } from '../core/types.ts';
import type { Framework } from '../framework/runtime.ts';
import type { CycleState } from '../framework/cycle-state.ts';
import { matchesSelector } from '../plugins/label-selector.ts';
import { Overlay } from '../schedule/overlay.ts';

/** Pods that leave together: a lone pod, or every placed member of a gang (never half a gang). */
interface VictimGroup {
  key: string;
  members: Member[];
  /** Highest priority in the group. */
  priority: number;
  /** True when every member is reclaimed_cores: those go first. */
  reclaimed: boolean;
}

/** What preemption decided: whom to evict, and where each member of the preemptor then goes. */
export interface PreemptionPlan {
  victims: Member[];
  /** Member key → node it was planned on (kube-scheduler's nominated node). */
  nominated: Map<string, string>;
}

/**
 * How many evictions in `victims` go past what their PodDisruptionBudgets allow (kube-scheduler counts these first
 * when it picks a node to preempt on: the Eviction API would refuse exactly those).
 */
export function budgetViolations(victims: readonly Member[], budgets: readonly DisruptionBudget[]): number {
  let violations = 0;
  for (const b of budgets) {
    let matched = 0;
    for (const v of victims) if (v.namespace === b.namespace && matchesSelector(v.labels ?? {}, b.selector)) matched++;
    violations += Math.max(0, matched - Math.max(0, b.disruptionsAllowed));
  }
  return violations;
}

/** Fewer budget violations, then fewer online victims, then a lower highest priority, then fewer pods. */
const cheaper = (a: readonly number[], b: readonly number[]): boolean => {
  for (let i = 0; i < a.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
};

/** A node as it would be without `gone` pods. */
function without(node: NodeInfo, gone: readonly Member[]): NodeInfo {
  if (gone.length === 0) return node;
  const requested = { ...node.requested };
  const reclaimedRequested = { ...node.reclaimedRequested };
  const scoreRequested = { ...(node.scoreRequested ?? { milliCpu: 0, memory: 0 }) };
  const pods = new Map(node.pods);
  for (const m of gone) {
    requested.pods -= m.requests.pods;
    if (m.qos === 'reclaimed_cores') {
      reclaimedRequested.milliCpu -= m.requests.milliCpu;
      reclaimedRequested.memory -= m.requests.memory;
    } else {
      requested.milliCpu -= m.requests.milliCpu;
      requested.memory -= m.requests.memory;
      const nz = nonZero(m.requests);
      scoreRequested.milliCpu -= nz.milliCpu;
      scoreRequested.memory -= nz.memory;
    }
    pods.delete(keyOf(m));
  }
  return { ...node, requested, reclaimedRequested, scoreRequested, pods };
}

/**
 * Finds a minimal set of lower-priority pods whose eviction lets every member of a unit fit (kube-scheduler's
 * DefaultPreemption, extended to gangs): the node whose victims break the fewest PodDisruptionBudgets wins, then
 * `reclaimed_cores` pods are taken before online ones and lower priorities before higher; a gang is evicted whole or
 * not at all; after choosing, victims whose removal turned out not to be needed are reprieved, budget-protected and
 * most important first. Returns undefined when even evicting everything eligible would not
 * place the whole unit: then nothing is evicted.
 */
export function planPreemption(
  members: readonly Member[],
  priority: number,
  cache: SchedulerCache,
  fw: Framework,
  opts: { maxNodesPerMember?: number } = {},
): PreemptionPlan | undefined {
  const maxNodes = opts.maxNodesPerMember ?? 200;
  // Nothing of lower priority runs anywhere: no plan can exist. Checked before any grouping, because a unit that fits
  // nowhere asks on every attempt, and the full pass (groups, then a what-if per node) costs milliseconds.
  let anyLower = false;
  for (const p of cache.placedMembers()) {
    if (!p.assumed && p.member.priority < priority) {
      anyLower = true;
      break;
    }
  }
  if (!anyLower) return undefined;
  // Eligible victims, grouped by unit, indexed by node.
  const groups = new Map<string, VictimGroup>();
  const groupsOnNode = new Map<string, Set<VictimGroup>>();
  for (const p of cache.placedMembers()) {
    if (p.assumed) continue;
    const gk = p.member.unit ?? `pod:${keyOf(p.member)}`;
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { key: gk, members: [], priority: -Infinity, reclaimed: true }));
    g.members.push(p.member);
    g.priority = Math.max(g.priority, p.member.priority);
    g.reclaimed &&= p.member.qos === 'reclaimed_cores';
    let set = groupsOnNode.get(p.node);
    if (!set) groupsOnNode.set(p.node, (set = new Set()));
    set.add(g);
  }
  for (const [k, g] of groups) if (g.priority >= priority) groups.delete(k);
  if (groups.size === 0) return undefined;
  // Least important first: reclaimed before online, then lower priority, then larger (fewer pods evicted); the
  // reprieve walks the other way, so small and important pods are the first to be spared.
  const size = (g: VictimGroup): number => g.members.reduce((n, m) => n + m.requests.milliCpu, 0);
  const order = (a: VictimGroup, b: VictimGroup): number =>
    Number(b.reclaimed) - Number(a.reclaimed) || a.priority - b.priority || size(b) - size(a);

  const budgets = cache.budgetList();
  const isProtected = (g: VictimGroup): boolean =>
    budgets.some((b) =>
      g.members.some((m) => m.namespace === b.namespace && matchesSelector(m.labels ?? {}, b.selector)),
    );
  const chosen = new Set<VictimGroup>();
  const overlay = new Overlay();
  const nominated = new Map<string, string>();
  const goneOn = (node: string, extra: Iterable<VictimGroup> = []): Member[] => {
    const out: Member[] = [];
    for (const g of [...chosen, ...extra])
      for (const m of g.members) if (cache.placement(keyOf(m))?.node === node) out.push(m);
    return out;
  };
  // PreFilter looks at the whole cluster: once per member, not once per node tried.
  let pre: { member: Member; state: CycleState; ok: boolean } | undefined;
  const fitsOn = (m: Member, node: NodeInfo, extra: Iterable<VictimGroup> = []): boolean => {
    if (pre?.member !== m) {
      const { state, status } = fw.preFilter(m, cache.nodeList(), cache);
      pre = { member: m, state, ok: status.isSuccess };
    }
    if (!pre.ok) return false;
    const view = overlay.view(without(node, goneOn(node.name, extra)));
    return fw.filterOne(pre.state, m, view).isSuccess;
  };

  for (const m of members) {
    let best: { node: string; add: VictimGroup[]; cost: [number, number, number, number] } | undefined;
    let examined = 0;
    for (const node of cache.nodeList()) {
      if (fitsOn(m, node)) {
        best = { node: node.name, add: [], cost: [0, 0, -Infinity, 0] };
        break;
      }
      const candidates = [...(groupsOnNode.get(node.name) ?? [])].filter((g) => groups.has(g.key) && !chosen.has(g));
      if (candidates.length === 0 || examined++ >= maxNodes) continue;
      candidates.sort(order);
      if (!fitsOn(m, node, candidates)) continue;
      // Reprieve: put back first the groups a PodDisruptionBudget protects, then the most important ones, while
      // the member still fits (kube-scheduler reprieves budget-violating victims first for the same reason).
      const add = [...candidates];
      const protectedFirst = [...candidates].reverse().sort((a, b) => Number(isProtected(b)) - Number(isProtected(a)));
      for (const g of protectedFirst) {
        const rest = add.filter((x) => x !== g);
        if (fitsOn(m, node, rest)) add.splice(add.indexOf(g), 1);
      }
      const cost: [number, number, number, number] = [
        budgetViolations([...[...chosen, ...add].flatMap((g) => g.members)], budgets),
        add.filter((g) => !g.reclaimed).length,
        Math.max(...add.map((g) => g.priority)),
        add.reduce((n, g) => n + g.members.length, 0),
      ];
      if (!best || cheaper(cost, best.cost)) best = { node: node.name, add, cost };
    }
    if (!best) return undefined;
    for (const g of best.add) chosen.add(g);
    overlay.reserve(m, best.node);
    nominated.set(keyOf(m), best.node);
  }
  const victims = [...chosen].flatMap((g) => g.members);
  return victims.length ? { victims, nominated } : undefined;
}
