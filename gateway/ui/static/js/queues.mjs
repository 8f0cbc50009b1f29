// Pure: the queues table from the RM's own answers (`/scheduler`, running `/apps`, `/metrics`), so every figure in
// it is one the API gives. Checked by test/unit/gateway/ui-queues.test.ts.
import { asList } from './format.mjs';

/**
 * One row per queue, depth-first as the RM UI nests them: guaranteed and max are the scheduler's absolute
 * capacities (percent of the cluster), apps and pending apps its `numApplications` and `numPendingApplications`
 * (a parent's summed over its children, where apps live),
 * used the vcores its running apps hold (`allocatedVCores`, a parent's including its children's), also as a share
 * of the cluster's batch vcores (`totalVirtualCores`).
 */
export function queueRows(schedulerInfo, runningApps, totalVCores) {
  const usedByQueue = new Map();
  for (const a of runningApps) {
    const v = Math.max(0, Number(a.allocatedVCores) || 0);
    usedByQueue.set(a.queue, (usedByQueue.get(a.queue) ?? 0) + v);
  }
  const rows = [];
  const walk = (q, depth) => {
    const children = asList(q.queues?.queue);
    const row = {
      path: q.queuePath ?? q.queueName,
      name: q.queueName,
      depth,
      leaf: children.length === 0,
      state: q.state ?? 'RUNNING',
      // The root carries only `capacity`/`maxCapacity` (always 100): absolute and relative are the same there.
      guaranteed: Number(q.absoluteCapacity ?? q.capacity) || 0,
      max: Number(q.absoluteMaxCapacity ?? q.maxCapacity) || 0,
      apps: Number(q.numApplications) || 0,
      pendingApps: Number(q.numPendingApplications) || 0,
      usedVCores: usedByQueue.get(q.queuePath) ?? 0,
      used: 0,
    };
    rows.push(row);
    for (const c of children) {
      const child = walk(c, depth + 1);
      row.usedVCores += child.usedVCores;
      row.pendingApps += child.pendingApps;
      row.apps += child.apps;
    }
    row.used = totalVCores > 0 ? (row.usedVCores * 100) / totalVCores : 0;
    return row;
  };
  if (schedulerInfo) walk(schedulerInfo, 0);
  return rows;
}
