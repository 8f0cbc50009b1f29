/**
 * What the web UI shows of the cluster, computed from what the UI's cluster source reads (no Kubernetes here, so it
 * is unit-tested with plain objects). The split of each node is `api/utilization.ts`'s, through `loom top`'s rows:
 * this module only adds totals, shares and the pending units' reasons.
 */
import type { SchedulingUnit } from '../../api/scheduling-unit.ts';
import { UNIT_CONDITIONS } from '../../api/names.ts';
import { sumUtilization, type NodeUtilization } from '../../api/utilization.ts';

/** One node's cpu split in millicores: the shape of `loom top`'s rows (`api/k8s/cluster-utilization.ts`). */
export interface UiNode extends NodeUtilization {
  name: string;
  /** Pods bound to the node that count as online and as batch (`reclaimed_cores`). */
  pods: { online: number; batch: number };
}

/** The four parts as percentages of allocatable (0 when there is nothing allocatable). */
export interface Shares {
  online: number;
  batch: number;
  reclaimableUnused: number;
  idle: number;
}

/** `GET /ui/api/utilization`: every node's split and the cluster's totals at one instant. */
export interface UtilizationSnapshot {
  /** Epoch ms the split was computed at (freshness of node reports is judged against it). */
  time: number;
  /** Millicores. */
  cluster: NodeUtilization;
  percent: Shares;
  /** Nodes whose `online` figure is a fresh measurement, not requests. */
  measuredNodes: number;
  nodes: UiNode[];
}

/** One point of the cluster's utilization over time (millicores). */
export interface SeriesPoint {
  t: number;
  allocatable: number;
  online: number;
  batch: number;
  reclaimableUnused: number;
  idle: number;
}

/** `GET /ui/api/pending-units`: a SchedulingUnit not placed yet and why. */
export interface PendingUnitView {
  namespace: string;
  name: string;
  queue: string;
  phase: string;
  minMember: number;
  /** Members that exist / are bound, as the scheduler last reported. */
  members: { total: number; scheduled: number };
  application?: { id: string; attempt: number; name?: string; user?: string };
  /** Epoch ms the unit was created; 0 when unknown. */
  created: number;
  /** `Scheduled` condition reason (`Unschedulable`), or `Waiting` before the scheduler said anything. */
  reason: string;
  /** `Scheduled` condition message: the fit histogram (`0/4 nodes are available: 4 Insufficient cpu.`). */
  message: string;
}

const pct = (part: number, whole: number): number => (whole > 0 ? (part * 100) / whole : 0);

/** Percentages of allocatable; they add up to 100 because the four parts add up to allocatable. */
export function shares(u: NodeUtilization): Shares {
  return {
    online: pct(u.online, u.allocatable),
    batch: pct(u.batch, u.allocatable),
    reclaimableUnused: pct(u.reclaimableUnused, u.allocatable),
    idle: pct(u.idle, u.allocatable),
  };
}

/** The cluster's totals from the per-node rows (`sumUtilization`, so totals and bars cannot disagree). */
export function snapshot(nodes: readonly UiNode[], time: number): UtilizationSnapshot {
  const cluster = sumUtilization(nodes);
  return {
    time,
    cluster,
    percent: shares(cluster),
    measuredNodes: nodes.filter((n) => n.measured).length,
    nodes: [...nodes],
  };
}

/** The series point of a snapshot's totals. */
export function seriesPoint(t: number, u: NodeUtilization): SeriesPoint {
  return {
    t,
    allocatable: u.allocatable,
    online: u.online,
    batch: u.batch,
    reclaimableUnused: u.reclaimableUnused,
    idle: u.idle,
  };
}

/** Phases of a unit the scheduler has not placed yet; later phases are running or over. */
const WAITING_PHASES = new Set<string | undefined>([undefined, 'Pending', 'Scheduling']);

/** Whether a unit still waits for placement. */
export const isPendingUnit = (u: Pick<SchedulingUnit, 'status'>): boolean => WAITING_PHASES.has(u.status?.phase);

/** A waiting unit as the UI lists it, with the scheduler's own words for why it waits. */
export function pendingUnitView(u: SchedulingUnit): PendingUnitView {
  const cond = u.status?.conditions?.find((c) => c.type === UNIT_CONDITIONS.scheduled);
  const meta = u.metadata as { name: string; namespace?: string; creationTimestamp?: unknown };
  const created = typeof meta.creationTimestamp === 'string' ? Date.parse(meta.creationTimestamp) : NaN;
  const app = u.spec.application;
  return {
    namespace: meta.namespace ?? '',
    name: meta.name,
    queue: u.spec.queue,
    phase: u.status?.phase ?? 'Pending',
    minMember: u.spec.minMember,
    members: { total: u.status?.members?.total ?? 0, scheduled: u.status?.members?.scheduled ?? 0 },
    ...(app
      ? {
          application: {
            id: app.id,
            attempt: app.attempt,
            ...(app.name !== undefined ? { name: app.name } : {}),
            ...(app.user !== undefined ? { user: app.user } : {}),
          },
        }
      : {}),
    created: Number.isFinite(created) ? created : 0,
    reason: cond && cond.status !== 'True' ? (cond.reason ?? 'Unschedulable') : 'Waiting',
    message:
      cond && cond.status !== 'True'
        ? (cond.message ?? '')
        : 'not considered by the scheduler yet (no Scheduled condition)',
  };
}

/** Waiting units, oldest first (the ones waiting longest are the ones to look at). */
export function pendingUnitViews(units: readonly SchedulingUnit[]): PendingUnitView[] {
  return units
    .filter(isPendingUnit)
    .map(pendingUnitView)
    .sort((a, b) => a.created - b.created || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
