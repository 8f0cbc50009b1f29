import { layeredPodIndex, PlacedPodIndex, placedPod, type PodIndex } from '../core/pod-index.ts';
import { keyOf, nonZero, type Member, type NodeInfo, type PlacedPod } from '../core/types.ts';

/**
 * What one scheduler worker has proposed but the binder has not committed: reservations layered over the shared
 * cache, so a gang's later members see its earlier ones. Other workers do not see them — conflicts between workers
 * are the binder's to resolve, as in Gödel's optimistic model.
 */
export class Overlay {
  private readonly adds = new Map<string, Member[]>();
  /** Views already built, valid while the node's reservations and its cache entry stay the same. */
  private readonly views = new Map<string, { base: NodeInfo; requested: object; reclaimed: object; view: NodeInfo }>();
  /** The reserved members as affinity searches for them, terms included (the binder will see those once assumed). */
  private readonly reserved = new PlacedPodIndex();

  reserve(member: Member, node: string): void {
    this.views.delete(node);
    const list = this.adds.get(node);
    if (list) list.push(member);
    else this.adds.set(node, [member]);
    this.reserved.set(keyOf(member), placedPod(member), node);
  }

  /** Takes back a reservation (the rest of its gang failed). */
  release(member: Member, node: string): void {
    this.views.delete(node);
    const list = this.adds.get(node);
    const i = list ? list.indexOf(member) : -1;
    if (list && i >= 0) list.splice(i, 1);
    if (list?.length === 0) this.adds.delete(node);
    if (this.reserved.get(keyOf(member))?.node === node) this.reserved.delete(keyOf(member));
  }

  clear(): void {
    this.adds.clear();
    this.views.clear();
    this.reserved.clear();
  }

  /** `base` (the cache's pods) as this worker sees it now, with its reservations; `base` itself when there are none. */
  pods(base: PodIndex): PodIndex {
    return this.reserved.size ? layeredPodIndex(base, this.reserved) : base;
  }

  /** The node as it would be with this worker's reservations; the same object when there are none. */
  readonly view = (node: NodeInfo): NodeInfo => {
    const members = this.adds.get(node.name);
    if (!members) return node;
    // Thousands of nodes are viewed per member: build each view once, not once per look.
    const memo = this.views.get(node.name);
    if (memo?.base === node && memo.requested === node.requested && memo.reclaimed === node.reclaimedRequested) {
      return memo.view;
    }
    const requested = { ...node.requested };
    const scoreRequested = { ...(node.scoreRequested ?? { milliCpu: 0, memory: 0 }) };
    const reclaimedRequested = { ...node.reclaimedRequested };
    // Only affinity plugins read pods: build the copy on first read, not for every view.
    let pods: Map<string, PlacedPod> | undefined;
    const buildPods = (): Map<string, PlacedPod> => {
      pods = new Map(node.pods);
      for (const m of members) pods.set(keyOf(m), placedPod(m));
      return pods;
    };
    for (const m of members) {
      requested.pods += m.requests.pods;
      if (m.qos === 'reclaimed_cores') {
        reclaimedRequested.milliCpu += m.requests.milliCpu;
        reclaimedRequested.memory += m.requests.memory;
      } else {
        requested.milliCpu += m.requests.milliCpu;
        requested.memory += m.requests.memory;
        const nz = nonZero(m.requests);
        scoreRequested.milliCpu += nz.milliCpu;
        scoreRequested.memory += nz.memory;
      }
    }
    const view: NodeInfo = { ...node, requested, reclaimedRequested, scoreRequested };
    Object.defineProperty(view, 'pods', { enumerable: true, get: () => pods ?? buildPods() });
    this.views.set(node.name, { base: node, requested: node.requested, reclaimed: node.reclaimedRequested, view });
    return view;
  };
}
