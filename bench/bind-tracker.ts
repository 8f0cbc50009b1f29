import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { UNIT_LABEL } from '../api/names.ts';
import type { KeepAliveClient } from '../api/k8s/keepalive-client.ts';

interface PodMeta {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { nodeName?: string };
}
interface PodList {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: PodMeta[];
}

const SELECTOR = 'spec.nodeName!=';
const SELECTOR_QUERY = `fieldSelector=${encodeURIComponent(SELECTOR)}`;

/** Why {@link BindTracker.waitFor} returned. */
export type WaitOutcome =
  | { kind: 'all-bound' }
  | { kind: 'stalled'; stallSeconds: number }
  | { kind: 'timeout'; seconds: number }
  | { kind: 'failed'; reason: string };

/**
 * Counts the pods of one namespace that have `spec.nodeName`, and when each got it, at the client side.
 *
 * One list (`fieldSelector=spec.nodeName!=`, normally empty because it is taken before any scheduler starts) and one
 * watch from its resourceVersion with the same field selector: the apiserver filters in its watch cache and sends a
 * pod when it becomes bound (ADDED for this selector) and its later status changes; unbound pods cost nothing. Bind
 * times are the moments the events arrive here (`performance.now()`). On a busy machine the apiserver closes watchers
 * it finds unresponsive ("Forcing pods watcher close due to unresponsiveness", every pod watcher at once): the
 * tracker then resumes from the last resourceVersion it saw, so nothing is lost and the events of the gap are
 * stamped when they arrive (milliseconds later). Only after 410 Gone does it list again; pods first seen in such a
 * re-list are stamped with the re-list time.
 */
export class BindTracker {
  private readonly bound = new Map<string, string | undefined>();
  private readonly path: string;
  private watch?: AbortController;
  private stopped = false;
  /** How often the watch ended and was resumed (the apiserver closes watchers it finds too slow). */
  resumes = 0;
  /** performance.now() of the first and the latest new binding seen (undefined before the first). */
  firstBindAt?: number;
  lastBindAt?: number;

  constructor(
    private readonly kc: KubeConfig,
    private readonly client: KeepAliveClient,
    readonly namespace: string,
    private readonly log: (m: string) => void,
  ) {
    this.path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
  }

  /** Pods seen bound so far. */
  get count(): number {
    return this.bound.size;
  }

  /** Lists the bound pods (baseline, no timestamps) and starts watching. */
  async start(): Promise<void> {
    await this.resync(true);
  }

  stop(): void {
    this.stopped = true;
    this.watch?.abort();
  }

  /** Bound members per value of the `scheduling.loom.dev/unit` label. */
  boundPerUnit(): Map<string, number> {
    const out = new Map<string, number>();
    for (const unit of this.bound.values()) if (unit !== undefined) out.set(unit, (out.get(unit) ?? 0) + 1);
    return out;
  }

  /**
   * Waits until `target` pods are bound, or no new binding arrived for `stallMs` after the first one, or
   * `timeoutMs` passed, or `failed()` names a reason (the scheduler process died). Logs progress every 5 s.
   */
  async waitFor(
    target: number,
    o: { timeoutMs: number; stallMs?: number; failed?: () => string | undefined; label: string },
  ): Promise<WaitOutcome> {
    const t0 = performance.now();
    let reported = t0;
    for (;;) {
      const now = performance.now();
      if (this.count >= target) return { kind: 'all-bound' };
      const reason = o.failed?.();
      if (reason !== undefined) return { kind: 'failed', reason };
      if (o.stallMs !== undefined && this.lastBindAt !== undefined && now - this.lastBindAt > o.stallMs)
        return { kind: 'stalled', stallSeconds: o.stallMs / 1000 };
      if (now - t0 > o.timeoutMs) return { kind: 'timeout', seconds: o.timeoutMs / 1000 };
      if (now - reported >= 5_000) {
        reported = now;
        this.log(`${o.label}: ${this.count}/${target} bound after ${((now - t0) / 1000).toFixed(0)} s`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private record(pod: PodMeta, at: number | undefined): void {
    const name = pod.metadata?.name;
    if (!name || !pod.spec?.nodeName || this.bound.has(name)) return;
    this.bound.set(name, pod.metadata?.labels?.[UNIT_LABEL]);
    if (at === undefined) return;
    this.firstBindAt ??= at;
    this.lastBindAt = at;
  }

  private async resync(initial: boolean): Promise<void> {
    let cont = '';
    let rv = '';
    do {
      const r = await this.client.request<PodList>(
        'GET',
        `${this.path}?${SELECTOR_QUERY}&limit=2000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`,
      );
      if (r.status !== 200) throw new Error(`listing bound pods of ${this.namespace} answered ${r.status}`);
      const at = initial ? undefined : performance.now();
      for (const pod of r.body.items ?? []) this.record(pod, at);
      rv ||= r.body.metadata?.resourceVersion ?? '';
      cont = r.body.metadata?.continue ?? '';
    } while (cont);
    if (!initial) this.log(`bind tracker: ${this.namespace} re-listed after 410 Gone, ${this.count} bound`);
    await this.watchFrom(rv);
  }

  /** Watches from `rv`; when the watch ends it resumes from the last resourceVersion seen (re-lists on 410). */
  private async watchFrom(rv: string): Promise<void> {
    let latestRv = rv;
    let gone = false;
    this.watch = await new Watch(this.kc).watch(
      this.path,
      { fieldSelector: SELECTOR, resourceVersion: rv, allowWatchBookmarks: true },
      (type: string, obj: PodMeta & { code?: number; metadata?: { resourceVersion?: string } }) => {
        if (type === 'ERROR') {
          if (obj.code === 410) gone = true;
          return;
        }
        if (type === 'ADDED' || type === 'MODIFIED') this.record(obj, performance.now());
        else if (type === 'DELETED' && obj.metadata?.name) this.bound.delete(obj.metadata.name);
        if (obj.metadata?.resourceVersion) latestRv = obj.metadata.resourceVersion;
      },
      () => {
        if (this.stopped) return;
        this.resumes++;
        setTimeout(() => {
          if (this.stopped) return;
          const next = gone ? this.resync(false) : this.watchFrom(latestRv);
          next.catch((e: unknown) => this.log(`bind tracker: ${e instanceof Error ? e.message : String(e)}`));
        }, 20);
      },
    );
  }
}
