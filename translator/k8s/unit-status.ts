import { CustomObjectsApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  GROUP,
  SCHEDULING_UNIT,
  UNIT_CONDITIONS,
  VERSION,
  YARN_APPLICATION_ID_LABEL,
  YARN_ATTEMPT_LABEL,
} from '../../api/names.ts';
import type { UnitView } from '../status/derive.ts';
import { AppInformer } from './app-informer.ts';

interface UnitObject extends KubernetesObject {
  status?: { phase?: string; conditions?: { type?: string; message?: string }[] };
}

/** What the scheduler said about a unit: its phase and the message of its Scheduled condition. */
export function unitView(u: UnitObject): UnitView {
  const cond = u.status?.conditions?.find((c) => c.type === UNIT_CONDITIONS.scheduled);
  return {
    key: `${u.metadata?.namespace ?? ''}/${u.metadata?.name ?? ''}`,
    ...(u.status?.phase ? { phase: u.status.phase } : {}),
    ...(cond?.message ? { message: cond.message } : {}),
  };
}

/**
 * The SchedulingUnits of YARN apps in one namespace, from an informer (restarted after errors): the status controller
 * reads why a unit waits (YARN diagnostics while ACCEPTED) and whether it timed out (the app fails).
 */
export class UnitStatusSource {
  private readonly informer: AppInformer<UnitObject>;

  constructor(
    kc: KubeConfig,
    namespace: string,
    onChange: (appId: string) => void,
    log: Logger,
    restartDelayMs = 5_000,
  ) {
    const custom = kc.makeApiClient(CustomObjectsApi);
    this.informer = new AppInformer<UnitObject>(
      kc,
      `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${SCHEDULING_UNIT.plural}`,
      async () =>
        (await custom.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace,
          plural: SCHEDULING_UNIT.plural,
          labelSelector: YARN_APPLICATION_ID_LABEL,
        })) as { items: UnitObject[]; metadata?: { resourceVersion?: string } },
      { onChange, verbs: ['add', 'update'], what: 'unit', log, restartDelayMs },
    );
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  /** The unit of an app's attempt, if it exists. */
  unitOf(appId: string, attempt: number): UnitView | undefined {
    const u = this.informer
      .list()
      .find(
        (x) =>
          x.metadata?.labels?.[YARN_APPLICATION_ID_LABEL] === appId &&
          x.metadata.labels[YARN_ATTEMPT_LABEL] === String(attempt),
      );
    return u ? unitView(u) : undefined;
  }
}
