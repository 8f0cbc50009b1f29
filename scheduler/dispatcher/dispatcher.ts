import type { SchedulerCache } from '../core/cache.ts';
import { dominantShare, exceeds, loneUnitKey, type QueueInfo, type UnitInfo } from '../core/unit.ts';
import { add, keyOf, type Member, type Resources } from '../core/types.ts';

/** A unit with members waiting to be placed. */
export interface PendingUnit {
  unit: UnitInfo;
  /** Pending (unplaced) members, by `namespace/name`. */
  members: Map<string, Member>;
  /** When the unit first had a pending member (ms): its timeout counts from here. */
  since: number;
  /** Not handed out again before this time (ms) after a failed attempt. */
  backoffUntil: number;
  attempts: number;
  /**
   * Failed for a reason only a cluster event can change, so it is not handed out until one does (kube-scheduler's
   * unschedulablePods): `resources` waits for capacity to be freed (a pod leaving, a node added or grown),
   * `unresolvable` for a node to be added or changed (taints, labels). Its backoff still applies once woken.
   * `unit` waits for its SchedulingUnit object ({@link UnitInfo.missing}), as kube-scheduler's PreEnqueue gate keeps
   * a pod whose PodGroup does not exist out of the queue (coscheduling): only the object's arrival wakes it.
   */
  parked?: ParkCause;
  /** When it was parked (ms): parked longer than `maxParkedMs`, it is tried again anyway. */
  parkedAt?: number;
  /** Tried again at this time (ms) even without an event (a preemptor whose victims' grace period ends). */
  parkedUntil?: number;
  /** Why it is still pending, as last reported (deduplicates reports). */
  message?: string;
  /** When that was reported (ms). */
  reportedAt?: number;
  /** A newer reason held back because the last report was too recent; reported once it may be. */
  deferredMessage?: string;
  /** Victims of its preemption are leaving until this time (ms): it waits rather than preempting again. */
  preemptingUntil?: number;
  /**
   * Members already told `message` on their pods (a unit whose object is missing has nowhere else to say it), so one
   * arriving later is told alone instead of every pod again. Always a subset of `members`.
   */
  told?: Set<string>;
}

/** Why a unit is parked; see {@link PendingUnit.parked}. */
export type ParkCause = 'resources' | 'unresolvable' | 'unit';

/** Why the dispatcher holds a unit back, to be reported on it. */
export interface Held {
  pending: PendingUnit;
  message: string;
  /**
   * Held for something that normally follows within moments (the rest of its members, or its SchedulingUnit object):
   * since when (ms), so nothing is said while it is likely still on its way.
   */
  waitingSince?: number;
}

export interface DispatcherOptions {
  /** First retry delay after a failed attempt (kube-scheduler: 1 s). */
  initialBackoffMs: number;
  /** Longest retry delay (kube-scheduler: 10 s). */
  maxBackoffMs: number;
  /**
   * A parked unit is tried again after this long even without an event, in case one was missed (kube-scheduler's
   * podMaxInUnschedulablePodsDuration: 5 min).
   */
  maxParkedMs: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  initialBackoffMs: 1_000,
  maxBackoffMs: 10_000,
  maxParkedMs: 300_000,
};

/** What matters for scheduling in a unit's description (its status echoing back changes none of it). */
const unitSpec = (u: UnitInfo): string =>
  JSON.stringify([u.queue, u.priority, u.minMember, u.timeoutSeconds, u.mode, u.createdAt]);

/** Stands in for a SchedulingUnit its pods name but we do not have: enough to key, order and report it. */
const missingUnit = (key: string, namespace: string, priority: number, createdAt: number): UnitInfo => ({
  key,
  namespace,
  name: key.slice(key.indexOf('/') + 1),
  priority,
  minMember: 1,
  mode: 'hard',
  createdAt,
  missing: true,
});

const ZERO: Resources = { milliCpu: 0, memory: 0, pods: 0 };
const sumRequests = (members: Iterable<Member>): Resources => {
  let r = ZERO;
  for (const m of members) r = add(r, m.requests);
  return r;
};

/**
 * Gödel's dispatcher: holds pending units, orders them by queue fair share (dominant share of the guaranteed
 * resources, lowest first), then priority, then age, and admits a unit only if its queue (and every ancestor) stays
 * within `max` — borrowing beyond the guarantee is allowed up to there. A gang is not handed out before `minMember`
 * of its members exist, nor any member of a unit whose SchedulingUnit object it does not have: placed as lone pods,
 * they would break the gang's all-or-nothing before it is even known.
 */
export class Dispatcher {
  private readonly units = new Map<string, UnitInfo>();
  private readonly queues = new Map<string, QueueInfo>();
  private readonly pending = new Map<string, PendingUnit>();
  /** Where each pending member is, so an update or delete finds it without a scan. */
  private readonly memberUnit = new Map<string, string>();

  constructor(
    private readonly cache: SchedulerCache,
    opts: Partial<DispatcherOptions> = {},
  ) {
    this.opts = { ...DEFAULT_DISPATCHER_OPTIONS, ...opts };
  }

  private readonly opts: DispatcherOptions;
  /** Parked units, so waking them does not walk every pending unit. */
  private readonly parkedUnits = new Set<PendingUnit>();

  /**
   * Adds or updates a unit; a change to its spec (not its status) wakes it if parked, and its arrival releases the
   * members that waited for it, whose timeout then counts from now: they could not be placed before.
   */
  setUnit(u: UnitInfo, now: number): void {
    const old = this.units.get(u.key);
    this.units.set(u.key, u);
    const p = this.pending.get(u.key);
    if (!p) return;
    if (p.unit.missing) p.since = now;
    p.unit = u;
    if (!old || unitSpec(old) !== unitSpec(u)) this.unpark(p);
  }

  unit(key: string): UnitInfo | undefined {
    return this.units.get(key);
  }

  /**
   * The SchedulingUnit object was deleted. Members still pending stay, held until a unit of that name appears again
   * (coscheduling and Volcano leave a pod whose PodGroup is gone pending, with a reason): placing them one by one
   * instead would be guessing at a gang nobody describes any more.
   */
  removeUnit(key: string, now: number): void {
    this.units.delete(key);
    const p = this.pending.get(key);
    if (!p || p.unit.missing) return;
    p.unit = missingUnit(key, p.unit.namespace, p.unit.priority, p.unit.createdAt);
    this.gate(p, now);
  }

  /** Forgets a unit's pending members for good (it timed out: they are no longer placed). */
  dropPending(unitKey: string): void {
    const p = this.pending.get(unitKey);
    if (!p) return;
    for (const k of p.members.keys()) this.memberUnit.delete(k);
    this.parkedUnits.delete(p);
    this.pending.delete(unitKey);
  }

  setQueue(q: QueueInfo): void {
    this.queues.set(q.name, q);
  }

  removeQueue(name: string): void {
    this.queues.delete(name);
  }

  queue(name: string): QueueInfo | undefined {
    return this.queues.get(name);
  }

  /** The unit a member belongs to: its SchedulingUnit, or a unit of one for a lone pod. */
  unitKeyOf(m: Member): string {
    return m.unit ?? loneUnitKey(m.namespace, m.name);
  }

  /** Adds or updates a pending member; a new member, or one whose scheduling inputs changed, wakes its unit. */
  addMember(m: Member, now: number): void {
    const key = keyOf(m);
    const unitKey = this.unitKeyOf(m);
    const prev = this.memberUnit.get(key);
    if (prev && prev !== unitKey) this.removeMember(key);
    let p = this.pending.get(unitKey);
    if (!p) {
      const unit: UnitInfo =
        this.units.get(unitKey) ??
        (m.unit
          ? missingUnit(unitKey, m.namespace, m.priority, m.createdAt ?? now)
          : {
              key: unitKey,
              namespace: m.namespace,
              name: m.name,
              priority: m.priority,
              minMember: 1,
              mode: 'hard',
              createdAt: m.createdAt ?? now,
            });
      p = { unit, members: new Map(), since: now, backoffUntil: 0, attempts: 0 };
      this.pending.set(unitKey, p);
      if (unit.missing) this.gate(p, now);
    }
    const old = p.members.get(key);
    p.members.set(key, m);
    this.memberUnit.set(key, unitKey);
    // Informers repeat a pending pod whenever its status changes (our own condition patches included): only a real
    // change may cost another attempt.
    if (p.parked && (!old || JSON.stringify(old) !== JSON.stringify(m))) this.unpark(p);
  }

  removeMember(key: string): void {
    const unitKey = this.memberUnit.get(key);
    if (!unitKey) return;
    this.memberUnit.delete(key);
    const p = this.pending.get(unitKey);
    if (!p) return;
    p.members.delete(key);
    p.told?.delete(key);
    if (p.members.size === 0) {
      this.pending.delete(unitKey);
      this.parkedUnits.delete(p);
    }
  }

  isPending(key: string): boolean {
    return this.memberUnit.has(key);
  }

  pendingUnit(unitKey: string): PendingUnit | undefined {
    return this.pending.get(unitKey);
  }

  get pendingUnits(): number {
    return this.pending.size;
  }

  get pendingMembers(): number {
    return this.memberUnit.size;
  }

  /** Every pending unit (for timeouts and metrics). */
  all(): IterableIterator<PendingUnit> {
    return this.pending.values();
  }

  /** A failed attempt: wait before the next (exponential, capped). */
  backoff(unitKey: string, now: number): void {
    const p = this.pending.get(unitKey);
    if (!p) return;
    p.attempts++;
    const delay = Math.min(this.opts.maxBackoffMs, this.opts.initialBackoffMs * 2 ** Math.min(10, p.attempts - 1));
    p.backoffUntil = now + delay;
  }

  /**
   * A failed attempt that only a cluster event can undo: not handed out again until {@link wake} (or `maxParkedMs`),
   * and then not before its backoff expires either — so a busy cluster's stream of events cannot turn a unit that
   * does not fit into a retry per event.
   */
  park(
    unitKey: string,
    now: number,
    cause: Exclude<ParkCause, 'unit'>,
    o: { until?: number; backoff?: boolean } = {},
  ): void {
    const p = this.pending.get(unitKey);
    if (!p || p.unit.missing) return;
    if (o.backoff === false) p.backoffUntil = 0;
    else this.backoff(unitKey, now);
    p.parked = cause;
    p.parkedAt = now;
    p.parkedUntil = o.until;
    this.parkedUnits.add(p);
  }

  /** Lost its place to another worker's commit: hand it out again in the next round, without backoff. */
  retryNow(unitKey: string): void {
    const p = this.pending.get(unitKey);
    if (!p) return;
    p.backoffUntil = 0;
    this.unpark(p);
  }

  /** Holds a unit whose SchedulingUnit is missing until it appears; no backoff, nothing to wait out once it does. */
  private gate(p: PendingUnit, now: number): void {
    p.parked = 'unit';
    p.parkedAt = now;
    p.parkedUntil = undefined;
    this.parkedUnits.add(p);
  }

  /** Back to the queue; a unit whose SchedulingUnit is missing stays held whatever else happens. */
  private unpark(p: PendingUnit): void {
    if (!p.parked || p.unit.missing) return;
    p.parked = undefined;
    p.parkedAt = undefined;
    p.parkedUntil = undefined;
    this.parkedUnits.delete(p);
  }

  /** Parked units a cluster event may wake (not those waiting for their SchedulingUnit). */
  *parked(): Generator<PendingUnit> {
    for (const p of this.parkedUnits) if (p.parked !== 'unit') yield p;
  }

  /** Parked units, those waiting for their SchedulingUnit included. */
  get parkedCount(): number {
    return this.parkedUnits.size;
  }

  /** A cluster event may let `p` fit: back to the queue (its backoff still applies). */
  wake(p: PendingUnit): void {
    this.unpark(p);
  }

  /** Units whose `parkedUntil` passed, or parked for longer than `maxParkedMs` (a missed event), are tried again. */
  wakeStale(now: number): void {
    for (const p of this.parkedUnits) {
      if (now - (p.parkedAt ?? now) >= this.opts.maxParkedMs || (p.parkedUntil ?? Infinity) <= now) this.unpark(p);
    }
  }

  /** What a queue and its descendants use now (the cache tracks leaves). */
  private queueUsed(name: string, extra: ReadonlyMap<string, Resources>): Resources {
    let used = add(this.cache.used(name), extra.get(name) ?? ZERO);
    for (const q of this.queues.values()) if (q.parent === name) used = add(used, this.queueUsed(q.name, extra));
    return used;
  }

  private admission(u: UnitInfo, request: Resources, extra: ReadonlyMap<string, Resources>): string | undefined {
    if (!u.queue) return undefined;
    const leaf = this.queues.get(u.queue);
    if (!leaf) return `queue ${u.queue} does not exist`;
    if (!leaf.running) return `queue ${u.queue} is STOPPED`;
    for (let q: QueueInfo | undefined = leaf; q; q = q.parent ? this.queues.get(q.parent) : undefined) {
      const over = exceeds(this.queueUsed(q.name, extra), request, q.max);
      if (over) return `queue ${q.name} at max (${over})`;
    }
    return undefined;
  }

  /**
   * Up to `limit` units to schedule now, in fair-share order, admitted against their queues (the round's earlier
   * admissions count). Units held back are returned with the reason, for the reporter.
   */
  next(now: number, limit: number): { ready: PendingUnit[]; held: Held[]; nextBackoffEnd?: number } {
    const candidates: { p: PendingUnit; share: number }[] = [];
    const held: Held[] = [];
    const shares = new Map<string, number>();
    let nextBackoffEnd: number | undefined;
    for (const p of this.pending.values()) {
      if (p.parked === 'unit') {
        held.push({
          pending: p,
          message: `waiting for SchedulingUnit ${p.unit.key} (not found)`,
          waitingSince: p.parkedAt ?? p.since,
        });
        continue;
      }
      if (p.parked || p.unit.finished) continue;
      if (p.backoffUntil > now) {
        if (nextBackoffEnd === undefined || p.backoffUntil < nextBackoffEnd) nextBackoffEnd = p.backoffUntil;
        continue;
      }
      const have = p.members.size + this.cache.placedCountOfUnit(p.unit.key);
      if (have < p.unit.minMember) {
        held.push({
          pending: p,
          message: `waiting for members: ${have}/${p.unit.minMember} exist`,
          waitingSince: p.since,
        });
        continue;
      }
      let share = 0;
      const qn = p.unit.queue;
      if (qn) {
        share = shares.get(qn) ?? Number.NaN;
        if (Number.isNaN(share)) {
          const q = this.queues.get(qn);
          share = q ? dominantShare(this.queueUsed(qn, new Map()), q.guaranteed) : Number.POSITIVE_INFINITY;
          shares.set(qn, share);
        }
      }
      candidates.push({ p, share });
    }
    candidates.sort(
      (a, b) => a.share - b.share || b.p.unit.priority - a.p.unit.priority || a.p.unit.createdAt - b.p.unit.createdAt,
    );
    const ready: PendingUnit[] = [];
    const extra = new Map<string, Resources>();
    for (const { p } of candidates) {
      if (ready.length >= limit) break;
      const request = sumRequests(p.members.values());
      const blocked = this.admission(p.unit, request, extra);
      if (blocked) {
        held.push({ pending: p, message: blocked });
        continue;
      }
      if (p.unit.queue) extra.set(p.unit.queue, add(extra.get(p.unit.queue) ?? ZERO, request));
      ready.push(p);
    }
    return { ready, held, ...(nextBackoffEnd === undefined ? {} : { nextBackoffEnd }) };
  }
}
