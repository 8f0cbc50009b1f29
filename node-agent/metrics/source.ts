/**
 * What a metrics source measures on one node, and the one interface both sources implement: cgroup v2 on real nodes,
 * a usage model on kwok nodes. The policy only ever sees a {@link NodeSample}, so it cannot tell them apart.
 */

/** A pod as the node agent knows it from the apiserver (the agent's own informer). */
export interface PodFacts {
  uid: string;
  namespace: string;
  name: string;
  /** Katalyst QoS level (`shared_cores` when unannotated). */
  qos: string;
  /** Sum of the containers' requests: cpu/memory for online pods, the reclaimed resources for `reclaimed_cores`. */
  requests: { milliCpu: number; memory: number };
  priority: number;
  /** ms since the epoch; when the pod started on the node (creation time until the kubelet reports). */
  startTime: number;
  annotations: Readonly<Record<string, string>>;
}

/** One pod's usage averaged over the interval since the previous sample. */
export interface PodUsage {
  uid: string;
  /** Millicores; undefined on a cgroup source's first sample of the pod (a rate needs two readings). */
  milliCpu?: number;
  /** Working set in bytes (`memory.current − inactive_file`, as the kubelet counts it). */
  memory: number;
}

/** Pressure stall information (PSI): the share of wall time in which some / all tasks stalled, in percent. */
export interface Pressure {
  someAvg10: number;
  fullAvg10?: number;
}

/** Everything one source measured on its node at one instant. */
export interface NodeSample {
  /** ms since the epoch. */
  at: number;
  /** By pod uid; pods without a cgroup (yet) are absent. */
  pods: Map<string, PodUsage>;
  cpuPressure?: Pressure;
  memoryPressure?: Pressure;
  /** `/proc/loadavg`'s 1- and 5-minute averages (runnable tasks, not cores). */
  load1?: number;
  load5?: number;
  /** Cumulative throttling of the reclaimed (BestEffort) slice: periods throttled and time throttled. */
  reclaimedThrottle?: { nrThrottled: number; throttledUsec: number };
}

/** A node's metrics: `pods` are the pods the apiserver places on that node right now. */
export interface MetricsSource {
  sample(pods: readonly PodFacts[], now: number): Promise<NodeSample>;
}
