import type { Member, NodeInfo, Taint, Toleration } from '../../scheduler/core/types.ts';

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
  obj(): Member {
    return structuredClone(this.m);
  }
}

export const makeNode = (): NodeBuilder => new NodeBuilder();
export const makeMember = (): MemberBuilder => new MemberBuilder();
