import type { Status } from './status.ts';

/**
 * Why a member fits nowhere, as `kubectl describe` shows it: "0/5 nodes are available: 3 Insufficient
 * reclaimed_millicpu, 2 node(s) had untolerated taint {dedicated: db}." Reasons are counted per node and sorted by
 * count (then name), so the same situation always reads the same.
 */
export function fitErrorMessage(totalNodes: number, rejections: ReadonlyMap<string, Status>): string {
  const counts = new Map<string, number>();
  for (const status of rejections.values()) {
    for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const parts = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, n]) => `${n} ${reason}`);
  const feasible = totalNodes - rejections.size;
  return `${feasible}/${totalNodes} nodes are available${parts.length ? `: ${parts.join(', ')}` : ''}.`;
}
