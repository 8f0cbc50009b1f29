import type { Resources } from './types.ts';

/** A gang as the scheduler sees it: from a SchedulingUnit, or a lone pod (a unit of one). */
export interface UnitInfo {
  /** `namespace/name` of the SchedulingUnit, or `pod:namespace/name` for a lone pod. */
  key: string;
  namespace: string;
  name: string;
  /** The object's uid, so events attach to it (`kubectl describe` matches on it). */
  uid?: string;
  /** Leaf queue; absent for online pods, which no queue limits. */
  queue?: string;
  priority: number;
  /** Members placed together or not at all. */
  minMember: number;
  /** Seconds a unit may stay pending before it times out; absent: never. */
  timeoutSeconds?: number;
  mode: 'hard' | 'soft';
  /** Creation time (ms): age breaks ties in the dispatcher's order. */
  createdAt: number;
  /** Set once the unit timed out or failed for good; the scheduler no longer places its members. */
  finished?: boolean;
  /**
   * No SchedulingUnit of this key is known: its pods named it before the object reached us (informers deliver units
   * and pods in any order, and a unit may be created after its pods), or it was deleted while they waited. The rest
   * of the description is a stand-in; such a unit is never placed, and what is said about it goes on its pods.
   */
  missing?: boolean;
}

/** The key of a lone pod's unit. */
export const loneUnitKey = (namespace: string, name: string): string => `pod:${namespace}/${name}`;

/** A queue's limits in absolute resources (the adapter resolves percentages against the cluster). */
export interface QueueInfo {
  name: string;
  parent?: string;
  /** Always available to the queue. */
  guaranteed: Resources;
  /** Upper bound including what it borrows from idle queues. */
  max: Resources;
  /** Whether the queue accepts new units (YARN STOPPED queues do not). */
  running: boolean;
}

/** Dominant share: the largest fraction of its guaranteed resources a queue uses (DRF against guarantees). */
export function dominantShare(used: Resources, guaranteed: Resources): number {
  const share = (u: number, g: number): number => (g > 0 ? u / g : u > 0 ? Number.POSITIVE_INFINITY : 0);
  return Math.max(share(used.milliCpu, guaranteed.milliCpu), share(used.memory, guaranteed.memory));
}

const MI = 1024 * 1024;

/** Which dimension of `used + extra` exceeds `max`, if any, with the figures a user needs to see why. */
export function exceeds(used: Resources, extra: Resources, max: Resources): string | undefined {
  if (used.milliCpu + extra.milliCpu > max.milliCpu) {
    return `cpu: uses ${Math.round(used.milliCpu)}m, unit asks ${Math.round(extra.milliCpu)}m, max ${Math.floor(max.milliCpu)}m`;
  }
  if (used.memory + extra.memory > max.memory) {
    const mi = (b: number): string => `${Math.round(b / MI)}Mi`;
    return `memory: uses ${mi(used.memory)}, unit asks ${mi(extra.memory)}, max ${mi(Math.floor(max.memory))}`;
  }
  return undefined;
}
