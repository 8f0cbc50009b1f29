import {
  makeInformer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { YARN_APPLICATION_ID_LABEL } from '../../api/names.ts';

type Verb = 'add' | 'update' | 'delete';

/**
 * An informer over objects labelled with a YARN application id (pods, units) in one namespace: restarted after
 * errors, and calling `onChange(appId)` for the events asked for, so the status controller reconciles that app.
 */
export class AppInformer<T extends KubernetesObject> {
  private readonly informer: ReturnType<typeof makeInformer<T>> & { list(ns?: string): readonly T[] };
  private stopped = false;

  constructor(
    kc: KubeConfig,
    path: string,
    list: () => Promise<KubernetesListObject<T>>,
    o: {
      onChange: (appId: string) => void;
      verbs: readonly Verb[];
      what: string;
      log: Logger;
      restartDelayMs?: number;
    },
  ) {
    this.informer = makeInformer<T>(kc, path, list, YARN_APPLICATION_ID_LABEL);
    const emit = (obj: T): void => {
      const id = obj.metadata?.labels?.[YARN_APPLICATION_ID_LABEL];
      if (id) o.onChange(id);
    };
    for (const verb of o.verbs) this.informer.on(verb, emit);
    this.informer.on('error', (err: unknown) => {
      if (this.stopped) return;
      o.log.warn({ err }, `${o.what} informer failed; restarting`);
      setTimeout(() => {
        if (!this.stopped) void this.informer.start().catch(() => undefined);
      }, o.restartDelayMs ?? 5_000);
    });
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer.stop();
  }

  list(): readonly T[] {
    return this.informer.list();
  }
}
