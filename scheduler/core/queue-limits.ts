import type { QueueTier } from '../../api/queue.ts';
import type { Resources } from './types.ts';
import type { QueueInfo } from './unit.ts';

/** A queue's spec reduced to what limits need: explicit resources or percentages of the parent. */
export interface QueueLimitSpec {
  name: string;
  parent?: string;
  tier: QueueTier;
  running: boolean;
  guaranteed?: Resources;
  max?: Resources;
  /** Percent of the parent's guarantee (YARN capacity). */
  capacity?: number;
  /** Percent of the parent's max (YARN maximum-capacity). */
  maximumCapacity?: number;
}

/** Cluster totals per tier: reserved queues run on online allocatable, spot queues on reclaimed capacity. */
export type TierTotals = Record<QueueTier, Resources>;

const UNLIMITED: Resources = {
  milliCpu: Number.POSITIVE_INFINITY,
  memory: Number.POSITIVE_INFINITY,
  pods: Number.POSITIVE_INFINITY,
};
const scale = (r: Resources, pct: number): Resources => ({
  milliCpu: (r.milliCpu * pct) / 100,
  memory: (r.memory * pct) / 100,
  pods: (r.pods * pct) / 100,
});

/**
 * Absolute limits of every queue, as YARN's CapacityScheduler computes absolute capacities: a queue's percentages
 * apply to its parent's absolute guarantee and max, down from the root, whose total is the cluster capacity of the
 * child's tier. Explicit `guaranteed`/`max` win over percentages. The root itself is not limited beyond the nodes.
 */
export function resolveQueueLimits(specs: readonly QueueLimitSpec[], totals: TierTotals): QueueInfo[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const memo = new Map<string, { guaranteed: Resources; max: Resources }>();
  const resolve = (s: QueueLimitSpec, depth: number): { guaranteed: Resources; max: Resources } => {
    const known = memo.get(s.name);
    if (known) return known;
    const parent = s.parent ? byName.get(s.parent) : undefined;
    let out: { guaranteed: Resources; max: Resources };
    if (!parent || depth > 32) {
      out = { guaranteed: UNLIMITED, max: UNLIMITED };
    } else {
      const pl = resolve(parent, depth + 1);
      const base = parent.parent ? pl : { guaranteed: totals[s.tier], max: totals[s.tier] };
      out = {
        guaranteed: s.guaranteed ?? scale(base.guaranteed, s.capacity ?? 0),
        max: s.max ?? scale(base.max, s.maximumCapacity ?? 100),
      };
    }
    memo.set(s.name, out);
    return out;
  };
  return specs.map((s) => ({
    name: s.name,
    ...(s.parent ? { parent: s.parent } : {}),
    ...resolve(s, 0),
    running: s.running,
  }));
}
