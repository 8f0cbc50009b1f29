import { CoreV1Api, makeInformer, type Informer, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  PLACEHOLDER_LABEL,
  RECLAIMED_MEMORY,
  RECLAIMED_MILLICPU,
  YARN_APPLICATION_ID_LABEL,
  YARN_ATTEMPT_LABEL,
  YARN_ROLE_LABEL,
} from '../../api/names.ts';
import { parseBytes, parseMilliCpu } from '../../api/quantity.ts';
import type { MemberPod } from '../status/derive.ts';

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
  const evicted = p.status?.reason === 'Evicted' || p.status?.reason === 'Preempted';
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
    memoryMiB: Number(parseBytes(mem) / (1024n * 1024n)),
    vCores: Math.max(0, Math.ceil(Number(cpu) / 1000)),
  };
}

/**
 * The member pods of YARN apps in one namespace, from an informer (restarted after errors); calls `onChange` with
 * the application id of every pod event.
 */
export class MemberPodSource {
  private readonly informer: Informer<V1Pod> & { list(ns?: string): readonly V1Pod[] };
  private stopped = false;

  constructor(
    kc: KubeConfig,
    namespace: string,
    onChange: (appId: string) => void,
    log: Logger,
    restartDelayMs = 5_000,
  ) {
    const core = kc.makeApiClient(CoreV1Api);
    this.informer = makeInformer(
      kc,
      `/api/v1/namespaces/${namespace}/pods`,
      () => core.listNamespacedPod({ namespace, labelSelector: YARN_APPLICATION_ID_LABEL }),
      YARN_APPLICATION_ID_LABEL,
    );
    const emit = (pod: V1Pod): void => {
      const id = pod.metadata?.labels?.[YARN_APPLICATION_ID_LABEL];
      if (id) onChange(id);
    };
    this.informer.on('add', emit);
    this.informer.on('update', emit);
    this.informer.on('delete', emit);
    this.informer.on('error', (err: unknown) => {
      if (this.stopped) return;
      log.warn({ err }, 'pod informer failed; restarting');
      setTimeout(() => {
        if (!this.stopped) void this.informer.start().catch(() => undefined);
      }, restartDelayMs);
    });
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer.stop();
  }

  podsOf(appId: string): MemberPod[] {
    return this.informer
      .list()
      .filter((p) => p.metadata?.labels?.[YARN_APPLICATION_ID_LABEL] === appId)
      .map(memberPod);
  }
}
