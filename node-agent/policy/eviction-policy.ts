import type { Amounts } from './reclaim-policy.ts';

/**
 * When the node agent takes reclaimed capacity back by force, and from whom: pure and per node.
 *
 * CPU: when online usage plus reclaimed usage stays above `cpuThreshold` of allocatable for `cpuSamples` samples in
 * a row (one busy sample is what throttling is for). Memory: at once, when online plus reclaimed working sets pass
 * `memoryThreshold` of allocatable or the kernel reports memory stalls (PSI `some avg10`) above
 * `memoryPressurePercent`: memory cannot be throttled, only reclaimed by the OOM killer, and that one does not ask
 * which pod is online. Victims are `reclaimed_cores` pods, lowest priority first, youngest first among equals (the
 * least work lost), until the projected usage is back under the threshold. Online pods are never chosen.
 *
 * Keep `cpuThreshold ≥ 1 − reserve share` (0.95 with the default 5 % reserve): the reclaim policy leaves
 * `reserve + (estimate − usage)` free, so a node filled with batch up to what was published stays under it, and the
 * agent never evicts what it just published.
 */
export interface EvictionPolicyOptions {
  cpuThreshold: number;
  cpuSamples: number;
  memoryThreshold: number;
  memoryPressurePercent: number;
}

export const DEFAULT_EVICTION_POLICY: EvictionPolicyOptions = {
  cpuThreshold: 0.95,
  cpuSamples: 2,
  memoryThreshold: 0.95,
  memoryPressurePercent: 10,
};

/** A running `reclaimed_cores` pod; `usage` is measured, or its request where unmeasured. */
export interface ReclaimedPod {
  uid: string;
  namespace: string;
  name: string;
  priority: number;
  /** ms since the epoch. */
  startTime: number;
  usage: Amounts;
}

/** One node's situation at one sample. */
export interface EvictionInput {
  allocatable: Amounts;
  onlineUsage: Amounts;
  reclaimed: readonly ReclaimedPod[];
  /** PSI memory `some avg10`, percent; absent where the source has none (kwok nodes). */
  memoryPressure?: number;
}

export interface Victim {
  pod: ReclaimedPod;
  /** `cpu` or `memory`: what online pods needed back. */
  resource: 'cpu' | 'memory';
  /** A sentence for the pod's status, its event and the YARN container diagnostics. */
  reason: string;
}

/** Youngest-lowest first: the order victims are taken in. */
export function victimOrder(a: ReclaimedPod, b: ReclaimedPod): number {
  return a.priority - b.priority || b.startTime - a.startTime || a.uid.localeCompare(b.uid);
}

const cores = (m: number): string => `${m}m`;
const gib = (b: number): string => `${(b / 1024 ** 3).toFixed(2)}Gi`;

/** Decides evictions sample by sample; holds the consecutive-busy-samples count of one node. */
export class EvictionPolicy {
  private busyCpuSamples = 0;

  constructor(private readonly o: EvictionPolicyOptions = DEFAULT_EVICTION_POLICY) {}

  step(nodeName: string, input: EvictionInput): Victim[] {
    const { allocatable, onlineUsage, reclaimed } = input;
    const order = [...reclaimed].sort(victimOrder);
    const victims: Victim[] = [];
    const taken = new Set<string>();

    const memLimit = allocatable.memory * this.o.memoryThreshold;
    let memUsed = onlineUsage.memory + reclaimed.reduce((n, p) => n + p.usage.memory, 0);
    const stalled = input.memoryPressure !== undefined && input.memoryPressure > this.o.memoryPressurePercent;
    if (memUsed > memLimit || stalled) {
      const why = stalled
        ? `memory stalls on node ${nodeName} (PSI some avg10 ${input.memoryPressure!.toFixed(1)}% > ${this.o.memoryPressurePercent}%)`
        : `memory on node ${nodeName} is needed by online pods (online ${gib(onlineUsage.memory)} + reclaimed ${gib(memUsed - onlineUsage.memory)} > ${Math.round(this.o.memoryThreshold * 100)}% of ${gib(allocatable.memory)})`;
      // Under stalls, one pod per sample: PSI cannot say how much must go, and the next sample shows the effect.
      for (const pod of order) {
        if (!(stalled ? victims.length === 0 : memUsed > memLimit)) break;
        victims.push({ pod, resource: 'memory', reason: `Evicted by the Loom node agent: ${why}` });
        taken.add(pod.uid);
        memUsed -= pod.usage.memory;
      }
    }

    const cpuLimit = allocatable.milliCpu * this.o.cpuThreshold;
    const reclaimedCpu = reclaimed.reduce((n, p) => n + p.usage.milliCpu, 0);
    let cpuUsed = onlineUsage.milliCpu + reclaimedCpu;
    this.busyCpuSamples = cpuUsed > cpuLimit && reclaimed.length > 0 ? this.busyCpuSamples + 1 : 0;
    if (this.busyCpuSamples >= this.o.cpuSamples) {
      const why = `cpu on node ${nodeName} is needed by online pods (online ${cores(onlineUsage.milliCpu)} + reclaimed ${cores(reclaimedCpu)} > ${Math.round(this.o.cpuThreshold * 100)}% of ${cores(allocatable.milliCpu)})`;
      for (const p of victims) cpuUsed -= p.pod.usage.milliCpu;
      for (const pod of order) {
        if (cpuUsed <= cpuLimit) break;
        if (taken.has(pod.uid)) continue;
        victims.push({ pod, resource: 'cpu', reason: `Evicted by the Loom node agent: ${why}` });
        cpuUsed -= pod.usage.milliCpu;
      }
      this.busyCpuSamples = 0;
    }
    return victims;
  }
}
