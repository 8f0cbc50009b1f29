import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  PLACEHOLDER_LABEL,
  RECLAIMED_MEMORY,
  RECLAIMED_MILLICPU,
  SIM_DURATION_ANNOTATION,
  YARN_APPLICATION_ID_LABEL,
  YARN_ATTEMPT_LABEL,
  YARN_ROLE_LABEL,
} from '../../api/names.ts';
import { parseBytes, parseMilliCpu } from '../../api/quantity.ts';
import type { MemberPod } from '../status/derive.ts';
import { isPreemptionVictim } from '../status/preemption-victim.ts';
import { durationMs } from '../sim/simulated-am.ts';
import { AppInformer } from './app-informer.ts';

const ms = (t: Date | string | undefined): number | undefined => (t === undefined ? undefined : new Date(t).getTime());

/** A YARN app's member pod as the status controller sees it. */
export function memberPod(p: V1Pod): MemberPod {
  const labels = p.metadata?.labels ?? {};
  const c = p.spec?.containers[0];
  const req = c?.resources?.requests ?? {};
  const mem = req[RECLAIMED_MEMORY] ?? req.memory ?? '0';
  const cpu =
    req[RECLAIMED_MILLICPU] !== undefined
      ? BigInt(parseMilliCpu(req[RECLAIMED_MILLICPU]) / 1000n)
      : parseMilliCpu(req.cpu ?? '0');
  const terminated = p.status?.containerStatuses?.[0]?.state?.terminated;
  const evicted = isPreemptionVictim(p.status);
  const simulated = durationMs(p.metadata?.annotations?.[SIM_DURATION_ANNOTATION]);
  return {
    name: p.metadata?.name ?? '',
    attempt: Number(labels[YARN_ATTEMPT_LABEL] ?? '1'),
    yarnRole: labels[YARN_ROLE_LABEL] ?? 'container',
    placeholder: labels[PLACEHOLDER_LABEL] === 'true',
    containerId: p.metadata?.annotations?.['yarn.loom.dev/container-id'] ?? p.metadata?.name ?? '',
    phase: (p.status?.phase as MemberPod['phase'] | undefined) ?? 'Pending',
    ...(p.spec?.nodeName ? { nodeName: p.spec.nodeName } : {}),
    ...(p.status?.startTime ? { startTime: ms(p.status.startTime) } : {}),
    ...(terminated?.finishedAt ? { finishedTime: ms(terminated.finishedAt) } : {}),
    ...(terminated ? { exitCode: terminated.exitCode } : {}),
    evicted,
    ...(simulated !== undefined ? { simulatedDurationMs: simulated } : {}),
    memoryMiB: Number(parseBytes(mem) / (1024n * 1024n)),
    vCores: Math.max(0, Math.ceil(Number(cpu) / 1000)),
  };
}

/**
 * The member pods of YARN apps in one namespace, from an informer (restarted after errors); calls `onChange` with
 * the application id of every pod event.
 */
export class MemberPodSource {
  private readonly informer: AppInformer<V1Pod>;

  constructor(
    kc: KubeConfig,
    namespace: string,
    onChange: (appId: string) => void,
    log: Logger,
    restartDelayMs = 5_000,
  ) {
    const core = kc.makeApiClient(CoreV1Api);
    this.informer = new AppInformer(
      kc,
      `/api/v1/namespaces/${namespace}/pods`,
      () => core.listNamespacedPod({ namespace, labelSelector: YARN_APPLICATION_ID_LABEL }),
      { onChange, verbs: ['add', 'update', 'delete'], what: 'pod', log, restartDelayMs },
    );
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  /** Every application id that has pods now. */
  appIds(): Set<string> {
    const ids = new Set<string>();
    for (const p of this.informer.list()) {
      const id = p.metadata?.labels?.[YARN_APPLICATION_ID_LABEL];
      if (id) ids.add(id);
    }
    return ids;
  }

  podsOf(appId: string): MemberPod[] {
    return this.informer
      .list()
      .filter((p) => p.metadata?.labels?.[YARN_APPLICATION_ID_LABEL] === appId)
      .map(memberPod);
  }
}
