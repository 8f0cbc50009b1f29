import type {
  Member,
  NodeInfo,
  PodAntiAffinityTerm,
  SelectorRequirement,
  Taint,
  Toleration,
} from '../../scheduler/core/types.ts';

const GI = 1024 ** 3;

/** Fluent builders for scheduler tests (kube-scheduler's `st.MakePod()` style). */
export class NodeBuilder {
  private readonly n: NodeInfo = {
    name: 'node-0',
    labels: {},
    taints: [],
    unschedulable: false,
    allocatable: { milliCpu: 32_000, memory: 128 * GI, pods: 110 },
    reclaimedAllocatable: { milliCpu: 0, memory: 0 },
    requested: { milliCpu: 0, memory: 0, pods: 0 },
    reclaimedRequested: { milliCpu: 0, memory: 0 },
  };
  name(v: string): this {
    this.n.name = v;
    return this;
  }
  label(k: string, v: string): this {
    this.n.labels[k] = v;
    return this;
  }
  taint(t: Taint): this {
    this.n.taints.push(t);
    return this;
  }
  cordoned(): this {
    this.n.unschedulable = true;
    return this;
  }
  online(milliCpu: number, gib: number, pods = 0): this {
    this.n.requested = { milliCpu, memory: gib * GI, pods };
    return this;
  }
  reclaimed(milliCpu: number, gib: number, reportedAt: number): this {
    this.n.reclaimedAllocatable = { milliCpu, memory: gib * GI };
    this.n.reclaimedReportTime = reportedAt;
    return this;
  }
  reclaimedUsed(milliCpu: number, gib: number): this {
    this.n.reclaimedRequested = { milliCpu, memory: gib * GI };
    return this;
  }
  /** A pod placed on the node, as the affinity plugins see it; its requests are not counted (use `online`). */
  pod(key: string, namespace: string, labels: Record<string, string>): this {
    (this.n.pods ??= new Map()).set(key, { namespace, labels: { ...labels } });
    return this;
  }
  obj(): NodeInfo {
    return structuredClone(this.n);
  }
}

export class MemberBuilder {
  private readonly m: Member = {
    namespace: 'default',
    name: 'pod-0',
    qos: 'shared_cores',
    requests: { milliCpu: 1000, memory: GI, pods: 1 },
    priority: 0,
    nodeSelector: {},
    tolerations: [],
  };
  name(v: string): this {
    this.m.name = v;
    return this;
  }
  namespace(v: string): this {
    this.m.namespace = v;
    return this;
  }
  labels(labels: Record<string, string>): this {
    this.m.labels = { ...this.m.labels, ...labels };
    return this;
  }
  reclaimed(): this {
    this.m.qos = 'reclaimed_cores';
    return this;
  }
  req(milliCpu: number, gib: number): this {
    this.m.requests = { milliCpu, memory: gib * GI, pods: 1 };
    return this;
  }
  selector(k: string, v: string): this {
    this.m.nodeSelector[k] = v;
    return this;
  }
  tolerate(t: Toleration): this {
    this.m.tolerations.push(t);
    return this;
  }
  /** Adds one required node affinity term (ORed with earlier ones) whose expressions are ANDed. */
  affinity(...matchExpressions: SelectorRequirement[]): this {
    (this.m.nodeAffinity ??= { terms: [] }).terms.push({ matchExpressions });
    return this;
  }
  /** Adds one required pod anti-affinity term. */
  antiAffinity(term: PodAntiAffinityTerm): this {
    (this.m.podAntiAffinity ??= []).push(term);
    return this;
  }
  obj(): Member {
    return structuredClone(this.m);
  }
}

export const makeNode = (): NodeBuilder => new NodeBuilder();
export const makeMember = (): MemberBuilder => new MemberBuilder();
