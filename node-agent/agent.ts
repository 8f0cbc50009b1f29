import type { MetricsSource, NodeSample, PodFacts } from './metrics/source.ts';
import {
  EvictionPolicy,
  type EvictionPolicyOptions,
  type ReclaimedPod,
  type Victim,
} from './policy/eviction-policy.ts';
import {
  ReclaimPolicy,
  type Amounts,
  type ReclaimDecision,
  type ReclaimPolicyOptions,
} from './policy/reclaim-policy.ts';

/** A node as the agent knows it from the apiserver. */
export interface NodeFacts {
  name: string;
  /** `cpu`/`memory` allocatable (what online pods are scheduled against). */
  allocatable: Amounts;
  /** The reclaimed allocatable the node shows now (a previous agent's report), if any. */
  published?: Amounts;
  /** ms; when that report was made. */
  reportTime?: number;
}

/** Writes what the agent publishes onto the Node. */
export interface ReclaimReporter {
  /**
   * `allocatable` is what batch may use now; `capacity` what it could use with online pods idle (allocatable −
   * reserve), so `kubectl describe node` shows both the ceiling and the current share.
   */
  report(node: string, allocatable: Amounts, capacity: Amounts, now: number, onlineUsage: Amounts): Promise<void>;
}

/** Takes a `reclaimed_cores` pod off the node. */
export interface Evictor {
  /** `blocked`: a PodDisruptionBudget refused; the agent tries again on a later sample. */
  evict(node: string, victim: Victim): Promise<'evicted' | 'blocked' | 'gone'>;
}

/** Applies the published amount to the node's own cgroups (real nodes only). */
export interface Enforcer {
  apply(o: { reclaimedMilliCpu: number | undefined }): Promise<unknown>;
}

/** What one sample of one node came to; the metrics and logs read it. */
export interface TickResult {
  node: string;
  allocatable: Amounts;
  decision: ReclaimDecision;
  /** Σ usage of the node's running `reclaimed_cores` pods. */
  reclaimedUsage: Amounts;
  reclaimedPods: number;
  victims: Victim[];
  evicted: number;
  sample: NodeSample;
}

/** Options of one node's agent. */
export interface NodeAgentOptions {
  reclaim: ReclaimPolicyOptions;
  eviction: EvictionPolicyOptions;
}

/**
 * The agent of one node: sample → reclaim policy → publish → eviction policy → evict → enforce, once per call of
 * {@link tick}. It publishes before it evicts, so a shrinking report reaches the scheduler before the capacity frees
 * up and no new batch pod is placed into the room being taken back.
 */
export class NodeAgent {
  private readonly reclaim: ReclaimPolicy;
  private readonly eviction: EvictionPolicy;
  /** Pods this agent asked to evict: they are leaving, so neither counted nor chosen again. */
  private readonly leaving = new Map<string, number>();
  private resumed = false;

  constructor(
    readonly nodeName: string,
    private readonly source: MetricsSource,
    private readonly reporter: ReclaimReporter,
    private readonly evictor: Evictor,
    o: NodeAgentOptions,
    private readonly enforcer?: Enforcer,
  ) {
    this.reclaim = new ReclaimPolicy(o.reclaim);
    this.eviction = new EvictionPolicy(o.eviction);
  }

  async tick(node: NodeFacts, pods: readonly PodFacts[], now: number): Promise<TickResult> {
    if (!this.resumed) {
      if (node.published) this.reclaim.resume(node.published, node.reportTime ?? now);
      this.resumed = true;
    }
    const present = new Set(pods.map((p) => p.uid));
    for (const [uid, since] of this.leaving) if (!present.has(uid) || now - since > 120_000) this.leaving.delete(uid);

    const sample = await this.source.sample(pods, now);
    const online = pods
      .filter((p) => p.qos !== 'reclaimed_cores')
      .map((p) => {
        const u = sample.pods.get(p.uid);
        return { uid: p.uid, request: p.requests, ...(u ? { usage: u } : {}) };
      });
    const decision = this.reclaim.step(node.allocatable, online, now);
    const capacity = {
      milliCpu: Math.max(0, node.allocatable.milliCpu - decision.reserve.milliCpu),
      memory: Math.max(0, node.allocatable.memory - decision.reserve.memory),
    };
    await this.reporter.report(node.name, decision.published, capacity, now, decision.onlineUsage);

    const reclaimed: ReclaimedPod[] = [];
    const reclaimedUsage = { milliCpu: 0, memory: 0 };
    for (const p of pods) {
      if (p.qos !== 'reclaimed_cores' || this.leaving.has(p.uid)) continue;
      const u = sample.pods.get(p.uid);
      const usage = { milliCpu: u?.milliCpu ?? p.requests.milliCpu, memory: u?.memory ?? p.requests.memory };
      reclaimedUsage.milliCpu += usage.milliCpu;
      reclaimedUsage.memory += usage.memory;
      reclaimed.push({
        uid: p.uid,
        namespace: p.namespace,
        name: p.name,
        priority: p.priority,
        startTime: p.startTime,
        usage,
      });
    }
    const victims = this.eviction.step(node.name, {
      allocatable: node.allocatable,
      onlineUsage: decision.onlineUsage,
      reclaimed,
      ...(sample.memoryPressure ? { memoryPressure: sample.memoryPressure.someAvg10 } : {}),
    });
    for (const v of victims) this.leaving.set(v.pod.uid, now);
    const outcomes = await Promise.all(victims.map((v) => this.evictor.evict(node.name, v)));
    victims.forEach((v, i) => {
      // A refused eviction stays a candidate: the next sample decides again with fresh numbers.
      if (outcomes[i] === 'blocked') this.leaving.delete(v.pod.uid);
    });
    await this.enforcer?.apply({ reclaimedMilliCpu: decision.published.milliCpu });
    return {
      node: node.name,
      allocatable: node.allocatable,
      decision,
      reclaimedUsage,
      reclaimedPods: reclaimed.length,
      victims,
      evicted: outcomes.filter((o) => o === 'evicted').length,
      sample,
    };
  }
}
