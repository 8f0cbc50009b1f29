import {
  type V1Node,
  type V1Pod,
  type V1PodAffinityTerm,
  type V1PodDisruptionBudget,
  type V1ResourceRequirements,
} from '@kubernetes/client-node';
import {
  DEFAULT_QOS_LEVEL,
  PLACEHOLDER_LABEL,
  QOS_LEVEL_ANNOTATION,
  QOS_LEVELS,
  RECLAIMED_MEMORY,
  RECLAIMED_MILLICPU,
  RECLAIMED_REPORT_TIME_ANNOTATION,
  UNIT_LABEL,
  UNIT_ROLE_LABEL,
  type QosLevel,
} from '../../api/names.ts';
import { parseBytes, parseMilliCpu, parseQuantity } from '../../api/quantity.ts';
import type { QueueTier } from '../../api/queue.ts';
import type { NodeFacts } from '../core/cache.ts';
import type { QueueLimitSpec } from '../core/queue-limits.ts';
import type {
  DisruptionBudget,
  Member,
  PodAntiAffinityTerm,
  Resources,
  SelectorRequirement,
  Taint,
  Toleration,
} from '../core/types.ts';
import type { UnitInfo } from '../core/unit.ts';

const num = (q: string | number | undefined, parse: (v: string | number) => bigint): number => {
  if (q === undefined) return 0;
  try {
    return Number(parse(q));
  } catch {
    return 0;
  }
};
const ms = (t: Date | string | undefined): number | undefined => (t === undefined ? undefined : new Date(t).getTime());

/** Node facts the scheduler needs: allocatable (online and reclaimed), labels, taints, cordon, report time. */
export function nodeFacts(n: V1Node): NodeFacts {
  const a = n.status?.allocatable ?? {};
  const reportTime = ms(n.metadata?.annotations?.[RECLAIMED_REPORT_TIME_ANNOTATION]);
  return {
    name: n.metadata?.name ?? '',
    labels: n.metadata?.labels ?? {},
    taints: (n.spec?.taints ?? []).map((t): Taint => ({
      key: t.key,
      ...(t.value ? { value: t.value } : {}),
      effect: t.effect as Taint['effect'],
    })),
    unschedulable: n.spec?.unschedulable === true,
    allocatable: {
      milliCpu: num(a.cpu, parseMilliCpu),
      memory: num(a.memory, parseBytes),
      pods: num(a.pods ?? '110', parseBytes),
    },
    // reclaimed_millicpu is a count of millicores, like Katalyst publishes it.
    reclaimedAllocatable: {
      milliCpu: num(a[RECLAIMED_MILLICPU], parseBytes),
      memory: num(a[RECLAIMED_MEMORY], parseBytes),
    },
    ...(reportTime !== undefined && !Number.isNaN(reportTime) ? { reclaimedReportTime: reportTime } : {}),
  };
}

const qosOf = (p: V1Pod): QosLevel => {
  const v = p.metadata?.annotations?.[QOS_LEVEL_ANNOTATION];
  return (QOS_LEVELS as readonly string[]).includes(v ?? '') ? (v as QosLevel) : DEFAULT_QOS_LEVEL;
};

/** What a pod requests: the sum of its containers, or its largest init container when that is larger (kubelet rule). */
export function podRequests(p: V1Pod, qos: QosLevel): Resources {
  const of = (r: V1ResourceRequirements | undefined): { milliCpu: number; memory: number } => {
    const req = { ...(r?.limits ?? {}), ...(r?.requests ?? {}) };
    return qos === 'reclaimed_cores'
      ? { milliCpu: num(req[RECLAIMED_MILLICPU], parseBytes), memory: num(req[RECLAIMED_MEMORY], parseBytes) }
      : { milliCpu: num(req.cpu, parseMilliCpu), memory: num(req.memory, parseBytes) };
  };
  let cpu = 0;
  let mem = 0;
  for (const c of p.spec?.containers ?? []) {
    const r = of(c.resources);
    cpu += r.milliCpu;
    mem += r.memory;
  }
  for (const c of p.spec?.initContainers ?? []) {
    const r = of(c.resources);
    cpu = Math.max(cpu, r.milliCpu);
    mem = Math.max(mem, r.memory);
  }
  return { milliCpu: cpu, memory: mem, pods: 1 };
}

const requirement = (e: { key: string; operator: string; values?: string[] }): SelectorRequirement => ({
  key: e.key,
  operator: e.operator as SelectorRequirement['operator'],
  ...(e.values ? { values: e.values } : {}),
});

const antiAffinityTerm = (t: V1PodAffinityTerm): PodAntiAffinityTerm => ({
  selector: {
    ...(t.labelSelector?.matchLabels ? { matchLabels: t.labelSelector.matchLabels } : {}),
    ...(t.labelSelector?.matchExpressions
      ? { matchExpressions: t.labelSelector.matchExpressions.map(requirement) }
      : {}),
  },
  topologyKey: t.topologyKey,
  ...(t.namespaces?.length ? { namespaces: t.namespaces } : {}),
});

/** A pod as a member to place; its unit comes from Loom's label, or Gödel's / scheduler-plugins' gang labels. */
export function podMember(p: V1Pod): Member {
  const ns = p.metadata?.namespace ?? 'default';
  const labels = p.metadata?.labels ?? {};
  const qos = qosOf(p);
  const unit = labels[UNIT_LABEL];
  const required = p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const anti = p.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const created = ms(p.metadata?.creationTimestamp);
  return {
    namespace: ns,
    name: p.metadata?.name ?? '',
    ...(p.metadata?.uid ? { uid: p.metadata.uid } : {}),
    labels,
    qos,
    requests: podRequests(p, qos),
    priority: p.spec?.priority ?? 0,
    nodeSelector: p.spec?.nodeSelector ?? {},
    tolerations: (p.spec?.tolerations ?? []).map((t) => t as Toleration),
    ...(required
      ? {
          nodeAffinity: {
            terms: required.nodeSelectorTerms.map((t) => ({
              matchExpressions: (t.matchExpressions ?? []).map(requirement),
            })),
          },
        }
      : {}),
    ...(anti?.length ? { podAntiAffinity: anti.map(antiAffinityTerm) } : {}),
    ...(unit ? { unit: `${ns}/${unit}` } : {}),
    ...(labels[UNIT_ROLE_LABEL] ? { role: labels[UNIT_ROLE_LABEL] } : {}),
    ...(labels[PLACEHOLDER_LABEL] === 'true' ? { placeholder: true } : {}),
    ...(created !== undefined ? { createdAt: created } : {}),
  };
}

/** A SchedulingUnit object as the dispatcher's unit. */
export interface UnitObject {
  metadata?: { name?: string; namespace?: string; uid?: string; creationTimestamp?: string | Date };
  spec?: { queue?: string; priority?: number; minMember?: number; timeoutSeconds?: number; mode?: string };
  status?: { phase?: string; conditions?: Record<string, unknown>[] };
}

export function unitInfo(u: UnitObject): UnitInfo {
  const ns = u.metadata?.namespace ?? 'default';
  const name = u.metadata?.name ?? '';
  const phase = u.status?.phase;
  return {
    key: `${ns}/${name}`,
    namespace: ns,
    name,
    ...(u.metadata?.uid ? { uid: u.metadata.uid } : {}),
    queue: u.spec?.queue ?? 'default',
    priority: u.spec?.priority ?? 0,
    minMember: Math.max(1, u.spec?.minMember ?? 1),
    timeoutSeconds: u.spec?.timeoutSeconds ?? 300,
    mode: u.spec?.mode === 'soft' ? 'soft' : 'hard',
    createdAt: ms(u.metadata?.creationTimestamp) ?? 0,
    ...(phase === 'TimedOut' || phase === 'Failed' || phase === 'Succeeded' ? { finished: true } : {}),
  };
}

/** A Queue object reduced to what its limits need. */
export interface QueueObject {
  metadata?: { name?: string };
  spec?: {
    parent?: string;
    tier?: string;
    state?: string;
    capacity?: number;
    maximumCapacity?: number;
    guaranteed?: Record<string, string | number>;
    max?: Record<string, string | number>;
  };
}

const resourcesOf = (r: Record<string, string | number> | undefined, tier: QueueTier): Resources | undefined => {
  if (!r) return undefined;
  const cpu = tier === 'spot' ? (r[RECLAIMED_MILLICPU] ?? undefined) : r.cpu;
  const mem = tier === 'spot' ? (r[RECLAIMED_MEMORY] ?? r.memory) : r.memory;
  return {
    milliCpu:
      tier === 'spot' && r[RECLAIMED_MILLICPU] === undefined
        ? num(r.cpu, parseMilliCpu)
        : num(cpu, tier === 'spot' ? (v) => parseQuantity(v) : parseMilliCpu),
    memory: num(mem, parseBytes),
    pods: Number.POSITIVE_INFINITY,
  };
};

export function queueLimitSpec(q: QueueObject): QueueLimitSpec {
  const tier: QueueTier = q.spec?.tier === 'reserved' ? 'reserved' : 'spot';
  const guaranteed = resourcesOf(q.spec?.guaranteed, tier);
  const max = resourcesOf(q.spec?.max, tier);
  return {
    name: q.metadata?.name ?? '',
    ...(q.spec?.parent ? { parent: q.spec.parent } : {}),
    tier,
    running: q.spec?.state !== 'STOPPED',
    ...(guaranteed ? { guaranteed } : {}),
    ...(max ? { max } : {}),
    ...(q.spec?.capacity !== undefined ? { capacity: q.spec.capacity } : {}),
    ...(q.spec?.maximumCapacity !== undefined ? { maximumCapacity: q.spec.maximumCapacity } : {}),
  };
}

/**
 * A PodDisruptionBudget as preemption weighs it. policy/v1: an empty selector selects every pod of the namespace, an
 * absent one none (such a budget then constrains nothing: unlimited disruptions).
 */
export function disruptionBudget(b: V1PodDisruptionBudget): DisruptionBudget {
  const namespace = b.metadata?.namespace ?? 'default';
  const sel = b.spec?.selector;
  return {
    key: `${namespace}/${b.metadata?.name ?? ''}`,
    namespace,
    selector: {
      ...(sel?.matchLabels ? { matchLabels: sel.matchLabels } : {}),
      ...(sel?.matchExpressions
        ? {
            matchExpressions: sel.matchExpressions.map((e) => ({
              key: e.key,
              operator: e.operator as SelectorRequirement['operator'],
              ...(e.values ? { values: e.values } : {}),
            })),
          }
        : {}),
    },
    disruptionsAllowed: sel ? (b.status?.disruptionsAllowed ?? 0) : Number.POSITIVE_INFINITY,
  };
}
