import type { AppRecord } from '../api/yarn.ts';
import { isFinalState, type DeselectField } from '../api/yarn.ts';
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
 * AppInfo as the RM renders it. Without view access the protected fields are zero or absent, as the RM redacts them;
 * finished apps report -1 for current allocations.
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
    trackingUI: final ? 'History' : trackingReady ? 'ApplicationMaster' : 'UNASSIGNED',
    // A finished app that never had an AM links to the RM's own app page, as the RM does.
    trackingUrl:
      trackingReady || final
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
  if (o.access) {
    const am = app.attempts.at(-1);
    if (am?.containerId && am.nodeHttpAddress) {
      v.amContainerLogs = `http://${am.nodeHttpAddress}/node/containerlogs/${am.containerId}/${app.user}`;
    }
    v.amHostHttpAddress = app.amHostHttpAddress;
    v.amRPCAddress = app.amRPCAddress;
    v.masterNodeId = app.masterNodeId ?? '';
    v.allocatedMB = final ? -1 : app.allocatedMB;
    v.allocatedVCores = final ? -1 : app.allocatedVCores;
    v.reservedMB = final ? -1 : 0;
    v.reservedVCores = final ? -1 : 0;
    v.runningContainers = final ? -1 : app.runningContainers;
    v.memorySeconds = app.memorySeconds;
    v.vcoreSeconds = app.vcoreSeconds;
    v.queueUsagePercentage = 0;
    v.clusterUsagePercentage = 0;
    v.resourceSecondsMap = resourceSeconds(app);
    v.logAggregationStatus = 'DISABLED';
  }
  v.preemptedResourceMB = app.preemptedResourceMB;
  v.preemptedResourceVCores = app.preemptedResourceVCores;
  v.numNonAMContainerPreempted = app.numNonAMContainerPreempted;
  v.numAMContainerPreempted = app.numAMContainerPreempted;
  v.preemptedMemorySeconds = app.preemptedMemorySeconds;
  v.preemptedVcoreSeconds = app.preemptedVcoreSeconds;
  v.preemptedResourceSecondsMap = {};
  v.unmanagedApplication = app.unmanagedAM;
  const keep = (f: DeselectField): boolean => !o.deselect?.has(f);
  if (keep('amNodeLabelExpression')) v.amNodeLabelExpression = app.amNodeLabelExpression;
  if (keep('appNodeLabelExpression')) v.appNodeLabelExpression = app.appNodeLabelExpression;
  if (keep('timeouts')) v.timeouts = { timeout: [lifetimeTimeout(app, o.now)] };
  return v;
}
