import type { SchedulingUnit } from '../../api/scheduling-unit.ts';
import type { UiNode } from './model.ts';

/**
 * What the web UI reads of the cluster beyond the gateway's own ClusterView: every node's split (which needs all
 * pods bound to nodes, online ones included) and the SchedulingUnits still waiting. The Kubernetes adapter is
 * `gateway/k8s/ui-cluster-source.ts`; tests give fixed values.
 */
export interface UiClusterSource {
  /** Every node's cpu split at `now`, sorted by name (`loom top`'s rows). */
  nodes(now: number): UiNode[];
  /** SchedulingUnits the scheduler has not placed yet. */
  pendingUnits(): SchedulingUnit[];
  /** Why units cannot be read at all (no RBAC, no CRD), for the UI to say instead of an empty list. */
  pendingUnitsUnavailable?(): string | undefined;
  /** Resolves once the caches hold a first full list. */
  start(): Promise<void>;
  stop(): Promise<void>;
}
