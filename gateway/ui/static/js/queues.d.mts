// Types of queues.mjs for the TypeScript unit tests (the browser loads the .mjs as it is).
export interface QueueRow {
  path: string;
  name: string;
  depth: number;
  leaf: boolean;
  state: string;
  guaranteed: number;
  max: number;
  apps: number;
  pendingApps: number;
  usedVCores: number;
  used: number;
}
export function queueRows(
  schedulerInfo: Record<string, unknown> | undefined,
  runningApps: readonly { queue: string; allocatedVCores: number }[],
  totalVCores: number,
): QueueRow[];
