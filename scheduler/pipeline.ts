import { Binder, type Placement } from './binder/binder.ts';
import type { NodeFacts, SchedulerCache } from './core/cache.ts';
import { keyOf, type Member, type NodeInfo } from './core/types.ts';
import type { QueueInfo, UnitInfo } from './core/unit.ts';
import type { Dispatcher, PendingUnit } from './dispatcher/dispatcher.ts';
import type { Framework } from './framework/runtime.ts';
import { planPreemption } from './preemption/preemption.ts';
import { Overlay } from './schedule/overlay.ts';
import { UnitScheduler, type UnitResult } from './schedule/unit-scheduler.ts';

/** How a Binding write ended. */
export type BindOutcome =
  /** The pod is bound to the node. */
  | 'bound'
  /** The pod no longer exists (deleted meanwhile). */
  | 'gone'
  /** The pod was already bound (by an earlier attempt of ours, or someone else): the informer says where. */
  | 'conflict'
  /** A transient failure (throttled, 5xx, network): try again. */
  | 'retry';

/** Where placements go: the Kubernetes adapter writes Bindings and deletes pods; tests record them. */
export interface BindSink {
  bind(member: Member, node: string): Promise<BindOutcome>;
  /** Deletes a pod: a placeholder that was swapped out, or a member of a gang rolled back. */
  remove(member: Member, reason: string): Promise<void>;
  /** Evicts a preemption victim (through the Eviction API, so PodDisruptionBudgets are honoured). */
  evict(victim: Member, preemptor: UnitInfo): Promise<'evicted' | 'blocked' | 'gone'>;
}

/** Where the pipeline says why units wait, and when they are placed or time out. */
export interface UnitReporter {
  /**
   * Called when the reason a unit waits changes (never twice in a row with the same message). A unit whose object is
   * missing ({@link UnitInfo.missing}) is told on its pods: then `members` are the pods to tell, and a member that
   * arrives later is told alone, with the same message.
   */
  pending(unit: UnitInfo, members: readonly Member[], message: string): void;
  /** Called once a unit has `minMember` members committed. */
  scheduled(unit: UnitInfo, placed: number): void;
  timedOut(unit: UnitInfo, members: readonly Member[], message: string): void;
}

/** Counters and timings the adapter turns into Prometheus metrics. */
export interface PipelineObserver {
  attempt?(result: 'scheduled' | 'unschedulable' | 'error', seconds: number, members: number): void;
  /** One round: units attempted and how long it held the event loop (Bindings wait meanwhile). */
  round?(seconds: number, attempted: number): void;
  /** Parked units a cluster event sent back to the queue. */
  woken?(n: number): void;
  conflicts?(n: number): void;
  binding?(outcome: BindOutcome, seconds: number): void;
  preemption?(victims: number): void;
}

export interface PipelineOptions {
  /** Logical scheduler workers per round: each proposes against the cache plus only its own reservations. */
  workers: number;
  /** Most units handed out per round; the event loop serves I/O between rounds. */
  roundSize: number;
  /**
   * Most time one round spends proposing (ms) before it commits what it has and yields, so Binding completions and
   * informer events are served in between; the units it did not reach go first in the next round.
   */
  roundBudgetMs: number;
  /** Changed nodes beyond which an event wakes every parked unit instead of testing each against those nodes. */
  wakeHintNodes: number;
  /** Bindings in flight at once. */
  bindConcurrency: number;
  /** Attempts of one Binding before its placement is rolled back. */
  maxBindAttempts: number;
  /**
   * Feasible nodes found (then scored) per member before choosing: kube-scheduler's `percentageOfNodesToScore`
   * floor. 0 applies kube-scheduler's adaptive rule (420 of 1,000 nodes), which costs 4× the CPU per placement
   * for a marginally better score; the search start rotates, so every node is still considered over time.
   */
  nodesToScore: number;
  /** Least time between two reports on one unit (ms). */
  reportIntervalMs: number;
  /** How long a gang may wait for its members, or members for their SchedulingUnit, before it says so (ms). */
  membersGraceMs: number;
  /** Whether a unit that fits nowhere may evict lower-priority pods. */
  preemption: boolean;
  /** How long a preemptor waits for its victims to go before it may preempt again (ms). */
  preemptionGraceMs: number;
  /** Wall clock (ms). */
  now: () => number;
}

export const DEFAULT_PIPELINE_OPTIONS: PipelineOptions = {
  workers: 1,
  roundSize: 256,
  roundBudgetMs: 50,
  wakeHintNodes: 64,
  bindConcurrency: 64,
  maxBindAttempts: 5,
  nodesToScore: 100,
  reportIntervalMs: 5_000,
  membersGraceMs: 5_000,
  preemption: true,
  preemptionGraceMs: 30_000,
  now: Date.now,
};

/** One unit's committed placements, so a Binding that fails for good can roll back the whole gang. */
interface Commit {
  unit: UnitInfo;
  placements: Placement[];
  bound: Set<Placement>;
  failed: boolean;
  /** A placeholder to delete once the real member is bound. */
  replaces?: Member;
}

interface BindTask {
  commit: Commit;
  placement: Placement;
  attempt: number;
}

/**
 * Dispatcher → parallel schedulers → binder, driven by cluster events. Pure apart from the sink and reporter: the
 * adapter feeds events in, and nothing here knows Kubernetes.
 */
export class SchedulingPipeline {
  private readonly binder: Binder;
  private readonly fw: Framework;
  private readonly schedulers: UnitScheduler[];
  private readonly overlays: Overlay[];
  private readonly opts: PipelineOptions;
  private readonly bindQueue: BindTask[] = [];
  private readonly swaps = new Map<string, Member>();
  private inFlight = 0;
  private retrying = 0;
  private kicked = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  /** A kick for when the earliest backoff ends (the 1 s tick would add up to a second). */
  private backoffTimer: { at: number; handle: NodeJS.Timeout } | undefined;
  private lastTimeoutCheck = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly cache: SchedulerCache,
    private readonly dispatcher: Dispatcher,
    fw: Framework,
    private readonly sink: BindSink,
    private readonly reporter: UnitReporter,
    opts: Partial<PipelineOptions> = {},
    private readonly observer: PipelineObserver = {},
  ) {
    this.opts = { ...DEFAULT_PIPELINE_OPTIONS, ...opts };
    this.binder = new Binder(cache, fw);
    this.fw = fw;
    this.schedulers = Array.from(
      { length: this.opts.workers },
      () => new UnitScheduler(fw, { feasibleToFind: this.opts.nodesToScore }),
    );
    this.overlays = Array.from({ length: this.opts.workers }, () => new Overlay());
  }

  start(): void {
    this.stopped = false;
    // Backoffs expire and timeouts pass without any event: look again every second.
    this.timer = setInterval(() => this.kick(), 1_000).unref();
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.backoffTimer) clearTimeout(this.backoffTimer.handle);
    this.backoffTimer = undefined;
  }

  // ---- events from the adapter ----

  /** A pod of ours without a node. */
  podPending(m: Member): void {
    const key = keyOf(m);
    if (this.cache.placement(key)) return; // our Binding is in flight
    const unit = m.unit ? this.dispatcher.unit(m.unit) : undefined;
    this.inherit(m, unit);
    if (unit?.finished) return;
    if (unit && !m.placeholder && m.unit && m.role) {
      const ph = this.cache.placedOfUnit(m.unit).find((p) => p.member.placeholder && p.member.role === m.role);
      if (ph && !this.swaps.has(key)) {
        this.swaps.set(key, m);
        this.kick();
        return;
      }
    }
    this.dispatcher.addMember(m, this.opts.now());
    this.kick();
  }

  /** A pod bound to a node (by us or anyone), or running there. */
  podPlaced(m: Member, node: string): void {
    const key = keyOf(m);
    this.inherit(m, m.unit ? this.dispatcher.unit(m.unit) : undefined);
    this.dispatcher.removeMember(key);
    this.swaps.delete(key);
    this.cache.place(m, node, false);
  }

  /** A member counts against its unit's queue and weighs with its unit's priority (victims and preemptors alike). */
  private inherit(m: Member, unit: UnitInfo | undefined): void {
    if (!unit) return;
    if (unit.queue && !m.queue) m.queue = unit.queue;
    m.priority = Math.max(m.priority, unit.priority);
  }

  /** A pod deleted or finished: its resources are free. */
  podGone(key: string): void {
    this.dispatcher.removeMember(key);
    this.swaps.delete(key);
    if (this.cache.unplace(key)) this.kick();
  }

  nodeUpsert(facts: NodeFacts): void {
    this.cache.upsertNode(facts);
    this.kick();
  }

  nodeRemoved(name: string): void {
    this.cache.removeNode(name);
  }

  unitUpsert(u: UnitInfo): void {
    const old = this.dispatcher.unit(u.key);
    this.dispatcher.setUnit(old?.finished ? { ...u, finished: true } : u, this.opts.now());
    this.kick();
  }

  /** Its members still pending wait for it to come back (see {@link Dispatcher.removeUnit}). */
  unitRemoved(key: string): void {
    this.dispatcher.removeUnit(key, this.opts.now());
    this.kick();
  }

  queueUpsert(q: QueueInfo): void {
    this.dispatcher.setQueue(q);
    this.kick();
  }

  queueRemoved(name: string): void {
    this.dispatcher.removeQueue(name);
  }

  /** Resolves when nothing is pending that could be placed now and no Binding is in flight (tests, benchmarks). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get stats(): {
    pendingUnits: number;
    unschedulableUnits: number;
    pendingMembers: number;
    bindQueue: number;
    inFlight: number;
  } {
    return {
      pendingUnits: this.dispatcher.pendingUnits,
      unschedulableUnits: this.dispatcher.parkedCount,
      pendingMembers: this.dispatcher.pendingMembers,
      bindQueue: this.bindQueue.length,
      inFlight: this.inFlight,
    };
  }

  // ---- the loop ----

  private isIdle(): boolean {
    if (this.inFlight > 0 || this.retrying > 0 || this.bindQueue.length > 0 || this.swaps.size > 0 || this.kicked)
      return false;
    const now = this.opts.now();
    for (const p of this.dispatcher.all())
      if (!p.parked && p.backoffUntil <= now && !p.unit.finished && !p.message) return false;
    return true;
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  kick(): void {
    if (this.kicked || this.stopped) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      try {
        this.round();
      } finally {
        this.notifyIdle();
      }
    });
  }

  private round(): void {
    if (this.stopped) return;
    // Stay at most a few rounds ahead of the apiserver: assumptions are cheap, but stale ones help nobody.
    if (this.bindQueue.length > this.opts.roundSize * 4) return;
    const now = this.opts.now();
    this.wakeOnEvents();
    if (now - this.lastTimeoutCheck >= 1_000) {
      this.lastTimeoutCheck = now;
      this.checkTimeouts(now);
      this.dispatcher.wakeStale(now);
      this.flushDeferredReports(now);
    }
    this.runSwaps();
    this.pump();
    const { ready, held, nextBackoffEnd } = this.dispatcher.next(now, this.opts.roundSize);
    if (nextBackoffEnd !== undefined) this.kickAt(nextBackoffEnd, now);
    for (const h of held) {
      // Members of a gang arrive one by one, and its unit may reach us a moment after them: say nothing while they
      // are still arriving, as coscheduling does.
      if (h.waitingSince !== undefined && now - h.waitingSince < this.opts.membersGraceMs) continue;
      this.report(h.pending, h.message, now);
    }
    if (ready.length === 0) return;

    // Schedulers: each worker proposes for its share of the round, blind to the other workers' proposals. A round
    // holds the event loop, so it stops at its time budget; the units not reached stay queued for the next one.
    const nodes = this.cache.nodeList();
    const results: { p: PendingUnit; needed: number; res: UnitResult; started: number }[] = [];
    const roundStarted = performance.now();
    let attempted = 0;
    for (const p of ready) {
      if (attempted > 0 && performance.now() - roundStarted > this.opts.roundBudgetMs) break;
      const w = attempted++ % this.opts.workers;
      const started = performance.now();
      const needed = this.needed(p, now);
      const members = [...p.members.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
      const res = this.schedulers[w]?.schedule(members, nodes, this.overlays[w] ?? new Overlay(), needed, this.cache);
      if (res) results.push({ p, needed, res, started });
    }
    for (const o of this.overlays) o.clear();

    // Binder: commit in dispatch order against the live cache.
    const parkedNow: PendingUnit[] = [];
    let lostConflict = false;
    for (const { p, needed, res, started } of results) {
      const seconds = (performance.now() - started) / 1000;
      if (!res.ok) {
        this.observer.attempt?.('unschedulable', seconds, p.members.size);
        if (!res.unresolvable && this.preempt(p, now)) {
          // Its victims are leaving: their deletion wakes it at once (no backoff), the grace period bounds the wait.
          this.dispatcher.park(p.unit.key, now, 'resources', { backoff: false, until: p.preemptingUntil ?? now });
          continue;
        }
        // Nothing changes for it until the cluster does: park it until an event could let it fit.
        this.dispatcher.park(p.unit.key, now, res.unresolvable ? 'unresolvable' : 'resources');
        parkedNow.push(p);
        this.report(p, res.message, now);
        continue;
      }
      const c = this.binder.commit(res.proposals, needed);
      if (c.conflicts) this.observer.conflicts?.(c.conflicts);
      if (!c.ok) {
        // Another worker's commit this round took the room it had found: it goes again next round, in its turn,
        // against the cache that now holds the winner (it either finds other room or is parked then, with a reason).
        this.observer.attempt?.('unschedulable', seconds, p.members.size);
        this.dispatcher.retryNow(p.unit.key);
        lostConflict = true;
        continue;
      }
      if (c.placements.length === 0) {
        this.dispatcher.park(p.unit.key, now, 'resources');
        continue;
      }
      this.observer.attempt?.('scheduled', seconds, c.placements.length);
      for (const pl of c.placements) this.dispatcher.removeMember(keyOf(pl.member));
      const commit: Commit = { unit: p.unit, placements: c.placements, bound: new Set(), failed: false };
      for (const placement of c.placements) this.bindQueue.push({ commit, placement, attempt: 0 });
      if (p.unit.minMember > 1 || p.message) this.reporter.scheduled(p.unit, this.cache.placedCountOfUnit(p.unit.key));
      p.message = undefined;
      p.deferredMessage = undefined;
    }
    // Units parked this round were judged against their worker's reservations; a unit that then lost its commit
    // never took that room, and no event will say so: they go again too.
    if (lostConflict) for (const p of parkedNow) this.dispatcher.retryNow(p.unit.key);
    this.pump();
    this.observer.round?.((performance.now() - roundStarted) / 1000, attempted);
    if (ready.length >= this.opts.roundSize || attempted < ready.length) this.kick();
  }

  /** Kicks a round at `at` (ms, the pipeline's clock), unless one is already due earlier. */
  private kickAt(at: number, now: number): void {
    if (this.backoffTimer && this.backoffTimer.at <= at) return;
    if (this.backoffTimer) clearTimeout(this.backoffTimer.handle);
    const handle = setTimeout(
      () => {
        this.backoffTimer = undefined;
        this.kick();
      },
      Math.max(0, at - now),
    );
    handle.unref();
    this.backoffTimer = { at, handle };
  }

  /**
   * Sends parked units back to the queue when a cluster event since the last round could let them fit (QueueingHints,
   * reduced to nodes): a unit parked for resources wakes when a pod left a node or a node was added or changed and
   * one of its members passes the filters there now; a unit parked as unresolvable only when a node was added or
   * changed. Members with anti-affinity terms, a departed pod with such terms, or more changed nodes than
   * `wakeHintNodes` wake every candidate without the test. The test filters the changed nodes only, after a PreFilter
   * that sees the whole cluster's pods through the cache's index, so it answers as an attempt would there: a needless
   * wake costs one attempt, a missed one would strand the unit.
   */
  private wakeOnEvents(): void {
    const e = this.cache.takeEvents();
    if (this.dispatcher.parkedCount === 0) return;
    if (e.freedOn.size === 0 && e.nodesChanged.size === 0 && !e.domainWide) return;
    const infos = (names: Iterable<string>): NodeInfo[] => {
      const out: NodeInfo[] = [];
      for (const n of names) {
        const info = this.cache.node(n);
        if (info) out.push(info);
      }
      return out;
    };
    const changed = infos(e.nodesChanged);
    const any = infos(new Set([...e.freedOn, ...e.nodesChanged]));
    const everyone = e.domainWide || any.length > this.opts.wakeHintNodes;
    let woken = 0;
    for (const p of [...this.dispatcher.parked()]) {
      const nodes = p.parked === 'unresolvable' ? changed : any;
      if (nodes.length === 0 && !(everyone && p.parked === 'resources')) continue;
      if (everyone || this.couldFit(p, nodes)) {
        this.dispatcher.wake(p);
        woken++;
      }
    }
    // Called at the start of a round: the woken units are in this round's queue already.
    if (woken) this.observer.woken?.(woken);
  }

  /** Whether any pending member of `p` passes the filters on one of `nodes` as they are now. */
  private couldFit(p: PendingUnit, nodes: readonly NodeInfo[]): boolean {
    for (const m of p.members.values()) {
      if (m.podAntiAffinity?.length) return true;
      const { state, status } = this.fw.preFilter(m, nodes, this.cache);
      if (!status.isSuccess) continue;
      for (const n of nodes) if (this.fw.filterOne(state, m, n).isSuccess) return true;
    }
    return false;
  }

  /**
   * Evicts lower-priority pods so the whole unit fits, when that is possible; true when victims are on their way
   * out (or still leaving from an earlier attempt), so the unit waits for them instead of reporting a plain failure.
   */
  private preempt(p: PendingUnit, now: number): boolean {
    if (!this.opts.preemption) return false;
    if ((p.preemptingUntil ?? 0) > now) return true;
    const members = [...p.members.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    const plan = planPreemption(members, p.unit.priority, this.cache, this.fw);
    if (!plan) return false;
    p.preemptingUntil = now + this.opts.preemptionGraceMs;
    this.observer.preemption?.(plan.victims.length);
    const names = plan.victims.slice(0, 3).map((v) => keyOf(v));
    this.report(
      p,
      `preempting ${plan.victims.length} lower-priority pod(s) (${names.join(', ')}${plan.victims.length > 3 ? ', …' : ''})`,
    );
    for (const v of plan.victims) {
      this.sink
        .evict(v, p.unit)
        .then((r) => {
          // A PodDisruptionBudget said no: let the unit try again (another plan) now.
          if (r === 'blocked') this.replan(p);
        })
        .catch(() => this.replan(p));
    }
    return true;
  }

  /** A preemption that did not go through: the unit plans again in the next round. */
  private replan(p: PendingUnit): void {
    p.preemptingUntil = 0;
    this.dispatcher.retryNow(p.unit.key);
    this.kick();
  }

  /** Members the unit still needs placed together: up to `minMember`, or one at a time once a soft unit timed out. */
  private needed(p: PendingUnit, now: number): number {
    const missing = Math.max(0, p.unit.minMember - this.cache.placedCountOfUnit(p.unit.key));
    const timedOut = p.unit.timeoutSeconds !== undefined && now - p.since > p.unit.timeoutSeconds * 1000;
    return p.unit.mode === 'soft' && timedOut ? Math.min(1, missing) : missing;
  }

  /**
   * Tells the reporter when the reason changed, at most once per `reportIntervalMs` per unit: a reason that changes
   * with every placement elsewhere ("812 Insufficient cpu", "790 …") must not turn into a stream of writes.
   */
  private report(p: PendingUnit, message: string, now = this.opts.now()): void {
    if (p.message === message) {
      p.deferredMessage = undefined;
      // Each pod is written once per reason: the rate limit is for a unit's reason changing, not for new pods.
      if (p.told && p.told.size < p.members.size) {
        const untold = [...p.members.values()].filter((m) => !p.told?.has(keyOf(m)));
        for (const m of untold) p.told.add(keyOf(m));
        this.reporter.pending(p.unit, untold, message);
      }
      return;
    }
    if (p.reportedAt !== undefined && now - p.reportedAt < this.opts.reportIntervalMs) {
      // Too soon after the last report: said later (a parked unit is not attempted again to say it then).
      p.deferredMessage = message;
      return;
    }
    p.message = message;
    p.deferredMessage = undefined;
    p.reportedAt = now;
    p.told = p.unit.missing ? new Set(p.members.keys()) : undefined;
    this.reporter.pending(p.unit, [...p.members.values()], message);
  }

  /** Reports held back by `reportIntervalMs` whose interval has passed. */
  private flushDeferredReports(now: number): void {
    for (const p of this.dispatcher.all()) if (p.deferredMessage !== undefined) this.report(p, p.deferredMessage, now);
  }

  private checkTimeouts(now: number): void {
    for (const p of [...this.dispatcher.all()]) {
      const t = p.unit.timeoutSeconds;
      if (t === undefined || p.unit.finished || p.unit.mode === 'soft' || now - p.since <= t * 1000) continue;
      if (this.cache.placedCountOfUnit(p.unit.key) >= p.unit.minMember) continue;
      // The dispatcher's unit is this object: marking it keeps later members out too (podPending).
      p.unit.finished = true;
      const members = [...p.members.values()];
      this.dispatcher.dropPending(p.unit.key);
      this.reporter.timedOut(p.unit, members, `not placed within ${t}s: ${p.message ?? 'waiting'}`);
    }
  }

  private runSwaps(): void {
    for (const [key, real] of this.swaps) {
      this.swaps.delete(key);
      // The unit may have been deleted since: then the member waits for it like any other, and nothing is swapped.
      const unit = real.unit ? this.dispatcher.unit(real.unit) : undefined;
      const ph = unit
        ? this.cache.placedOfUnit(unit.key).find((p) => p.member.placeholder && p.member.role === real.role)
        : undefined;
      const placement = ph ? this.binder.swap(real, keyOf(ph.member)) : undefined;
      if (!ph || !placement || !unit) {
        this.dispatcher.addMember(real, this.opts.now());
        continue;
      }
      const commit: Commit = { unit, placements: [placement], bound: new Set(), failed: false, replaces: ph.member };
      this.bindQueue.push({ commit, placement, attempt: 0 });
    }
  }

  // ---- bindings ----

  private pump(): void {
    while (this.inFlight < this.opts.bindConcurrency && this.bindQueue.length > 0) {
      const task = this.bindQueue.shift();
      if (!task || task.commit.failed) continue;
      this.inFlight++;
      const started = performance.now();
      this.sink
        .bind(task.placement.member, task.placement.node)
        .catch((): BindOutcome => 'retry')
        .then((outcome) => {
          this.inFlight--;
          this.observer.binding?.(outcome, (performance.now() - started) / 1000);
          this.settle(task, outcome);
          this.pump();
          if (this.bindQueue.length <= this.opts.roundSize) this.kick();
          this.notifyIdle();
        })
        .catch(() => undefined);
    }
  }

  private settle(task: BindTask, outcome: BindOutcome): void {
    const { commit, placement } = task;
    const key = keyOf(placement.member);
    if (outcome === 'bound' || outcome === 'conflict') {
      commit.bound.add(placement);
      const entry = this.cache.placement(key);
      if (outcome === 'bound' && entry?.node === placement.node) entry.assumed = false;
      if (commit.replaces && outcome === 'bound') void this.sink.remove(commit.replaces, 'replaced by its member');
      if (commit.failed) void this.sink.remove(placement.member, 'gang rolled back');
      return;
    }
    if (outcome === 'retry' && task.attempt + 1 < this.opts.maxBindAttempts && !commit.failed) {
      // The assumption holds while we wait, so nothing else takes the place meanwhile.
      this.retrying++;
      setTimeout(
        () => {
          this.retrying--;
          this.bindQueue.push({ ...task, attempt: task.attempt + 1 });
          this.pump();
        },
        50 * 2 ** task.attempt,
      );
      return;
    }
    // Gone, or failing for good: this member is lost. A gang below minMember is rolled back whole.
    this.cache.unplace(key);
    if (commit.failed) return;
    const placed = this.cache.placedCountOfUnit(commit.unit.key);
    if (placed >= commit.unit.minMember || commit.unit.minMember <= 1) return;
    commit.failed = true;
    for (const p of commit.placements) {
      if (p === placement) continue;
      if (commit.bound.has(p)) void this.sink.remove(p.member, 'gang rolled back');
      else this.binder.rollback([p]);
    }
  }
}
