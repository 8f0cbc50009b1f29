import {
  ListWatch,
  Watch,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ProtobufWatch } from './protobuf-watch.ts';

/** What an informer reports: objects added or changed, and objects gone. */
export interface Handlers<T> {
  upsert(o: T): void;
  remove(o: T): void;
}

/** A started informer that restarts itself after errors (watch expiry is a relist inside client-node). */
export interface RunningInformer {
  stop(): Promise<void>;
}

/** Optional settings of {@link inform}. */
export interface InformOptions {
  /** Wait before starting again after an error. @defaultValue 2_000 */
  restartDelayMs?: number;
  /** The selectors `list` uses, which the watch must use too. */
  labelSelector?: string;
  fieldSelector?: string;
  /** Watch in protobuf (built-in types only) instead of client-node's JSON watch. */
  watch?: ProtobufWatch;
}

/**
 * Lists then watches `path`, feeding `handlers`; on any error (the apiserver restarting, a watch that cannot
 * resume) it waits and starts again with a fresh list, so the cache converges instead of going stale.
 */
export function inform<T extends KubernetesObject>(
  kc: KubeConfig,
  what: string,
  path: string,
  list: () => Promise<KubernetesListObject<T>>,
  handlers: Handlers<T>,
  log: Logger,
  { restartDelayMs = 2_000, labelSelector, fieldSelector, watch }: InformOptions = {},
): Promise<RunningInformer> {
  // The watch carries the same selectors as `list`, or it would report objects the list never had.
  // (client-node's makeInformer drops the field selector, so the ListWatch is built directly.) A ProtobufWatch
  // answers ListWatch's one call the way client-node's Watch does; only the class differs.
  const watcher = watch ? (watch as unknown as Watch) : new Watch(kc);
  const informer = new ListWatch<T>(path, watcher, list, false, labelSelector, fieldSelector);
  let stopped = false;
  informer.on('add', (o) => handlers.upsert(o));
  informer.on('update', (o) => handlers.upsert(o));
  informer.on('delete', (o) => handlers.remove(o));
  informer.on('error', (err: unknown) => {
    if (stopped) return;
    log.warn({ err, what }, 'informer failed; relisting');
    setTimeout(() => {
      if (!stopped) informer.start().catch((e: unknown) => log.warn({ err: e, what }, 'relist failed'));
    }, restartDelayMs);
  });
  return informer.start().then(() => ({
    stop: async () => {
      stopped = true;
      await informer.stop();
    },
  }));
}
