/**
 * Deterministic object names from the application id and attempt, so a replayed or retried job addresses the same
 * objects (an AlreadyExists is then success) and a crash at any point converges to one set of objects.
 */

/** `application_1795770000000_0001` → `application-1795770000000-0001`. */
export const appSlug = (appId: string): string => appId.replace(/_/g, '-').toLowerCase();

/** The SchedulingUnit of one attempt. */
export const unitName = (appId: string, attempt: number): string => `${appSlug(appId)}-${attempt}`;

/** Member pod `index` of `role` in `attempt`. */
export const podName = (appId: string, attempt: number, role: string, index: number): string =>
  `${unitName(appId, attempt)}-${role}-${index}`;

/** YARN container id of a member: `container_<clusterTs>_<seq>_<attempt:02>_<n:06>`; the AM is container 1. */
export function containerId(appId: string, attempt: number, n: number): string {
  const [, ts = '0', seq = '0'] = appId.split('_');
  return `container_${ts}_${seq}_${String(attempt).padStart(2, '0')}_${String(n).padStart(6, '0')}`;
}
