/**
 * A token bucket with client-go's semantics (`flowcontrol.NewTokenBucketRateLimiter(qps, burst)`): it starts full
 * with `burst` tokens, refills at `qps` tokens per second up to `burst`, and each `take()` waits for one token.
 * Waiters are served in call order: a token is reserved on the call (the balance may go negative), so a thousand
 * concurrent callers are spread over time instead of all waking at once.
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  /**
   * @param qps tokens added per second; `Infinity` (or ≤ 0) disables the limit.
   * @param burst most tokens held at once (at least 1).
   */
  constructor(
    readonly qps: number,
    readonly burst: number,
  ) {
    if (!(burst >= 1)) throw new RangeError(`burst must be at least 1, got ${burst}`);
    this.tokens = burst;
  }

  /** True when the bucket never makes anyone wait. */
  get unlimited(): boolean {
    return !(this.qps > 0) || this.qps === Infinity;
  }

  /** Resolves when the caller may send one request. */
  async take(): Promise<void> {
    if (this.unlimited) return;
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    const waitMs = (-this.tokens / this.qps) * 1000;
    await new Promise((r) => setTimeout(r, waitMs));
  }
}
