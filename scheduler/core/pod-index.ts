import type { Member, NodeInfo, PlacedPod, PodAntiAffinityTerm } from './types.ts';

/** A placed pod as the affinity plugins find it: its key, what they read of it, and the name of its node. */
export interface IndexedPod {
  readonly key: string;
  readonly pod: PlacedPod;
  readonly node: string;
}

/** A pod label selector as affinity terms carry it. */
export type PodSelector = PodAntiAffinityTerm['selector'];

/**
 * The placed pods of the cluster, found the way pod affinity asks for them. kube-scheduler's InterPodAffinity walks
 * every node for this on every attempt; through an index, a member costs nothing when no pod anywhere has
 * anti-affinity terms and it has none itself, and otherwise costs the pods its question can match.
 */
export interface PodIndex {
  /** Pods carrying required anti-affinity terms (whose terms may keep a newcomer out). */
  withAntiAffinity(): Iterable<IndexedPod>;
  /**
   * Pods of `namespace` that may match `selector`: every pod that does, and perhaps more (the caller tests the
   * selector), gathered through its most selective requirement.
   */
  mayMatch(namespace: string, selector: PodSelector): Iterable<IndexedPod>;
  /** A node by name; undefined for one not (or no longer) known, whose pods then count in no topology domain. */
  node(name: string): NodeInfo | undefined;
}

/** What affinity plugins read of a member once it is placed (or reserved). */
export const placedPod = (m: Member): PlacedPod => ({
  namespace: m.namespace,
  labels: m.labels ?? {},
  ...(m.podAntiAffinity?.length ? { podAntiAffinity: m.podAntiAffinity } : {}),
});

interface NamespacePods {
  all: Map<string, IndexedPod>;
  /** Label key → value → the pods with that label. */
  byLabel: Map<string, Map<string, Map<string, IndexedPod>>>;
}

const NONE: readonly IndexedPod[] = [];

function* chain(maps: readonly Map<string, IndexedPod>[]): Generator<IndexedPod> {
  for (const m of maps) yield* m.values();
}

/**
 * Placed pods by namespace and label, and those with anti-affinity terms apart: the store behind a {@link PodIndex}
 * (node lookup is the owner's). Updated per pod placed or removed, in proportion to its labels.
 */
export class PlacedPodIndex {
  private readonly pods = new Map<string, IndexedPod>();
  private readonly anti = new Map<string, IndexedPod>();
  private readonly namespaces = new Map<string, NamespacePods>();

  get size(): number {
    return this.pods.size;
  }

  get(key: string): IndexedPod | undefined {
    return this.pods.get(key);
  }

  /** Adds a pod, or replaces what was indexed under its key (labels, terms or node changed). */
  set(key: string, pod: PlacedPod, node: string): void {
    this.delete(key);
    const entry: IndexedPod = { key, pod, node };
    this.pods.set(key, entry);
    if (pod.podAntiAffinity?.length) this.anti.set(key, entry);
    let ns = this.namespaces.get(pod.namespace);
    if (!ns) this.namespaces.set(pod.namespace, (ns = { all: new Map(), byLabel: new Map() }));
    ns.all.set(key, entry);
    for (const [k, v] of Object.entries(pod.labels)) {
      let values = ns.byLabel.get(k);
      if (!values) ns.byLabel.set(k, (values = new Map<string, Map<string, IndexedPod>>()));
      let pods = values.get(v);
      if (!pods) values.set(v, (pods = new Map<string, IndexedPod>()));
      pods.set(key, entry);
    }
  }

  delete(key: string): void {
    const entry = this.pods.get(key);
    if (!entry) return;
    this.pods.delete(key);
    this.anti.delete(key);
    const ns = this.namespaces.get(entry.pod.namespace);
    if (!ns) return;
    ns.all.delete(key);
    // Empty maps are dropped, so the index does not grow with every label value ever seen.
    for (const [k, v] of Object.entries(entry.pod.labels)) {
      const values = ns.byLabel.get(k);
      const pods = values?.get(v);
      pods?.delete(key);
      if (pods?.size === 0) values?.delete(v);
      if (values?.size === 0) ns.byLabel.delete(k);
    }
    if (ns.all.size === 0) this.namespaces.delete(entry.pod.namespace);
  }

  clear(): void {
    this.pods.clear();
    this.anti.clear();
    this.namespaces.clear();
  }

  withAntiAffinity(): Iterable<IndexedPod> {
    return this.anti.values();
  }

  /**
   * Narrows by the requirement that leaves the fewest pods: a `matchLabels` entry or `In` (pods with one of those
   * values), `Exists` (pods with the key). `NotIn` and `DoesNotExist` hold for pods without the key, so they cannot
   * narrow; a selector with nothing else gets the whole namespace, as the empty selector selects everything.
   */
  mayMatch(namespace: string, selector: PodSelector): Iterable<IndexedPod> {
    const ns = this.namespaces.get(namespace);
    if (!ns) return NONE;
    let best: Map<string, IndexedPod>[] | undefined;
    let bestSize = ns.all.size;
    const consider = (maps: Map<string, IndexedPod>[]): void => {
      let size = 0;
      for (const m of maps) size += m.size;
      if (!best || size < bestSize) {
        best = maps;
        bestSize = size;
      }
    };
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
      const pods = ns.byLabel.get(k)?.get(v);
      if (!pods) return NONE;
      consider([pods]);
    }
    for (const req of selector.matchExpressions ?? []) {
      const values = ns.byLabel.get(req.key);
      if (req.operator === 'In') {
        const maps: Map<string, IndexedPod>[] = [];
        for (const v of new Set(req.values ?? [])) {
          const pods = values?.get(v);
          if (pods) maps.push(pods);
        }
        consider(maps);
      } else if (req.operator === 'Exists') {
        consider(values ? [...values.values()] : []);
      }
    }
    if (!best) return ns.all.values();
    if (bestSize === 0) return NONE;
    const only = best.length === 1 ? best[0] : undefined;
    return only ? only.values() : chain(best);
  }
}

/**
 * A {@link PodIndex} over a bare node list, walking the pods of every node: for callers that have no index (tests,
 * hand-built nodes), at the cost the index exists to avoid.
 */
export function podIndexOf(nodes: readonly NodeInfo[]): PodIndex {
  let byName: Map<string, NodeInfo> | undefined;
  return {
    *withAntiAffinity() {
      for (const n of nodes) {
        for (const [key, pod] of n.pods ?? []) if (pod.podAntiAffinity?.length) yield { key, pod, node: n.name };
      }
    },
    *mayMatch(namespace) {
      for (const n of nodes) {
        for (const [key, pod] of n.pods ?? []) if (pod.namespace === namespace) yield { key, pod, node: n.name };
      }
    },
    node(name) {
      byName ??= new Map(nodes.map((n) => [n.name, n]));
      return byName.get(name);
    },
  };
}

/** `base` with `extra` pods on top (a worker's reservations over the cache); nodes are `base`'s. */
export function layeredPodIndex(base: PodIndex, extra: PlacedPodIndex): PodIndex {
  return {
    *withAntiAffinity() {
      yield* base.withAntiAffinity();
      yield* extra.withAntiAffinity();
    },
    *mayMatch(namespace, selector) {
      yield* base.mayMatch(namespace, selector);
      yield* extra.mayMatch(namespace, selector);
    },
    node: (name) => base.node(name),
  };
}
