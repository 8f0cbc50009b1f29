import {
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GROUP, QUEUE, SCHEDULING_UNIT, VERSION } from '../../api/names.ts';

/** What an informer reports: objects added or changed, and objects gone. */
export interface Handlers<T> {
  upsert(o: T): void;
  remove(o: T): void;
}

/** A started informer that restarts itself after errors (watch expiry is a relist inside client-node). */
export interface RunningInformer {
  stop(): Promise<void>;
}

/**
 * Lists then watches `path`, feeding `handlers`; on any error (the apiserver restarting, a watch that cannot resume)
 * it waits and starts again with a fresh list, so the cache converges instead of going stale.
 */
function inform<T extends KubernetesObject>(
  kc: KubeConfig,
  what: string,
  path: string,
  list: () => Promise<KubernetesListObject<T>>,
  handlers: Handlers<T>,
  log: Logger,
  restartDelayMs = 2_000,
): Promise<RunningInformer> {
  const informer = makeInformer<T>(kc, path, list);
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

export interface ClusterHandlers {
  nodes: Handlers<V1Node>;
  pods: Handlers<V1Pod>;
  units: Handlers<KubernetesObject>;
  queues: Handlers<KubernetesObject>;
}

/** Starts the four informers the scheduler needs; nodes and queues first, so pods land on known nodes. */
export async function startInformers(kc: KubeConfig, h: ClusterHandlers, log: Logger): Promise<RunningInformer[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const listCustom =
    (plural: string, namespaced: boolean) => async (): Promise<KubernetesListObject<KubernetesObject>> =>
      (namespaced
        ? await custom.listCustomObjectForAllNamespaces({ group: GROUP, version: VERSION, plural })
        : await custom.listClusterCustomObject({
            group: GROUP,
            version: VERSION,
            plural,
          })) as KubernetesListObject<KubernetesObject>;
  const started = await Promise.all([
    inform(kc, 'nodes', '/api/v1/nodes', () => core.listNode(), h.nodes, log),
    inform(kc, 'queues', `/apis/${GROUP}/${VERSION}/${QUEUE.plural}`, listCustom(QUEUE.plural, false), h.queues, log),
    inform(
      kc,
      'units',
      `/apis/${GROUP}/${VERSION}/${SCHEDULING_UNIT.plural}`,
      listCustom(SCHEDULING_UNIT.plural, true),
      h.units,
      log,
    ),
  ]);
  started.push(await inform(kc, 'pods', '/api/v1/pods', () => core.listPodForAllNamespaces(), h.pods, log));
  return started;
}
