import type { Queue } from '../api/queue.ts';
import type { QueueView } from './cluster-view.ts';

/** The stock RM's queues when no Queue object exists: root with one leaf, default, at 100%. */
export const DEFAULT_QUEUES: QueueView[] = [
  {
    name: 'root',
    path: 'root',
    capacity: 100,
    maxCapacity: 100,
    state: 'RUNNING',
    aclSubmit: '*',
    aclAdminister: '*',
    children: ['root.default'],
  },
  {
    name: 'default',
    path: 'root.default',
    parent: 'root',
    capacity: 100,
    maxCapacity: 100,
    state: 'RUNNING',
    aclSubmit: '*',
    aclAdminister: '*',
    children: [],
  },
];

/**
 * Queue objects → the YARN queue tree. Paths follow `parent` links (`root.spark`); a queue whose parent chain is
 * broken or cyclic is left out rather than guessed at.
 */
export function queueViews(objects: readonly Queue[]): QueueView[] {
  if (objects.length === 0) return DEFAULT_QUEUES;
  const byName = new Map(objects.map((q) => [q.metadata.name, q]));
  const pathOf = (name: string, seen = new Set<string>()): string | undefined => {
    const q = byName.get(name);
    if (!q || seen.has(name)) return undefined;
    seen.add(name);
    if (!q.spec.parent) return name;
    const parent = pathOf(q.spec.parent, seen);
    return parent ? `${parent}.${name}` : undefined;
  };
  const views: QueueView[] = [];
  for (const q of objects) {
    const path = pathOf(q.metadata.name);
    if (!path) continue;
    const parentPath = q.spec.parent ? pathOf(q.spec.parent) : undefined;
    views.push({
      name: q.metadata.name,
      path,
      ...(parentPath ? { parent: parentPath } : {}),
      capacity: q.spec.capacity ?? (q.spec.parent ? 0 : 100),
      maxCapacity: q.spec.maximumCapacity ?? 100,
      state: q.spec.state,
      ...(q.spec.maxApplications !== undefined ? { maxApplications: q.spec.maxApplications } : {}),
      aclSubmit: q.spec.acl?.submit ?? '*',
      aclAdminister: q.spec.acl?.administer ?? '*',
      children: [],
    });
  }
  for (const v of views) if (v.parent) views.find((p) => p.path === v.parent)?.children.push(v.path);
  return views.sort((a, b) => a.path.localeCompare(b.path));
}

/** YARN's `yarn.scheduler.capacity.maximum-applications` default: the share of it a leaf gets is its limit. */
export const DEFAULT_MAXIMUM_APPLICATIONS = 10_000;

/** A queue's absolute capacity in percent: its share of its parent's, down from root. */
export function absoluteCapacity(queues: readonly QueueView[], q: QueueView): number {
  const byPath = new Map(queues.map((x) => [x.path, x]));
  let v = q.capacity / 100;
  for (let p = q.parent ? byPath.get(q.parent) : undefined; p; p = p.parent ? byPath.get(p.parent) : undefined)
    v *= p.capacity / 100;
  return v * 100;
}

/**
 * A leaf's `maxApplications` and `maxApplicationsPerUser` as the CapacityScheduler derives them: the queue's own
 * `maximum-applications`, else floor(10000 × absolute capacity); per user, × user-limit 100 % × user-limit-factor 1
 * (Loom's queues have neither knob, so both are YARN's defaults), capped by the queue's.
 */
export function applicationLimits(
  queues: readonly QueueView[],
  q: QueueView,
): { maxApplications: number; maxApplicationsPerUser: number } {
  const maxApplications =
    q.maxApplications ?? Math.floor((DEFAULT_MAXIMUM_APPLICATIONS * absoluteCapacity(queues, q)) / 100 + 1e-6);
  const userLimit = 100;
  const userLimitFactor = 1;
  return {
    maxApplications,
    maxApplicationsPerUser: Math.min(
      maxApplications,
      Math.floor(maxApplications * (userLimit / 100) * userLimitFactor),
    ),
  };
}
