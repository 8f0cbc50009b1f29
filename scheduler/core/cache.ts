import { PlacedPodIndex, placedPod, type IndexedPod, type PodIndex, type PodSelector } from './pod-index.ts';
import {
  add,
  keyOf,
  nonZero,
  sub,
  type DisruptionBudget,
  type Member,
  type NodeInfo,
  type Resources,
} from './types.ts';

/** A pod the cache counts on a node: bound (seen by the apiserver) or assumed (the binder's decision, in flight). */
export interface PlacedMember {
  member: Member;
  node: string;
  assumed: boolean;
}

/** Changes that could let a unit that did not fit fit now (kube-scheduler's cluster events, reduced to nodes). */
export interface CacheEvents {
  /** Nodes a pod left (deleted, finished, moved, or an assumption rolled back). */
  freedOn: Set<string>;
  /** Nodes added or whose facts changed (allocatable, labels, taints, schedulability). */
  nodesChanged: Set<string>;
  /** A pod with anti-affinity terms left: nodes beyond its own may have opened up. */
  domainWide: boolean;
}

/** Node facts from the cluster; the cache adds what is placed on the node itself. */
export type NodeFacts = Omit<NodeInfo, 'requested' | 'reclaimedRequested' | 'pods' | 'scoreRequested'>;

const noRes = (): Resources => ({ milliCpu: 0, memory: 0, pods: 0 });

/**
 * The scheduler's one view of the cluster (kube-scheduler's cache): nodes, every placed pod, and the resources each
 * queue uses. The binder assumes pods here the moment it commits, so later decisions see them before the apiserver
 * confirms; bindings that fail are forgotten. Everything is in memory and synchronous: the adapter feeds it from
 * informers, the core reads it. It is also the cluster-wide {@link PodIndex} the affinity plugins search.
 */
export class SchedulerCache implements PodIndex {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly placed = new Map<string, PlacedMember>();
  private readonly queueUsed = new Map<string, Resources>();
  private readonly budgets = new Map<string, DisruptionBudget>();
  private readonly byUnit = new Map<string, Set<string>>();
  /** Placed pods whose node is not (yet) known, so accounting survives a node arriving after its pods. */
  private readonly orphans = new Map<string, PlacedMember>();
  /** Every placed pod (orphans too: a node is looked up when asked, so one arriving later needs no re-index). */
  private readonly index = new PlacedPodIndex();
  private list: NodeInfo[] | undefined;
  /** Changes since {@link takeEvents} that could let a waiting unit fit; see {@link CacheEvents}. */
  private events: CacheEvents = { freedOn: new Set(), nodesChanged: new Set(), domainWide: false };

  /** Adds or updates a node's facts, keeping what is placed on it. */
  /** PodDisruptionBudgets, which preemption tries not to violate. */
  upsertBudget(b: DisruptionBudget): void {
    this.budgets.set(b.key, b);
  }

  removeBudget(key: string): void {
    this.budgets.delete(key);
  }

  budgetList(): DisruptionBudget[] {
    return [...this.budgets.values()];
  }

  upsertNode(facts: NodeFacts): void {
    const old = this.nodes.get(facts.name);
    const info: NodeInfo = {
      ...facts,
      requested: old?.requested ?? noRes(),
      reclaimedRequested: old?.reclaimedRequested ?? { milliCpu: 0, memory: 0 },
      scoreRequested: old?.scoreRequested ?? { milliCpu: 0, memory: 0 },
      pods: old?.pods ?? new Map(),
    };
    this.nodes.set(facts.name, info);
    if (!old) {
      this.list = undefined;
      for (const [k, p] of this.orphans) {
        if (p.node !== facts.name) continue;
        this.orphans.delete(k);
        this.account(info, p.member, +1);
      }
    } else {
      // Objects handed out earlier must see the new facts: replace in place within the list.
      if (this.list) this.list[this.list.indexOf(old)] = info;
    }
    this.events.nodesChanged.add(facts.name);
  }

  /** What changed since the last call (and forgets it): the pipeline wakes parked units on it. */
  takeEvents(): CacheEvents {
    const e = this.events;
    this.events = { freedOn: new Set(), nodesChanged: new Set(), domainWide: false };
    return e;
  }

  removeNode(name: string): void {
    const node = this.nodes.get(name);
    if (!node) return;
    this.nodes.delete(name);
    this.list = undefined;
    for (const [k, p] of this.placed) if (p.node === name) this.orphans.set(k, p);
  }

  node(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  /** Every node, in a stable order (by name), rebuilt only when the node set changes. */
  nodeList(): readonly NodeInfo[] {
    this.list ??= [...this.nodes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return this.list;
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  private account(node: NodeInfo, m: Member, sign: 1 | -1): void {
    const r = m.requests;
    const key = keyOf(m);
    if (m.qos === 'reclaimed_cores') {
      node.reclaimedRequested = {
        milliCpu: node.reclaimedRequested.milliCpu + sign * r.milliCpu,
        memory: node.reclaimedRequested.memory + sign * r.memory,
      };
      node.requested = { ...node.requested, pods: node.requested.pods + sign * r.pods };
    } else {
      node.requested = sign > 0 ? add(node.requested, r) : sub(node.requested, r);
      const nz = nonZero(r);
      const sr = node.scoreRequested ?? { milliCpu: 0, memory: 0 };
      node.scoreRequested = { milliCpu: sr.milliCpu + sign * nz.milliCpu, memory: sr.memory + sign * nz.memory };
    }
    node.pods ??= new Map();
    if (sign > 0) node.pods.set(key, this.index.get(key)?.pod ?? placedPod(m));
    else node.pods.delete(key);
  }

  private accountQueue(m: Member, sign: 1 | -1): void {
    if (!m.queue) return;
    const used = this.queueUsed.get(m.queue) ?? noRes();
    this.queueUsed.set(m.queue, sign > 0 ? add(used, m.requests) : sub(used, m.requests));
  }

  /**
   * Counts a pod on a node: `assumed` for the binder's in-flight decisions, false for what the apiserver says. A pod
   * placed again where it is, changed (labels, terms, requests), is counted anew; its unchanged echoes (informers
   * repeat a pod on every status change) cost a comparison.
   */
  place(member: Member, nodeName: string, assumed: boolean): void {
    const key = keyOf(member);
    const prev = this.placed.get(key);
    if (prev) {
      if (prev.node === nodeName) {
        const stillAssumed = prev.assumed && assumed;
        if (prev.member === member || JSON.stringify(prev.member) === JSON.stringify(member)) {
          prev.assumed = stillAssumed;
          return;
        }
        assumed = stillAssumed;
      }
      this.unplace(key);
    }
    const entry: PlacedMember = { member, node: nodeName, assumed };
    this.placed.set(key, entry);
    this.index.set(key, placedPod(member), nodeName);
    if (member.unit) {
      let set = this.byUnit.get(member.unit);
      if (!set) this.byUnit.set(member.unit, (set = new Set()));
      set.add(key);
    }
    this.accountQueue(member, +1);
    const node = this.nodes.get(nodeName);
    if (node) this.account(node, member, +1);
    else this.orphans.set(key, entry);
  }

  /** Stops counting a pod (deleted, finished, or an assumption rolled back). */
  unplace(key: string): PlacedMember | undefined {
    const entry = this.placed.get(key);
    if (!entry) return undefined;
    this.placed.delete(key);
    this.orphans.delete(key);
    this.index.delete(key);
    const unit = entry.member.unit;
    const set = unit ? this.byUnit.get(unit) : undefined;
    if (unit && set) {
      set.delete(key);
      if (set.size === 0) this.byUnit.delete(unit);
    }
    this.accountQueue(entry.member, -1);
    const node = this.nodes.get(entry.node);
    if (node) this.account(node, entry.member, -1);
    this.events.freedOn.add(entry.node);
    // A pod with anti-affinity terms kept newcomers off every node of its domains, not only its own.
    if (entry.member.podAntiAffinity?.length) this.events.domainWide = true;
    return entry;
  }

  withAntiAffinity(): Iterable<IndexedPod> {
    return this.index.withAntiAffinity();
  }

  mayMatch(namespace: string, selector: PodSelector): Iterable<IndexedPod> {
    return this.index.mayMatch(namespace, selector);
  }

  placement(key: string): PlacedMember | undefined {
    return this.placed.get(key);
  }

  /** Placed members of one unit (bound and assumed). */
  placedOfUnit(unit: string): PlacedMember[] {
    const out: PlacedMember[] = [];
    for (const k of this.byUnit.get(unit) ?? []) {
      const p = this.placed.get(k);
      if (p) out.push(p);
    }
    return out;
  }

  placedCountOfUnit(unit: string): number {
    return this.byUnit.get(unit)?.size ?? 0;
  }

  /** Every placed pod (for preemption's victim search and the metrics). */
  placedMembers(): Iterable<PlacedMember> {
    return this.placed.values();
  }

  used(queue: string): Resources {
    return this.queueUsed.get(queue) ?? noRes();
  }
}
