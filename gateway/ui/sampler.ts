import type { NodeUtilization } from '../../api/utilization.ts';
import { seriesPoint, type SeriesPoint } from './model.ts';

/** A fixed-capacity FIFO: pushing past capacity drops the oldest item, so memory stays bounded forever. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    this.items[(this.start + this.size) % this.capacity] = item;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }

  last(): T | undefined {
    return this.size ? this.items[(this.start + this.size - 1) % this.capacity] : undefined;
  }
}

/** Options of the utilization sampler. */
export interface SamplerOptions {
  /** The cluster's totals now (`sumUtilization` of every node's split). */
  read: (now: number) => NodeUtilization;
  now: () => number;
  /** @defaultValue 5000 */
  intervalMs?: number;
  /** Points kept; with the default interval, one hour. @defaultValue 720 */
  capacity?: number;
}

/**
 * Samples the cluster's utilization totals on a timer into a ring buffer, so the UI can draw the last hour without
 * a metrics backend. Each gateway replica keeps its own series (it is a view of the same cluster, not state), and a
 * restarted gateway starts an empty one.
 */
export class UtilizationSampler {
  readonly intervalMs: number;
  private readonly buffer: RingBuffer<SeriesPoint>;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: SamplerOptions) {
    this.intervalMs = o.intervalMs ?? 5_000;
    this.buffer = new RingBuffer(o.capacity ?? 720);
  }

  /** Takes one point now. */
  sample(): SeriesPoint {
    const t = this.o.now();
    const p = seriesPoint(t, this.o.read(t));
    this.buffer.push(p);
    return p;
  }

  /** Takes a first point at once, then one per interval. */
  start(): void {
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => {
      try {
        this.sample();
      } catch {
        // A read that throws (a cache mid-relist) costs one point, never the timer.
      }
    }, this.intervalMs);
    // The sampler must never be what keeps a process alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Points oldest first; `since` (epoch ms, exclusive) returns only newer ones. */
  points(since?: number): SeriesPoint[] {
    const all = this.buffer.toArray();
    return since === undefined ? all : all.filter((p) => p.t > since);
  }

  get capacity(): number {
    return this.buffer.capacity;
  }
}
