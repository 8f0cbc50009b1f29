import type { Logger } from 'pino';
import type { KeepAliveClient } from '../../api/k8s/keepalive-client.ts';
import {
  ONLINE_USAGE_ANNOTATIONS,
  RECLAIMED_MEMORY,
  RECLAIMED_MILLICPU,
  RECLAIMED_REPORT_TIME_ANNOTATION,
} from '../../api/names.ts';
import type { ReclaimReporter } from '../agent.ts';
import type { Amounts } from '../policy/reclaim-policy.ts';

const quantities = (a: Amounts): Record<string, string> => ({
  // A count of millicores (no `m` suffix), as Katalyst publishes reclaimed_millicpu; memory in bytes.
  [RECLAIMED_MILLICPU]: String(Math.max(0, Math.floor(a.milliCpu))),
  [RECLAIMED_MEMORY]: String(Math.max(0, Math.floor(a.memory))),
});

/**
 * Publishes reclaimed capacity on the Node: `status.capacity`/`status.allocatable` through the status subresource,
 * then the report time as an annotation (a Node's metadata cannot change through `/status`), with the online usage
 * it was computed from. The amounts are written at once when they move by 2 % of capacity or more, otherwise with
 * the next refresh; the time is refreshed every `refreshMs` so the scheduler, which counts a report
 * older than its staleness limit as zero, keeps trusting a steady node. The time is written after the amounts: it
 * vouches for them.
 */
export class NodeReporter implements ReclaimReporter {
  private readonly last = new Map<string, { key: string; at: number; allocatable: Amounts }>();

  constructor(
    private readonly client: KeepAliveClient,
    private readonly log: Logger,
    private readonly refreshMs = 10_000,
    /** A change smaller than this share of capacity waits for the next refresh (Koordinator's resourceDiffThreshold). */
    private readonly diffThreshold = 0.02,
  ) {}

  /**
   * Whether the new amounts differ enough to write now: usage noise moves the estimate a little on every sample, and
   * two PATCHes per node per sample would cost the apiserver (and the agent) for nothing. Small drift goes out with
   * the next refresh, so the published value is never more than `refreshMs` behind.
   */
  private significant(prev: Amounts, next: Amounts, capacity: Amounts): boolean {
    const cpu = Math.max(100, capacity.milliCpu * this.diffThreshold);
    const mem = Math.max(64 * 1024 ** 2, capacity.memory * this.diffThreshold);
    return Math.abs(prev.milliCpu - next.milliCpu) >= cpu || Math.abs(prev.memory - next.memory) >= mem;
  }

  async report(
    node: string,
    allocatable: Amounts,
    capacity: Amounts,
    now: number,
    onlineUsage: Amounts,
  ): Promise<void> {
    const alloc = quantities(allocatable);
    const cap = quantities(capacity);
    const key = JSON.stringify([alloc, cap]);
    const prev = this.last.get(node);
    const due = !prev || now - prev.at >= this.refreshMs;
    const changed = prev?.key !== key && (due || this.significant(prev.allocatable, allocatable, capacity));
    if (!changed && !due) return;
    const path = `/api/v1/nodes/${encodeURIComponent(node)}`;
    if (changed) {
      const res = await this.client.request(
        'PATCH',
        `${path}/status`,
        { status: { capacity: cap, allocatable: alloc } },
        'application/merge-patch+json',
      );
      if (res.status >= 300) {
        this.log.warn({ node, status: res.status, body: res.body }, 'reclaimed capacity not published');
        return;
      }
    }
    const res = await this.client.request(
      'PATCH',
      path,
      {
        metadata: {
          annotations: {
            [RECLAIMED_REPORT_TIME_ANNOTATION]: new Date(now).toISOString(),
            // Usage rides along with the time (no write of its own): at most one refresh interval old.
            [ONLINE_USAGE_ANNOTATIONS.milliCpu]: String(Math.round(onlineUsage.milliCpu)),
            [ONLINE_USAGE_ANNOTATIONS.memory]: String(Math.round(onlineUsage.memory)),
          },
        },
      },
      'application/merge-patch+json',
    );
    if (res.status >= 300) {
      this.log.warn({ node, status: res.status, body: res.body }, 'reclaimed report time not refreshed');
      return;
    }
    // Without a write of the amounts, the last written ones stay the reference for the next comparison.
    this.last.set(node, changed || !prev ? { key, at: now, allocatable } : { ...prev, at: now });
  }

  /** Forgets a node (gone from the fleet), so a node of the same name coming back is written in full. */
  forget(node: string): void {
    this.last.delete(node);
  }
}
