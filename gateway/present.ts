import type { AppRecord } from '../api/yarn.ts';
import { isFinalState, type DeselectField } from '../api/yarn.ts';
import { resourceValue } from './routes/resource-value.ts';
import type { Value } from './serialize/schema.ts';

/** ISO-8601 as the RM prints expiry times (`yyyy-MM-dd'T'HH:mm:ss.SSSZ`, UTC). */
export const yarnTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

/** The LIFETIME timeout of an app, as `/timeouts` lists it. */
export function lifetimeTimeout(app: AppRecord, now: number): Record<string, Value> {
  if (app.lifetimeExpiry === undefined)
    return { type: 'LIFETIME', expiryTime: 'UNLIMITED', remainingTimeInSeconds: -1 };
  return {
    type: 'LIFETIME',
    expiryTime: yarnTime(app.lifetimeExpiry),
    remainingTimeInSeconds: Math.max(0, Math.floor((app.lifetimeExpiry - now) / 1000)),
  };
}

const resourceSeconds = (app: AppRecord): Record<string, Value> => ({
  'memory-mb': app.memorySeconds,
  vcores: app.vcoreSeconds,
});

/**
 * AppInfo as the RM renders it (AppInfo's constructor in 3.4.1). Without view access the protected fields are zero
 * or absent, as the RM redacts them: times, AM addresses, log status, current allocations, pending requests; finished
 * apps report -1 for current allocations to those with access.
 */
export function appInfoValue(
  app: AppRecord,
  o: {
    clusterTimestamp: number;
    now: number;
    access: boolean;
    deselect?: ReadonlySet<DeselectField>;
    rmOrigin?: string;
  },
): Record<string, Value> {
  const final = isFinalState(app.state);
  // The RM's -1 sentinels are the dummy usage report of a finished attempt: only an app that had one shows them.
  const hasAttempt = app.attempts.length > 0;
  const keep = (f: DeselectField): boolean => !o.deselect?.has(f);
  // Refused at submission (unknown queue, ACL): the RM never tracked it, so no History link and no -1 sentinels.
  const refused = app.refused === true;
  const trackingReady =
    app.trackingUrl !== undefined && app.state !== 'NEW' && app.state !== 'SUBMITTED' && app.state !== 'ACCEPTED';
  const v: Record<string, Value> = {
    id: app.id,
    user: app.user,
    name: app.name,
    queue: app.queue,
    state: app.state,
    finalStatus: app.finalStatus,
    progress: final && app.state === 'FINISHED' ? 100 : app.progress,
    trackingUI: final && !refused ? 'History' : trackingReady ? 'ApplicationMaster' : 'UNASSIGNED',
    // A finished app that never had an AM links to the RM's own app page, as the RM does; an app refused at
    // submission never had an attempt, so the RM has no tracking URL for it at all.
    trackingUrl:
      (trackingReady || final) && !refused
        ? (app.trackingUrl ?? (final && o.rmOrigin ? `${o.rmOrigin}/cluster/app/${app.id}` : undefined))
        : undefined,
    diagnostics: app.diagnostics,
    clusterId: o.clusterTimestamp,
    applicationType: app.applicationType,
    applicationTags: app.tags.join(','),
    priority: app.priority,
    startedTime: o.access ? app.startedTime : 0,
    launchTime: o.access ? app.launchTime : 0,
    finishedTime: o.access ? app.finishedTime : 0,
    elapsedTime: o.access ? (app.finishedTime || o.now) - app.startedTime : 0,
  };
  // The RM reads current allocations (and their -1 sentinels once finished) only for callers with view access;
  // everyone else gets the DAO's zero defaults.
  const sentinel = final && hasAttempt && o.access;
  // The RM's map holds what its attempts' containers used: a live app shows the scheduler's running figures (zeros
  // before any container), a finished one only what was accumulated, so an app that ended before any container ran
  // (refused, killed or failed while waiting for its AM) has an empty map.
  const neverRan =
    final && app.memorySeconds === 0 && app.vcoreSeconds === 0 && !app.attempts.some((a) => a.containerId);
  const usage = app.refused || neverRan ? {} : resourceSeconds(app);
  if (o.access) {
    const am = app.attempts.at(-1);
    if (am?.containerId && am.nodeHttpAddress) {
      v.amContainerLogs = `http://${am.nodeHttpAddress}/node/containerlogs/${am.containerId}/${app.user}`;
    }
    v.amHostHttpAddress = app.amHostHttpAddress;
    v.amRPCAddress = app.amRPCAddress;
  }
  // Current allocations are zero without view access; the accumulated usage (memory/vcore seconds and their map)
  // comes from the app's metrics, which the RM shows to everyone.
  v.masterNodeId = o.access ? (app.masterNodeId ?? '') : '';
  v.allocatedMB = sentinel ? -1 : o.access ? app.allocatedMB : 0;
  v.allocatedVCores = sentinel ? -1 : o.access ? app.allocatedVCores : 0;
  v.reservedMB = sentinel ? -1 : 0;
  v.reservedVCores = sentinel ? -1 : 0;
  v.runningContainers = sentinel ? -1 : o.access ? app.runningContainers : 0;
  v.memorySeconds = app.memorySeconds;
  v.vcoreSeconds = app.vcoreSeconds;
  v.queueUsagePercentage = 0;
  v.clusterUsagePercentage = 0;
  v.resourceSecondsMap = usage;
  if (o.access) v.logAggregationStatus = 'DISABLED';
  v.preemptedResourceMB = app.preemptedResourceMB;
  v.preemptedResourceVCores = app.preemptedResourceVCores;
  v.numNonAMContainerPreempted = app.numNonAMContainerPreempted;
  v.numAMContainerPreempted = app.numAMContainerPreempted;
  v.preemptedMemorySeconds = app.preemptedMemorySeconds;
  v.preemptedVcoreSeconds = app.preemptedVcoreSeconds;
  v.preemptedResourceSecondsMap = {};
  const waitingForAm = app.state === 'SUBMITTED' || app.state === 'ACCEPTED';
  if (waitingForAm && o.access && keep('resourceRequests')) {
    // The AM's own container request, as the scheduler holds it until the AM runs (the RM shows pending requests
    // only to callers with view access).
    v.resourceRequests = [
      {
        priority: 0,
        allocationRequestId: -1,
        resourceName: '*',
        capability: resourceValue(app.amResource.memory, app.amResource.vCores),
        numContainers: 1,
        relaxLocality: true,
        nodeLabelExpression: app.amNodeLabelExpression,
        executionTypeRequest: { executionType: 'GUARANTEED', enforceExecutionType: false },
      },
    ];
  }
  v.unmanagedApplication = app.unmanagedAM;
  if (keep('amNodeLabelExpression')) v.amNodeLabelExpression = app.amNodeLabelExpression;
  // The RM keeps appNodeLabelExpression even when deselected; clients may rely on it being there.
  v.appNodeLabelExpression = app.appNodeLabelExpression;
  if (!final && keep('resourceInfo')) {
    const zero = resourceValue(0, 0);
    const am = resourceValue(app.amResource.memory, app.amResource.vCores);
    v.resourceInfo = {
      resourceUsagesByPartition: [
        {
          partitionName: '',
          used: waitingForAm ? zero : resourceValue(app.allocatedMB, app.allocatedVCores),
          reserved: zero,
          pending: waitingForAm ? am : zero,
          amUsed: am,
          amLimit: zero,
          userAmLimit: zero,
        },
      ],
    };
  }
  if (keep('timeouts')) v.timeouts = { timeout: [lifetimeTimeout(app, o.now)] };
  return v;
}
