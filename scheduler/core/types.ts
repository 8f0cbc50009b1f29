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

/** One pod to place: a member of a unit (or an online pod, a unit of one). */
export interface Member {
  namespace: string;
  name: string;
  qos: QosLevel;
  /**
   * What it asks for. For `reclaimed_cores` members these are the reclaimed resources (reclaimed_millicpu,
   * reclaimed_memory), accounted apart from online requests.
   */
  requests: Resources;
  priority: number;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
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
}
