import type { Logger } from 'pino';
import { isFinalState, type KillJob } from '../../api/yarn.ts';
import type { AppStore } from '../../gateway/store/app-store.ts';
import type { ClusterWriter } from '../k8s/cluster-writer.ts';

export interface KillDeps {
  store: AppStore;
  writer: ClusterWriter;
  namespace: string;
  now: () => number;
  log: Logger;
}

/** Deletes every unit and pod of the app, then records it KILLED with the gateway's diagnostics. Idempotent. */
export async function processKill(job: KillJob, d: KillDeps): Promise<void> {
  const removed = await d.writer.deleteApp(d.namespace, job.appId);
  const now = d.now();
  await d.store.update(job.appId, (a) =>
    isFinalState(a.state)
      ? a
      : {
          ...a,
          state: 'KILLED',
          finalStatus: 'KILLED',
          diagnostics: job.diagnostics ?? `Application ${job.appId} was killed by user ${job.user}`,
          finishedTime: now,
          attempts: a.attempts.map((at) => (at.finishedTime ? at : { ...at, state: 'KILLED', finishedTime: now })),
          allocatedMB: 0,
          allocatedVCores: 0,
          runningContainers: 0,
        },
  );
  d.log.info({ appId: job.appId, ...removed }, 'app killed');
}
