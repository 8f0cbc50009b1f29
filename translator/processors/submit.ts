import type { Logger } from 'pino';
import { submissionProblem } from '../../api/submission.ts';
import { isFinalState, type AppRecord } from '../../api/yarn.ts';
import type { AppStore } from '../../gateway/store/app-store.ts';
import type { ClusterWriter } from '../k8s/cluster-writer.ts';
import { qosOfTier } from '../../api/queue.ts';
import { credentialsSecret, leafQueue, memberPods, unitObject, type ObjectConfig } from '../objects.ts';
import { unitName } from '../naming.ts';
import { profileFor } from '../profiles/registry.ts';

export interface SubmitDeps {
  store: AppStore;
  writer: ClusterWriter;
  config: ObjectConfig;
  now: () => number;
  log: Logger;
  /** Pods created at once for one app; the worker's rate limit bounds the total. @defaultValue 8 */
  podConcurrency?: number;
}

export type SubmitOutcome = 'accepted' | 'failed' | 'skipped';

/** States of an admitted app whose objects may not exist yet. */
const WAITING_STATES: ReadonlySet<AppRecord['state']> = new Set(['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED']);

/**
 * The app's objects could not be created for good (the apiserver refused one, or every retry failed): whatever was
 * created is deleted and the admitted app ends FAILED with the reason, as an app whose AM container cannot be
 * launched does in YARN.
 */
export async function failAfterAdmission(appId: string, reason: string, d: SubmitDeps): Promise<void> {
  await d.writer.deleteApp(d.config.namespace, appId).catch(() => undefined);
  const now = d.now();
  const diagnostics = `Application ${appId} failed: its Kubernetes objects could not be created: ${reason}`;
  await d.store.update(appId, (a) =>
    isFinalState(a.state) ? a : { ...a, state: 'FAILED', finalStatus: 'FAILED', diagnostics, finishedTime: now },
  );
  d.log.warn({ appId, reason }, 'app failed: objects could not be created');
}

/**
 * Turns an admitted (ACCEPTED) app into its SchedulingUnit and member pods, then records its first attempt and the
 * scheduler wait in its diagnostics. The gateway admitted it into its queue already (ADR 0003); SUBMITTED, NEW and
 * NEW_SAVING (records written before that decision) are taken too. Idempotent: names are deterministic and
 * AlreadyExists is success, so a replay or a retry after a crash at any point converges to one set of objects. A
 * submission no profile can plan fails the app with a diagnostic, never the worker.
 */
export async function processSubmit(appId: string, d: SubmitDeps): Promise<SubmitOutcome> {
  const app = await d.store.get(appId);
  if (!app || isFinalState(app.state)) return 'skipped';
  const parsed = submissionProblem(await d.store.submission(appId));
  const now = d.now();
  const fail = async (diagnostics: string): Promise<SubmitOutcome> => {
    await d.store.update(appId, (a) =>
      isFinalState(a.state) ? a : { ...a, state: 'FAILED', finalStatus: 'FAILED', diagnostics, finishedTime: now },
    );
    d.log.info({ appId, diagnostics }, 'submission failed');
    return 'failed';
  };
  if (!parsed.ok) return fail(`The stored submission is invalid: ${parsed.problem}`);
  const result = profileFor(app.applicationType)({ app, submission: parsed.value });
  if (!result.ok) return fail(result.diagnostics);
  const plan = result.plan;
  const attempt = app.attempts.at(-1)?.id ?? 1;
  // Spot queues (the batch default) run on reclaimed capacity; Reserved queues on guaranteed cpu/memory.
  const qos = qosOfTier(await d.writer.queueTier(leafQueue(app.queue)));

  await d.writer.ensureNamespace(d.config.namespace);
  const uid = await d.writer.createUnit(unitObject(app, attempt, plan, qos, d.config));
  const secret = credentialsSecret(app, attempt, parsed.value['am-container-spec'].credentials, d.config, uid);
  if (secret) await d.writer.createSecret(secret);
  const pods = memberPods(app, attempt, plan, qos, d.config, uid, secret?.metadata.name);
  let next = 0;
  let created = 0;
  const worker = async (): Promise<void> => {
    while (next < pods.length) {
      const pod = pods[next++];
      if (pod && (await d.writer.createPod(pod)) === 'created') created++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(d.podConcurrency ?? 8, pods.length) }, worker));

  const unit = `${d.config.namespace}/${unitName(appId, attempt)}`;
  const updated = await d.store.update(appId, (a): AppRecord => {
    // Already RUNNING or finished (the status controller or a kill got there first), or a replay (the attempt has
    // its unit already): leave it.
    if (!WAITING_STATES.has(a.state) || a.attempts.some((at) => at.unit !== undefined)) return a;
    // The gateway recorded attempt 1 at admission; records written before it did have none.
    const attempts = a.attempts.length
      ? a.attempts
      : [{ id: attempt, state: 'SCHEDULED' as const, startTime: now, finishedTime: 0 }];
    return {
      ...a,
      state: 'ACCEPTED',
      diagnostics: `Waiting for the scheduler to place SchedulingUnit ${unit} (${plan.minMember} members together, ${pods.length} pods in all).`,
      attempts: attempts.map((at) => (at.id === attempt ? { ...at, unit } : at)),
    };
  });
  // Killed while its objects were being created: the kill job deletes them; make sure nothing is left behind.
  if (updated && isFinalState(updated.state)) {
    await d.writer.deleteApp(d.config.namespace, appId);
    return 'skipped';
  }
  d.log.info({ appId, profile: plan.profile, pods: pods.length, created, minMember: plan.minMember }, 'app accepted');
  return 'accepted';
}
