/**
 * Mixed utilization of a node, split the way operators read it (docs/utilization.md):
 *
 *     online              what online pods use (the node agent's measurement; their requests where unmeasured)
 *     batch               what reclaimed_cores pods hold (their reclaimed requests)
 *     reclaimable-unused  published reclaimed capacity that no batch pod holds: room for more batch
 *     idle                everything else: the reserve, the margin kept over online peaks, and unreported nodes
 *
 * The four add up to the node's allocatable. `loom top`, the web UI and the demo report all use this one function.
 */

/** One node's inputs, in millicores (the same shape serves memory in bytes). */
export interface NodeUtilizationInput {
  allocatable: number;
  /** Measured online usage; undefined when no agent reports the node. */
  onlineUsage?: number;
  /** Σ requests of online pods (stand-in for usage where unmeasured). */
  onlineRequests: number;
  /** Σ reclaimed requests of batch pods. */
  batch: number;
  /** Reclaimed allocatable published now (0 when stale or absent). */
  reclaimable: number;
}

export interface NodeUtilization {
  allocatable: number;
  online: number;
  batch: number;
  reclaimableUnused: number;
  idle: number;
  /** Whether `online` is measured (true) or the online requests (false). */
  measured: boolean;
}

export function nodeUtilization(n: NodeUtilizationInput): NodeUtilization {
  const measured = n.onlineUsage !== undefined;
  const online = Math.min(n.allocatable, Math.max(0, n.onlineUsage ?? n.onlineRequests));
  const batch = Math.min(n.allocatable - online, Math.max(0, n.batch));
  const reclaimableUnused = Math.min(n.allocatable - online - batch, Math.max(0, n.reclaimable - n.batch));
  return {
    allocatable: n.allocatable,
    online,
    batch,
    reclaimableUnused,
    idle: Math.max(0, n.allocatable - online - batch - reclaimableUnused),
    measured,
  };
}

/** Sums nodes into the cluster's figures. */
export function sumUtilization(nodes: readonly NodeUtilization[]): NodeUtilization {
  const total = { allocatable: 0, online: 0, batch: 0, reclaimableUnused: 0, idle: 0, measured: nodes.length > 0 };
  for (const n of nodes) {
    total.allocatable += n.allocatable;
    total.online += n.online;
    total.batch += n.batch;
    total.reclaimableUnused += n.reclaimableUnused;
    total.idle += n.idle;
    total.measured &&= n.measured;
  }
  return total;
}
