import { keyOf, nonZero, type Member, type NodeInfo } from '../core/types.ts';

/**
 * What one scheduler worker has proposed but the binder has not committed: reservations layered over the shared
 * cache, so a gang's later members see its earlier ones. Other workers do not see them — conflicts between workers
 * are the binder's to resolve, as in Gödel's optimistic model.
 */
export class Overlay {
  private readonly adds = new Map<string, Member[]>();

  reserve(member: Member, node: string): void {
    const list = this.adds.get(node);
    if (list) list.push(member);
    else this.adds.set(node, [member]);
  }

  /** Takes back a reservation (the rest of its gang failed). */
  release(member: Member, node: string): void {
    const list = this.adds.get(node);
    const i = list ? list.indexOf(member) : -1;
    if (list && i >= 0) list.splice(i, 1);
    if (list?.length === 0) this.adds.delete(node);
  }

  clear(): void {
    this.adds.clear();
  }

  /** The node as it would be with this worker's reservations; the same object when there are none. */
  readonly view = (node: NodeInfo): NodeInfo => {
    const members = this.adds.get(node.name);
    if (!members) return node;
    const requested = { ...node.requested };
    const scoreRequested = { ...(node.scoreRequested ?? { milliCpu: 0, memory: 0 }) };
    const reclaimedRequested = { ...node.reclaimedRequested };
    const pods = new Map(node.pods);
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
      pods.set(keyOf(m), { namespace: m.namespace, labels: m.labels ?? {} });
    }
    return { ...node, requested, reclaimedRequested, scoreRequested, pods };
  };
}
