/**
 * CPU protection for online pods on real nodes: the kubelet's BestEffort QoS slice, where reclaimed pods run, gets
 * the lowest `cpu.weight` and a `cpu.max` quota that follows the reclaimable amount, the way Katalyst and
 * Koordinator suppress best-effort cpu. Online pods keep their weights, so the kernel favours them whenever both
 * compete, and the quota caps the slice even when the scheduler's view of reclaimed capacity lags behind.
 */
import { constants, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { findBestEffortSlice } from '../metrics/cgroup-v2.ts';

/** The CFS period Loom writes with every quota, in µs (the kernel's default). */
export const CPU_PERIOD_USEC = 100_000;
/** The smallest quota Loom writes, in µs per period: a zero quota would freeze the slice instead of starving it. */
export const MIN_CPU_QUOTA_USEC = 1000;
/** `cpu.weight` of the BestEffort slice: the kernel's minimum (the kubelet's own BestEffort `cpu.shares` of 2). */
export const BESTEFFORT_CPU_WEIGHT = 1;

/** Options of {@link CgroupEnforcer}. */
export interface CgroupEnforcerOptions {
  /** The cgroup v2 mount holding the kubepods hierarchy; default `/sys/fs/cgroup`. */
  root?: string;
}

/** What the node agent wants enforced. */
export interface EnforcementTarget {
  /** Cpu the reclaimed pods may use together, in millicores; undefined lifts the quota (reclaiming disabled). */
  reclaimedMilliCpu?: number;
}

/** The cgroup files the enforcer manages. */
export type EnforcedFile = 'cpu.weight' | 'cpu.max';

/** One value the enforcer rewrote. */
export interface CgroupChange {
  file: EnforcedFile;
  from: string;
  to: string;
}

/** What one {@link CgroupEnforcer.apply} did, for logs and metrics. */
export interface EnforcementResult {
  /** The BestEffort slice written to; undefined when the node has none (nothing was applied). */
  slice?: string;
  /** Values that differed and were rewritten; empty when the slice already matched. */
  changes: CgroupChange[];
  /** Files that could not be read or written (e.g. the cpu controller not enabled for the slice). */
  errors: { file: EnforcedFile; message: string }[];
}

/** The `cpu.max` line for a reclaimed allowance: `<quota µs> <period µs>`, or `max <period>` without an allowance. */
export function cpuMaxFor(reclaimedMilliCpu: number | undefined): string {
  if (reclaimedMilliCpu === undefined || reclaimedMilliCpu === Infinity) return `max ${CPU_PERIOD_USEC}`;
  // 1 millicore is 100 µs per 100 ms period; NaN or a negative allowance is a caller bug, so it gets the floor.
  const quota = Number.isFinite(reclaimedMilliCpu) ? Math.round(reclaimedMilliCpu * (CPU_PERIOD_USEC / 1000)) : 0;
  return `${Math.max(MIN_CPU_QUOTA_USEC, quota)} ${CPU_PERIOD_USEC}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Writes `text` in one write without creating the file: a missing cgroup file must stay missing, not become a file. */
async function overwrite(path: string, text: string): Promise<void> {
  const handle = await open(path, constants.O_WRONLY | constants.O_TRUNC);
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

/**
 * Applies the reclaimed cpu allowance to the BestEffort slice. Each file is read first and written only when its
 * value differs, so an agent calling {@link CgroupEnforcer.apply} every few seconds does not churn the cgroup tree.
 * Never throws: a missing slice or file is reported in the {@link EnforcementResult}.
 */
export class CgroupEnforcer {
  private readonly root: string;

  constructor(options: CgroupEnforcerOptions = {}) {
    this.root = options.root ?? '/sys/fs/cgroup';
  }

  async apply({ reclaimedMilliCpu }: EnforcementTarget): Promise<EnforcementResult> {
    const slice = await findBestEffortSlice(this.root);
    const result: EnforcementResult = { changes: [], errors: [] };
    if (slice === undefined) return result;
    result.slice = slice;
    const desired: [EnforcedFile, string][] = [
      ['cpu.weight', String(BESTEFFORT_CPU_WEIGHT)],
      ['cpu.max', cpuMaxFor(reclaimedMilliCpu)],
    ];
    for (const [file, to] of desired) {
      const path = join(slice, file);
      let from: string;
      try {
        // Synchronous like the sampler's reads (cgroup files live in memory); only the rare write goes async.
        from = readFileSync(path, 'utf8').trim();
      } catch (error) {
        result.errors.push({ file, message: message(error) });
        continue;
      }
      if (from === to) continue;
      try {
        await overwrite(path, to);
        result.changes.push({ file, from, to });
      } catch (error) {
        result.errors.push({ file, message: message(error) });
      }
    }
    return result;
  }
}
