import type { AppRecord } from '../../api/yarn.ts';
import { isFinalState } from '../../api/yarn.ts';
import { aclAllows, parseAcl } from '../auth/acl.ts';
import { isAdmin, type AuthConfig, type Principal } from '../auth/principal.ts';
import { findQueue, type ClusterView } from '../cluster-view.ts';
import { PlainTextError, RemoteError, badRequest, notFound } from '../errors.ts';
import type { SubmissionContext } from '../../api/submission.ts';
import { applicationLimits } from '../queues.ts';
import type { AppFilter, AppStore } from '../store/app-store.ts';
import type { IntakeQueue } from '../store/intake-queue.ts';

const APP_ID = /^application_(\d+)_(\d+)$/;

/** Parses an application id the way `ApplicationId.fromString` does, with its messages. */
export function parseAppId(id: string): { clusterTimestamp: number; seq: number } {
  if (!id.startsWith('application_'))
    throw badRequest(
      `Invalid ApplicationId prefix: ${id}. The valid ApplicationId should start with prefix application`,
    );
  const m = APP_ID.exec(id);
  if (!m) throw new RemoteError('BadRequestCause', `java.lang.IllegalArgumentException: Invalid ApplicationId: ${id}`);
  return { clusterTimestamp: Number(m[1]), seq: Number(m[2]) };
}

/** `application_<ts>_<seq>` with the sequence zero-padded to 4 digits, as YARN formats it. */
export const formatAppId = (ts: number, seq: number): string => `application_${ts}_${String(seq).padStart(4, '0')}`;

export interface AppServiceDeps {
  store: AppStore;
  intake: IntakeQueue;
  cluster: ClusterView;
  auth: AuthConfig;
  now: () => number;
  /** Highest priority an app may have (`yarn.cluster.max-application-priority`). @defaultValue 10 */
  maxPriority: number;
  /** Attempts an app gets when it asks for none or too many (`yarn.resourcemanager.am.max-attempts`). @defaultValue 2 */
  maxAppAttempts: number;
}

/** The YARN application lifecycle as the gateway drives it: ids, submission, kill. Never touches Kubernetes. */
export class AppService {
  constructor(private readonly d: AppServiceDeps) {}

  private timestamp?: number;

  /** Fixed for the cluster's life once the first gateway set it, so each replica reads it once. */
  async clusterTimestamp(): Promise<number> {
    this.timestamp ??= await this.d.store.clusterTimestamp(this.d.now());
    return this.timestamp;
  }

  async newApplication(): Promise<{ id: string; max: { memory: number; vCores: number } }> {
    const ts = await this.clusterTimestamp();
    const seq = await this.d.store.nextSequence();
    return { id: formatAppId(ts, seq), max: this.d.cluster.maximumAllocation() };
  }

  /**
   * Admits the app into its leaf queue, as the CapacityScheduler does, and records it ACCEPTED (ADR 0003): the queue
   * exists, is a leaf and RUNNING, the submit ACL passes, and the queue's `maxApplications` and per-user limit are not
   * reached (counted atomically with the create). A refusal is recorded FAILED with the RM's diagnostics. The
   * translator then creates the Kubernetes objects of an admitted app from its intake job. `raw` is the validated
   * body as sent (JSON or XML tree). A resubmission of an existing id is accepted and changes nothing (the RM answers
   * 202 too); the intake job is re-added, which is a no-op when it exists, so a request that failed between the two
   * steps is completed by its retry.
   */
  async submit(user: string, s: SubmissionContext, raw: unknown = s): Promise<AppRecord> {
    if (s['application-id'] === '') throw badRequest('Could not parse application id ');
    let parsed;
    try {
      parsed = parseAppId(s['application-id']);
    } catch {
      throw badRequest(`Could not parse application id ${s['application-id']}`);
    }
    const max = this.d.cluster.maximumAllocation();
    if (s.resource.memory > max.memory) throw badRequest('Requested more memory than configured max');
    if (s.resource.vCores > max.vCores) throw badRequest('Requested more cores than configured max');
    const queueName = s.queue ?? 'default';
    const queue = findQueue(this.d.cluster.queues(), queueName);
    const now = this.d.now();
    const id = s['application-id'];
    const base: AppRecord = {
      id,
      user,
      name: s['application-name'] || 'N/A',
      queue: queue?.path ?? queueName,
      state: 'ACCEPTED',
      finalStatus: 'UNDEFINED',
      progress: 0,
      diagnostics: '',
      applicationType: (s['application-type'] ?? 'YARN').slice(0, 20),
      tags: [...new Set(s['application-tags'].map((t) => t.toLowerCase()))],
      // The RM reports -1 (Priority.UNDEFINED) when a submission names no priority.
      priority: s.priority === undefined ? -1 : Math.min(s.priority, this.d.maxPriority),
      startedTime: now,
      launchTime: 0,
      finishedTime: 0,
      amResource: { memory: s.resource.memory || 1024, vCores: s.resource.vCores || 1 },
      maxAppAttempts:
        s['max-app-attempts'] <= 0 || s['max-app-attempts'] > this.d.maxAppAttempts
          ? this.d.maxAppAttempts
          : s['max-app-attempts'],
      unmanagedAM: s['unmanaged-AM'],
      keepContainers: s['keep-containers-across-application-attempts'],
      amNodeLabelExpression: s['am-container-node-label-expression'],
      appNodeLabelExpression: s['app-node-label-expression'],
      allocatedMB: 0,
      allocatedVCores: 0,
      runningContainers: 0,
      memorySeconds: 0,
      vcoreSeconds: 0,
      preemptedResourceMB: 0,
      preemptedResourceVCores: 0,
      numNonAMContainerPreempted: 0,
      numAMContainerPreempted: 0,
      preemptedMemorySeconds: 0,
      preemptedVcoreSeconds: 0,
      // Attempt 1 exists from admission on, as in the RM (RMAppImpl creates it when the scheduler accepts the app,
      // and the attempt is SCHEDULED: its AM container request is with the scheduler). The translator adds the
      // SchedulingUnit it creates for it (`unit`).
      attempts: [{ id: 1, state: 'SCHEDULED', startTime: now, finishedTime: 0 }],
      acls: s['am-container-spec']['application-acls'],
    };
    // Unknown queue, stopped queue or a submit ACL denial: the app exists and is FAILED with the reason, as the RM
    // records it (clients poll the state and read diagnostics).
    const rejection = this.admissionProblem(id, user, queueName, queue);
    const refuse = (diagnostics: string): AppRecord => ({
      ...base,
      // Never admitted: the RM makes no attempt for it.
      attempts: [],
      state: 'FAILED',
      finalStatus: 'FAILED',
      diagnostics,
      finishedTime: now,
      refused: true,
    });
    const reserveSequence = parsed.clusterTimestamp === (await this.clusterTimestamp()) ? parsed.seq : undefined;
    const o = reserveSequence === undefined ? {} : { reserveSequence };
    // The body as the client sent it (validated above): the translator re-reads it with the same schema.
    let result =
      rejection || !queue
        ? await this.d.store.create(refuse(rejection ?? ''), raw, o)
        : await this.d.store.create(base, raw, { ...o, admission: applicationLimits(this.d.cluster.queues(), queue) });
    if ('refused' in result) {
      // AbstractLeafQueue.validateSubmitApplication's words; CapacityScheduler.addApplication records the
      // AccessControlException's toString() as the app's diagnostics.
      const { limit, count } = result.refused;
      const why =
        limit === 'queue'
          ? `Queue ${base.queue} already has ${count} applications, cannot accept submission of application: ${id}`
          : `Queue ${base.queue} already has ${count} applications from user ${user} cannot accept submission of application: ${id}`;
      result = await this.d.store.create(refuse(`org.apache.hadoop.security.AccessControlException: ${why}`), raw, o);
      if ('refused' in result) throw new Error(`app ${id} refused without an admission check`);
    }
    if (!isFinalState(result.app.state)) await this.d.intake.submit({ appId: id });
    return result.app;
  }

  private admissionProblem(
    id: string,
    user: string,
    queueName: string,
    queue: ReturnType<typeof findQueue>,
  ): string | undefined {
    if (!queue) return `Application ${id} submitted by user ${user} to unknown queue: ${queueName}`;
    if (queue.children.length > 0) {
      return `Application ${id} submitted by user ${user} to non-leaf queue: ${queue.path}`;
    }
    if (queue.state === 'STOPPED') return `Queue ${queue.path} is STOPPED. Cannot accept submission of application.`;
    const groups = this.d.auth.groups[user] ?? [];
    const queues = this.d.cluster.queues();
    // Submit rights are inherited: allowed on the queue or on any ancestor (CapacityScheduler semantics).
    for (let q: typeof queue | undefined = queue; q; q = q.parent ? findQueue(queues, q.parent) : undefined) {
      if (aclAllows(parseAcl(q.aclSubmit), user, groups) || aclAllows(parseAcl(q.aclAdminister), user, groups))
        return undefined;
    }
    if (aclAllows(this.d.auth.adminAcl, user, groups)) return undefined;
    return `User ${user} does not have permission to submit application to queue ${queue.path}`;
  }

  list(filter: AppFilter): Promise<AppRecord[]> {
    return this.d.store.list(filter);
  }

  /** Every app not yet finished (for pending and per-queue figures). */
  live(): Promise<AppRecord[]> {
    return this.d.store.list({ states: new Set(['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED', 'RUNNING']) });
  }

  countByState(): ReturnType<AppStore['countByState']> {
    return this.d.store.countByState();
  }

  async get(id: string): Promise<AppRecord> {
    parseAppId(id);
    const app = await this.d.store.get(id);
    if (!app) throw notFound(`app with id: ${id} not found`);
    return app;
  }

  /** Whether `p` may modify (kill, move, re-prioritise) `app`: owner, MODIFY_APP ACL, queue or cluster admin. */
  canModify(p: Principal, app: AppRecord): boolean {
    if (!p.user) return false;
    if (p.user === app.user || isAdmin(this.d.auth, p)) return true;
    const modify = app.acls.MODIFY_APP;
    if (modify !== undefined && aclAllows(parseAcl(modify), p.user, p.groups)) return true;
    const queues = this.d.cluster.queues();
    for (let q = findQueue(queues, app.queue); q; q = q.parent ? findQueue(queues, q.parent) : undefined) {
      if (aclAllows(parseAcl(q.aclAdminister), p.user, p.groups)) return true;
    }
    return false;
  }

  /** Whether `p` sees the ACL-protected fields of `app` (VIEW_APP or modify rights). */
  canView(p: Principal, app: AppRecord): boolean {
    if (!p.user) return true; // anonymous reads run as the static user, who sees all on an insecure cluster
    // An app refused at submission never entered a queue, so no queue ACL hides it (the RM shows it to anyone).
    if (app.refused) return true;
    if (this.canModify(p, app)) return true;
    const view = app.acls.VIEW_APP;
    return view !== undefined && aclAllows(parseAcl(view), p.user, p.groups);
  }

  /**
   * Move to another leaf queue (`PUT /apps/{id}/queue`). As the RM: an unknown target queue and a caller without
   * modify rights both get the plain-text 403; a finished app gets a plain-text 400. Returns the full queue path.
   */
  async move(p: Principal, id: string, target: string): Promise<string> {
    const app = await this.get(id);
    if (!p.user) throw new RemoteError('NotAuthenticated', 'Unable to obtain user name, user not authenticated');
    const queue = findQueue(this.d.cluster.queues(), target);
    if (!this.canModify(p, app) || !queue) {
      throw new PlainTextError(403, `Unauthorized attempt to move appid ${id} by remote user ${p.user}`);
    }
    if (isFinalState(app.state)) throw new PlainTextError(400, `App in ${app.state} state cannot be moved.`);
    if (queue.children.length > 0) throw badRequest(`Cannot move application ${id} to non-leaf queue ${queue.path}`);
    if (queue.path === app.queue) return app.queue;
    await this.d.store.update(id, (a) => ({ ...a, queue: queue.path }));
    await this.d.intake.update({ appId: id, what: 'queue' });
    return queue.path;
  }

  /** Priority (`PUT /apps/{id}/priority`), clamped to the cluster maximum as the RM does silently. */
  async setPriority(p: Principal, id: string, priority: number): Promise<number> {
    const app = await this.get(id);
    if (!p.user) throw new RemoteError('NotAuthenticated', 'Unable to obtain user name, user not authenticated');
    if (!this.canModify(p, app)) {
      throw new PlainTextError(403, `Unauthorized attempt to change priority of appid ${id} by remote user ${p.user}`);
    }
    const effective = Math.min(Math.max(priority, 0), this.d.maxPriority);
    if (effective !== app.priority) {
      await this.d.store.update(id, (a) => ({ ...a, priority: effective }));
      if (!isFinalState(app.state)) await this.d.intake.update({ appId: id, what: 'priority' });
    }
    return effective;
  }

  /** LIFETIME timeout (`PUT /apps/{id}/timeout`): an absolute expiry; the translator kills the app when it passes. */
  async setLifetime(p: Principal, id: string, expiry: number): Promise<AppRecord> {
    const app = await this.get(id);
    if (!p.user) throw new RemoteError('NotAuthenticated', 'Unable to obtain user name, user not authenticated');
    if (!this.canModify(p, app)) {
      throw new PlainTextError(403, `Unauthorized attempt to change timeout of app ${id} by remote user ${p.user}`);
    }
    if (isFinalState(app.state))
      throw new PlainTextError(400, `Application is in ${app.state} state, timeout can not be updated.`);
    const updated = await this.d.store.update(id, (a) => ({ ...a, lifetimeExpiry: expiry }));
    await this.d.intake.update({ appId: id, what: 'timeout' });
    return updated ?? app;
  }

  containers(id: string, attempt: number): ReturnType<AppStore['containers']> {
    return this.d.store.containers(id, attempt);
  }

  /**
   * Kill: a final app answers its state without any check (as the RM does); otherwise the caller must be allowed,
   * the app is marked as being killed and the translator gets a kill job. Returns the state to answer.
   */
  async kill(p: Principal, id: string, diagnostics?: string): Promise<{ state: string; done: boolean }> {
    const app = await this.get(id);
    if (isFinalState(app.state)) return { state: app.state, done: true };
    if (!p.user) throw new RemoteError('NotAuthenticated', 'Unable to obtain user name, user not authenticated');
    if (!this.canModify(p, app))
      throw new PlainTextError(403, `Unauthorized attempt to kill appid ${id} by remote user ${p.user}`);
    const message = `Application ${id} was killed by user ${p.user}${diagnostics ? ` with diagnostic message: ${diagnostics}` : ''}`;
    await this.d.intake.kill({ appId: id, user: p.user, diagnostics: message });
    // Nothing in Kubernetes yet (admitted, the translator has not created the attempt's SchedulingUnit): the kill
    // completes here, ending the attempt as the RM ends it. The kill job still deletes whatever the translator may be
    // creating at this moment, and the translator drops a killed app's objects.
    if (
      !app.attempts.some((a) => a.unit !== undefined) &&
      (app.state === 'ACCEPTED' || app.state === 'SUBMITTED' || app.state === 'NEW' || app.state === 'NEW_SAVING')
    ) {
      const now = this.d.now();
      const killed = await this.d.store.update(id, (a) =>
        isFinalState(a.state)
          ? a
          : {
              ...a,
              state: 'KILLED',
              finalStatus: 'KILLED',
              diagnostics: message,
              finishedTime: now,
              attempts: a.attempts.map((at) => (at.finishedTime ? at : { ...at, state: 'KILLED', finishedTime: now })),
            },
      );
      return { state: killed?.state ?? 'KILLED', done: true };
    }
    return { state: app.state, done: false };
  }
}
