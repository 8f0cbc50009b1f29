/**
 * What the gateway knows of the cluster, from Kubernetes: queues (Queue objects) and nodes with the batch capacity
 * they expose. The Kubernetes adapter (`k8s/`) fills it from informers; tests give it fixed values.
 */

/** A YARN queue derived from a Queue object. */
export interface QueueView {
  /** Leaf or parent short name (`spark`). */
  name: string;
  /** Full path (`root.spark`). */
  path: string;
  parent?: string;
  /** Percent of the parent's capacity guaranteed (YARN `capacity`). */
  capacity: number;
  /** Percent of the parent's capacity it may grow to (YARN `maximum-capacity`). */
  maxCapacity: number;
  state: 'RUNNING' | 'STOPPED';
  maxApplications?: number;
  /** YARN ACL strings. */
  aclSubmit: string;
  aclAdminister: string;
  children: string[];
}

/** A Kubernetes node seen as a YARN NodeManager (see docs/gateway.md for the mapping). */
export interface NodeView {
  /** YARN NodeId `host:port`. */
  id: string;
  host: string;
  rack: string;
  state: 'RUNNING' | 'UNHEALTHY' | 'LOST' | 'DECOMMISSIONED' | 'NEW';
  lastHealthUpdate: number;
  healthReport: string;
  version: string;
  /** Batch-visible capacity: reclaimed allocatable (MB, vcores). */
  totalMB: number;
  totalVCores: number;
  /** Requests of reclaimed pods on the node. */
  usedMB: number;
  usedVCores: number;
  numContainers: number;
  labels: string[];
}

export interface ClusterView {
  queues(): QueueView[];
  queue(nameOrPath: string): QueueView | undefined;
  nodes(): NodeView[];
  /** Largest container a submission may ask for (YARN `maximum-allocation-mb/-vcores`). */
  maximumAllocation(): { memory: number; vCores: number };
}

/** Resolves `spark`, `root.spark` or `root` to a queue, YARN-style. */
export function findQueue(queues: readonly QueueView[], nameOrPath: string): QueueView | undefined {
  return queues.find((q) => q.path === nameOrPath) ?? queues.find((q) => q.name === nameOrPath);
}
