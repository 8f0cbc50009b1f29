import {
  makeInformer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GROUP, QUEUE, SCHEDULING_UNIT, VERSION } from '../../api/names.ts';
import type { KeepAliveClient } from './keepalive-client.ts';

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

/**
 * Starts the four informers the scheduler needs; nodes, queues and units first, so pods land on known nodes and
 * units. Lists go through the kept-alive client as plain JSON: client-node's typed deserialization of 10,000 pods
 * costs seconds of startup on a busy machine, and the scheduler reads the objects as plain data anyway.
 */
export async function startInformers(
  kc: KubeConfig,
  client: KeepAliveClient,
  h: ClusterHandlers,
  log: Logger,
): Promise<RunningInformer[]> {
  const list =
    <T extends KubernetesObject>(path: string) =>
    async (): Promise<KubernetesListObject<T>> => {
      const res = await client.request<KubernetesListObject<T>>('GET', path);
      if (res.status !== 200) throw new Error(`list ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      return res.body;
    };
  const units = `/apis/${GROUP}/${VERSION}/${SCHEDULING_UNIT.plural}`;
  const queues = `/apis/${GROUP}/${VERSION}/${QUEUE.plural}`;
  const started = await Promise.all([
    inform(kc, 'nodes', '/api/v1/nodes', list<V1Node>('/api/v1/nodes'), h.nodes, log),
    inform(kc, 'queues', queues, list(queues), h.queues, log),
    inform(kc, 'units', units, list(units), h.units, log),
  ]);
  started.push(await inform(kc, 'pods', '/api/v1/pods', list<V1Pod>('/api/v1/pods'), h.pods, log));
  return started;
}
