import type { AppRecord, ContainerRecord, YarnApplicationState } from '../../api/yarn.ts';

/** Filters of `GET /apps`, already validated. Sets are matched case-insensitively where the RM does. */
export interface AppFilter {
  states?: ReadonlySet<YarnApplicationState>;
  finalStatus?: string;
  user?: string;
  /** Full queue path (`root.spark`). */
  queue?: string;
  types?: ReadonlySet<string>;
  tags?: ReadonlySet<string>;
  name?: string;
  startedTimeBegin?: number;
  startedTimeEnd?: number;
  finishedTimeBegin?: number;
  finishedTimeEnd?: number;
  limit?: number;
}

/**
 * The CapacityScheduler's leaf-queue admission limits, checked atomically with the create: the app is admitted when
 * the queue holds fewer than `maxApplications` unfinished apps and its user fewer than `maxApplicationsPerUser` there.
 */
export interface AdmissionLimits {
  maxApplications: number;
  maxApplicationsPerUser: number;
}

/**
 * Outcome of creating an app: created now, already there (a retried submission), or refused by a limit of
 * {@link AdmissionLimits} (nothing written; `count` is what the queue or the user held).
 */
export type CreateResult =
  | { created: true; app: AppRecord }
  | { created: false; app: AppRecord }
  | { created: false; refused: { limit: 'queue' | 'user'; count: number } };

/**
 * Where the gateway keeps YARN applications. Every replica of the gateway shares it (Redis), so any of them answers
 * the same. Implementations must make `create` atomic: a crash never leaves an app without its indexes.
 */
export interface AppStore {
  /** The RM start timestamp every id embeds; fixed the first time any gateway starts. */
  clusterTimestamp(now: number): Promise<number>;
  /** The next application sequence number. */
  nextSequence(): Promise<number>;
  /**
   * Stores the app, its submission and its indexes together, unless the id exists. With `admission`, first counts the
   * unfinished apps of the app's queue (and of its user in that queue) in the same atomic step and refuses past a
   * limit. With `reserveSequence`, also makes sure `nextSequence` never hands out that number.
   */
  create(
    app: AppRecord,
    submission: unknown,
    o?: { admission?: AdmissionLimits; reserveSequence?: number },
  ): Promise<CreateResult>;
  get(id: string): Promise<AppRecord | undefined>;
  /** The submission context stored with the app (the translator reads it). */
  submission(id: string): Promise<unknown>;
  /** Applies `change` to the stored app (optimistically, retrying on concurrent writes); undefined if unknown. */
  update(id: string, change: (app: AppRecord) => AppRecord): Promise<AppRecord | undefined>;
  list(filter: AppFilter): Promise<AppRecord[]>;
  /** Live containers of an attempt, as the translator reports them from pods. */
  containers(appId: string, attempt: number): Promise<ContainerRecord[]>;
  /** Replaces the containers of an attempt (the translator's status controller). */
  writeContainers(appId: string, attempt: number, containers: readonly ContainerRecord[]): Promise<void>;
  /** How many apps there are per state, plus `REFUSED` (failed at submission), for /metrics and /appstatistics. */
  countByState(): Promise<Map<YarnApplicationState | 'REFUSED', number>>;
}
