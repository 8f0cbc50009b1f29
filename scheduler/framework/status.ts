/**
 * Results of plugins are values, not exceptions (kube-scheduler's framework): a Code says what happens next, reasons
 * say why, the runtime stamps the plugin that produced it. Names are derived from the one `CODES` table.
 */
export const CODES = {
  /** The plugin ran and found nothing against the member/node. */
  Success: 0,
  /** Something unexpected went wrong (a bug, a broken object); the unit is retried with backoff. */
  Error: 1,
  /** The node does not fit now; preemption might help. */
  Unschedulable: 2,
  /** The node can never fit (taint, selector); preemption cannot help. */
  UnschedulableAndUnresolvable: 3,
  /** Permit: hold until the rest of the gang is reserved. */
  Wait: 4,
  /** The plugin does not apply; the next one decides. */
  Skip: 5,
} as const;
export type CodeName = keyof typeof CODES;
export type Code = (typeof CODES)[CodeName];
const NAMES = Object.fromEntries(Object.entries(CODES).map(([k, v]) => [v, k])) as Record<Code, CodeName>;

export class Status {
  private constructor(
    readonly code: Code,
    readonly reasons: readonly string[],
    readonly plugin?: string,
    readonly cause?: unknown,
  ) {}

  static readonly SUCCESS = new Status(CODES.Success, []);
  static success(): Status {
    return Status.SUCCESS;
  }
  static unschedulable(...reasons: string[]): Status {
    return new Status(CODES.Unschedulable, reasons);
  }
  static unresolvable(...reasons: string[]): Status {
    return new Status(CODES.UnschedulableAndUnresolvable, reasons);
  }
  static skip(): Status {
    return new Status(CODES.Skip, []);
  }
  static wait(reason: string): Status {
    return new Status(CODES.Wait, [reason]);
  }
  /** Wraps an unexpected failure (a thrown error) as an Error status. */
  static error(cause: unknown): Status {
    return new Status(CODES.Error, [cause instanceof Error ? cause.message : String(cause)], undefined, cause);
  }

  get isSuccess(): boolean {
    return this.code === CODES.Success;
  }
  /** Unschedulable or unresolvable: the node was rejected for a reason the unit can be told. */
  get isRejection(): boolean {
    return this.code === CODES.Unschedulable || this.code === CODES.UnschedulableAndUnresolvable;
  }
  get codeName(): CodeName {
    return NAMES[this.code];
  }
  /** The same status, attributed to `plugin` (the runtime does this, so plugins never have to). */
  withPlugin(plugin: string): Status {
    return this.plugin === plugin ? this : new Status(this.code, this.reasons, plugin, this.cause);
  }
  toString(): string {
    return `${this.codeName}${this.plugin ? ` (${this.plugin})` : ''}${this.reasons.length ? `: ${this.reasons.join(', ')}` : ''}`;
  }
}
