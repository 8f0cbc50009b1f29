import type { QosLevel } from '../../api/names.ts';

/** Resources as the scheduler counts them: cpu in millicores, memory in bytes, pods as a count. */
export interface Resources {
  milliCpu: number;
  memory: number;
  pods: number;
}

export const ZERO: Resources = { milliCpu: 0, memory: 0, pods: 0 };
export const add = (a: Resources, b: Resources): Resources => ({
  milliCpu: a.milliCpu + b.milliCpu,
  memory: a.memory + b.memory,
  pods: a.pods + b.pods,
});
export const sub = (a: Resources, b: Resources): Resources => ({
  milliCpu: a.milliCpu - b.milliCpu,
  memory: a.memory - b.memory,
  pods: a.pods - b.pods,
});

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A label selector requirement, as in Kubernetes (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`). */
export interface SelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

/**
 * A PodDisruptionBudget as preemption weighs it: how many more of the pods it selects (in its namespace) may go now
 * (`status.disruptionsAllowed`). Evicting past that is a violation the Eviction API would refuse.
 */
export interface DisruptionBudget {
  /** `namespace/name`. */
  key: string;
  namespace: string;
  selector: { matchLabels?: Record<string, string>; matchExpressions?: SelectorRequirement[] };
  disruptionsAllowed: number;
}

/** `requiredDuringSchedulingIgnoredDuringExecution` node affinity: any term matches (OR), all requirements of a term (AND). */
export interface NodeAffinity {
  terms: { matchExpressions: SelectorRequirement[] }[];
}

/** A required pod anti-affinity term: no pod matching `selector` may run in the same `topologyKey` domain. */
export interface PodAntiAffinityTerm {
  selector: { matchLabels?: Record<string, string>; matchExpressions?: SelectorRequirement[] };
  topologyKey: string;
  /** Namespaces the selector applies to; empty means the member's own namespace. */
  namespaces?: string[];
}

/** One pod to place: a member of a unit (or an online pod, a unit of one). */
export interface Member {
  namespace: string;
  name: string;
  uid?: string;
  labels?: Record<string, string>;
  qos: QosLevel;
  /**
   * What it asks for. For `reclaimed_cores` members these are the reclaimed resources (reclaimed_millicpu,
   * reclaimed_memory), accounted apart from online requests.
   */
  requests: Resources;
  priority: number;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  nodeAffinity?: NodeAffinity;
  podAntiAffinity?: PodAntiAffinityTerm[];
  /** `namespace/name` of the SchedulingUnit this pod belongs to; absent for a pod that is its own unit. */
  unit?: string;
  /** Role within the unit (the scheduling.loom.dev/role label). */
  role?: string;
  /** Holds a place for a member that appears later; swapped out when it does. */
  placeholder?: boolean;
  /** When the pod was created (ms), for age ordering. */
  createdAt?: number;
  /** Queue whose quota the member counts against (its unit's queue); absent for online pods. */
  queue?: string;
}

/** A pod already placed on a node, as much of it as the plugins need. */
export interface PlacedPod {
  namespace: string;
  labels: Record<string, string>;
  /** Its own required anti-affinity: newcomers it matches must keep out of its domains (the rule is symmetric). */
  podAntiAffinity?: PodAntiAffinityTerm[];
}

/** A node as the scheduler sees it: what it offers online and reclaimed, and what is already placed there. */
export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  /** cpu/memory/pods allocatable, for online (shared/dedicated/system) pods. */
  allocatable: Resources;
  /** Reclaimed capacity the node agent published (cpu in millicores, memory in bytes). */
  reclaimedAllocatable: { milliCpu: number; memory: number };
  /** When the node agent last reported; a report older than the staleness limit counts as zero capacity. */
  reclaimedReportTime?: number;
  /** Requests of online pods placed on the node. */
  requested: Resources;
  /** Reclaimed requests of reclaimed_cores pods placed on the node (their pod count is in `requested.pods`). */
  reclaimedRequested: { milliCpu: number; memory: number };
  /**
   * Online requests with kube-scheduler's non-zero defaults (100m cpu, 200Mi memory for a pod that asks nothing), so
   * scoring still spreads pods without requests. Fit never reads it.
   */
  scoreRequested?: { milliCpu: number; memory: number };
  /**
   * Pods placed on the node (bound or assumed), keyed `namespace/name`: what affinity plugins read when handed bare
   * nodes. The cache also indexes them cluster-wide (`PodIndex`), which is what the scheduler searches.
   */
  pods?: Map<string, PlacedPod>;
}

/** kube-scheduler's defaults for scoring a pod that requests nothing (`schedutil.DefaultMilliCPURequest` etc.). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** What a member weighs for scoring: its requests, or the defaults where it asks for nothing. */
export const nonZero = (r: Resources): { milliCpu: number; memory: number } => ({
  milliCpu: r.milliCpu || DEFAULT_MILLI_CPU_REQUEST,
  memory: r.memory || DEFAULT_MEMORY_REQUEST,
});

/** `namespace/name`, the key of pods and units everywhere in the scheduler. */
export const keyOf = (o: { namespace: string; name: string }): string => `${o.namespace}/${o.name}`;
