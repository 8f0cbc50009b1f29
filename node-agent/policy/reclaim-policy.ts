/**
 * How much of a node batch may run on: the reclaim policy, pure and per node.
 *
 *     reclaimable = allocatable − reserve − Σ estimate(online pod)
 *     estimate    = max(usage × margin, peak usage over the window)      (request while a pod has no usage yet)
 *
 * then smoothed: a smaller value is published at once (online needs it back now), a larger one grows by at most
 * `growPerMinute` of allocatable per minute (a brief lull in online load must not invite a wave of batch that the
 * next peak evicts). CPU and memory are computed the same way with their own margin. docs/reclaimed-capacity.md
 * works one node through by hand; the unit tests check the same numbers.
 */

/** A pair of amounts: millicores and bytes. */
export interface Amounts {
  milliCpu: number;
  memory: number;
}

/** Knobs of the policy; {@link DEFAULT_RECLAIM_POLICY} holds the defaults `loom node-agent` uses. */
export interface ReclaimPolicyOptions {
  /** Share of allocatable never published (system daemons, the agent itself, headroom against surprises). */
  reserveFraction: Amounts;
  /** Multiplier on current usage (Katalyst's canonical estimate uses 1.25 for cpu). */
  cpuMargin: number;
  memoryMargin: number;
  /** How long a usage peak keeps holding its capacity back, ms. */
  peakWindowMs: number;
  /** Fastest growth of the published amount: this share of allocatable per minute. */
  growPerMinute: number;
}

export const DEFAULT_RECLAIM_POLICY: ReclaimPolicyOptions = {
  reserveFraction: { milliCpu: 0.05, memory: 0.05 },
  cpuMargin: 1.25,
  memoryMargin: 1.1,
  peakWindowMs: 5 * 60_000,
  growPerMinute: 0.25,
};

/** An online pod as the policy sees it: its request, and its usage now (absent before the first measurement). */
export interface OnlinePodUsage {
  uid: string;
  request: Amounts;
  usage?: { milliCpu?: number; memory?: number };
}

/** The result of one step, with the terms of the formula so logs, metrics and docs can show the working. */
export interface ReclaimDecision {
  /** What to publish now. */
  published: Amounts;
  /** allocatable − reserve − Σ estimate, floored at 0, before smoothing. */
  raw: Amounts;
  reserve: Amounts;
  /** Σ estimate over online pods. */
  onlineEstimate: Amounts;
  /** Σ current usage over online pods (request where unmeasured). */
  onlineUsage: Amounts;
}

interface PeakPoint {
  at: number;
  milliCpu: number;
  memory: number;
}

/**
 * One node's reclaim state: usage peaks per online pod over the window and the last published amounts. Call
 * {@link step} once per sample.
 */
export class ReclaimPolicy {
  private readonly peaks = new Map<string, PeakPoint[]>();
  private last: { at: number; published: Amounts } | undefined;

  constructor(private readonly o: ReclaimPolicyOptions = DEFAULT_RECLAIM_POLICY) {}

  /**
   * Starts from what the node already shows (an agent restarted mid-flight): growth from there stays slow, so a
   * restart never publishes more at once than the previous agent did.
   */
  resume(published: Amounts, at: number): void {
    this.last = { at, published: { ...published } };
  }

  step(allocatable: Amounts, online: readonly OnlinePodUsage[], now: number): ReclaimDecision {
    const reserve = {
      milliCpu: Math.ceil(allocatable.milliCpu * this.o.reserveFraction.milliCpu),
      memory: Math.ceil(allocatable.memory * this.o.reserveFraction.memory),
    };
    const estimate = { milliCpu: 0, memory: 0 };
    const usage = { milliCpu: 0, memory: 0 };
    const seen = new Set<string>();
    for (const pod of online) {
      seen.add(pod.uid);
      const cpu = pod.usage?.milliCpu;
      const mem = pod.usage?.memory;
      const peak = this.recordPeak(pod.uid, now, cpu, mem);
      // No measurement yet: the request is the only honest guess (Katalyst falls back the same way).
      usage.milliCpu += cpu ?? pod.request.milliCpu;
      usage.memory += mem ?? pod.request.memory;
      estimate.milliCpu += cpu === undefined ? pod.request.milliCpu : Math.max(cpu * this.o.cpuMargin, peak.milliCpu);
      estimate.memory += mem === undefined ? pod.request.memory : Math.max(mem * this.o.memoryMargin, peak.memory);
    }
    for (const uid of this.peaks.keys()) if (!seen.has(uid)) this.peaks.delete(uid);
    const raw = {
      milliCpu: Math.max(0, Math.floor(allocatable.milliCpu - reserve.milliCpu - estimate.milliCpu)),
      memory: Math.max(0, Math.floor(allocatable.memory - reserve.memory - estimate.memory)),
    };
    const published = this.smooth(raw, allocatable, now);
    this.last = { at: now, published };
    return {
      published,
      raw,
      reserve,
      onlineEstimate: { milliCpu: Math.ceil(estimate.milliCpu), memory: Math.ceil(estimate.memory) },
      onlineUsage: { milliCpu: Math.round(usage.milliCpu), memory: Math.round(usage.memory) },
    };
  }

  /** The peak over the window including this sample (0 for an unmeasured resource). */
  private recordPeak(uid: string, now: number, milliCpu?: number, memory?: number): Amounts {
    let points = this.peaks.get(uid);
    if (!points) this.peaks.set(uid, (points = []));
    points.push({ at: now, milliCpu: milliCpu ?? 0, memory: memory ?? 0 });
    const from = now - this.o.peakWindowMs;
    let drop = 0;
    while (drop < points.length - 1 && points[drop]!.at < from) drop++;
    if (drop > 0) points.splice(0, drop);
    let c = 0;
    let m = 0;
    for (const p of points) {
      if (p.milliCpu > c) c = p.milliCpu;
      if (p.memory > m) m = p.memory;
    }
    return { milliCpu: c, memory: m };
  }

  private smooth(raw: Amounts, allocatable: Amounts, now: number): Amounts {
    if (!this.last) return raw;
    const minutes = Math.max(0, now - this.last.at) / 60_000;
    const grow = (prev: number, next: number, alloc: number): number =>
      next <= prev ? next : Math.min(next, Math.floor(prev + alloc * this.o.growPerMinute * minutes));
    return {
      milliCpu: grow(this.last.published.milliCpu, raw.milliCpu, allocatable.milliCpu),
      memory: grow(this.last.published.memory, raw.memory, allocatable.memory),
    };
  }
}
