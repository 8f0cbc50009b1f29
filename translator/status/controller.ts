import type { Logger } from 'pino';
import type { AppStore } from '../../gateway/store/app-store.ts';
import { isFinalState } from '../../api/yarn.ts';
import { deriveApp, type MemberPod, type UnitView } from './derive.ts';

/** Ports of the status controller; the Kubernetes adapter and the submit processor fill them. */
export interface StatusPorts {
  store: AppStore;
  podsOf(appId: string): MemberPod[];
  /** The SchedulingUnit of an attempt, as the scheduler reports it. */
  unitOf(appId: string, attempt: number): UnitView | undefined;
  /** Deletes the app's objects (its unit timed out: nothing of it will ever run). */
  cleanup(appId: string): Promise<unknown>;
  /** Creates the objects of the app's newest attempt (the submit processor does exactly that). */
  startAttempt(appId: string): Promise<unknown>;
  /** How long a finished app's objects stay before `cleanup` removes them (ms). */
  retentionMs: number;
  /** Told of every reconcile: whether the YARN record changed, and how long it took. */
  observe?: (result: 'changed' | 'unchanged' | 'failed', seconds: number) => void;
  now: () => number;
  log: Logger;
}

/**
 * Keeps each YARN app's record true to its pods. Events for one app are reconciled one at a time (a chain per app),
 * so two events never race on the same record; different apps proceed in parallel.
 */
export class StatusController {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly p: StatusPorts) {}

  /** Schedules a reconcile of `appId` after the ones already queued for it. */
  enqueue(appId: string): void {
    const prev = this.chains.get(appId) ?? Promise.resolve();
    const next = prev
      .then(async () => {
        const started = performance.now();
        try {
          const changed = await this.reconcile(appId);
          this.p.observe?.(changed ? 'changed' : 'unchanged', (performance.now() - started) / 1000);
        } catch (err) {
          this.p.observe?.('failed', (performance.now() - started) / 1000);
          throw err;
        }
      })
      .catch((err: unknown) => this.p.log.warn({ appId, err }, 'status reconcile failed'))
      .finally(() => {
        if (this.chains.get(appId) === next) this.chains.delete(appId);
      });
    this.chains.set(appId, next);
  }

  /** Waits for every queued reconcile (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.chains.size) await Promise.all([...this.chains.values()]);
  }

  /** Brings one app's record in line with its pods; true when the record changed. */
  async reconcile(appId: string): Promise<boolean> {
    const app = await this.p.store.get(appId);
    if (!app) return false;
    const pods = this.p.podsOf(appId);
    if (isFinalState(app.state)) {
      // Finished pods keep their node's records and the apiserver's memory busy: they go after the retention, the
      // YARN record stays (the gateway serves it until its own completed-apps limit).
      const ended = app.finishedTime > 0 ? app.finishedTime : 0;
      if (pods.length && ended && this.p.now() >= ended + this.p.retentionMs) {
        this.p.log.info({ appId, state: app.state }, 'retention passed; deleting the app objects');
        await this.p.cleanup(appId);
      }
      return false;
    }
    const unit = this.p.unitOf(appId, app.attempts.at(-1)?.id ?? 1);
    const derived = deriveApp(app, pods, this.p.now(), unit);
    const changed = JSON.stringify(derived.app) !== JSON.stringify(app);
    if (changed) {
      // Re-derive inside the update, so a concurrent gateway write (kill, move) is never overwritten.
      await this.p.store.update(appId, (current) => deriveApp(current, pods, this.p.now(), unit).app);
    }
    if (derived.cleanup) await this.p.cleanup(appId);
    // The containers belong to the attempt the pods ran; on a retry that is the one before the newest.
    const attempt = derived.retryAttempt !== undefined ? derived.retryAttempt - 1 : derived.app.attempts.at(-1)?.id;
    if (attempt !== undefined) await this.p.store.writeContainers(appId, attempt, derived.containers);
    if (derived.retryAttempt !== undefined) {
      this.p.log.info({ appId, attempt: derived.retryAttempt }, 'starting a new attempt');
      await this.p.startAttempt(appId);
    }
    return changed;
  }
}
