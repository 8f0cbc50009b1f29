import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Node,
  type V1Pod,
  type V1PodDisruptionBudget,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GROUP, QUEUE, SCHEDULING_UNIT, VERSION } from '../../api/names.ts';
import { inform, type Handlers, type RunningInformer } from '../../api/k8s/inform.ts';
import type { KeepAliveClient } from '../../api/k8s/keepalive-client.ts';
import { ListDecoder, PROTOBUF, PROTOBUF_OR_JSON, type ProtobufListKind } from '../../api/k8s/protobuf-list.ts';
import { ProtobufWatch } from '../../api/k8s/protobuf-watch.ts';

export type { Handlers, RunningInformer };

export interface ClusterHandlers {
  budgets: Handlers<V1PodDisruptionBudget>;
  nodes: Handlers<V1Node>;
  pods: Handlers<V1Pod>;
  units: Handlers<KubernetesObject>;
  queues: Handlers<KubernetesObject>;
}

/**
 * Starts the informers the scheduler needs; nodes, queues and units are handled first, so pods land on known nodes
 * and units. Lists go through the kept-alive client as plain JSON: client-node's typed deserialization of 10,000
 * pods costs seconds of startup on a busy machine, and the scheduler reads the objects as plain data anyway. The
 * pods' list, by far the largest, is requested together with the others and only handled after them: its wait
 * overlaps theirs instead of following it (the first bind comes that much sooner after a restart).
 */
export async function startInformers(
  kc: KubeConfig,
  client: KeepAliveClient,
  h: ClusterHandlers,
  log: Logger,
): Promise<RunningInformer[]> {
  const listMs: Record<string, number> = {};
  const list =
    <T extends KubernetesObject>(path: string, protobuf?: ProtobufListKind) =>
    async (): Promise<KubernetesListObject<T>> => {
      const started = performance.now();
      // resourceVersion=0, as client-go's reflector lists: served from the apiserver's watch cache without waiting
      // for it to prove itself current against etcd; the watch then resumes from the list's version, so nothing is
      // missed, only possibly seen a moment later. Pods and nodes come as protobuf, as client-go asks for built-in
      // types: a quarter of the bytes, streamed by the apiserver and decoded here as they arrive.
      const res = await client.request<KubernetesListObject<T>>(
        'GET',
        `${path}?resourceVersion=0`,
        undefined,
        undefined,
        protobuf
          ? {
              accept: PROTOBUF_OR_JSON,
              decoder: (type) => (type.startsWith(PROTOBUF) ? new ListDecoder<T>(protobuf) : undefined),
            }
          : {},
      );
      if (res.status !== 200) throw new Error(`list ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      listMs[path] = Math.round(performance.now() - started);
      return res.body;
    };
  const units = `/apis/${GROUP}/${VERSION}/${SCHEDULING_UNIT.plural}`;
  const queues = `/apis/${GROUP}/${VERSION}/${QUEUE.plural}`;
  const listPods = list<V1Pod>('/api/v1/pods', 'PodList');
  // The first list is the one already under way; a relist after a watch failure asks again.
  let early: Promise<KubernetesListObject<V1Pod>> | undefined = listPods();
  early.catch(() => undefined);
  const pods = (): Promise<KubernetesListObject<V1Pod>> => {
    const first = early;
    early = undefined;
    return first ?? listPods();
  };
  const started = await Promise.all([
    inform(kc, 'nodes', '/api/v1/nodes', list<V1Node>('/api/v1/nodes', 'NodeList'), h.nodes, log, {
      watch: new ProtobufWatch(kc, 'NodeList'),
    }),
    inform(kc, 'queues', queues, list(queues), h.queues, log),
    inform(kc, 'units', units, list(units), h.units, log),
    inform(
      kc,
      'poddisruptionbudgets',
      '/apis/policy/v1/poddisruptionbudgets',
      list<V1PodDisruptionBudget>('/apis/policy/v1/poddisruptionbudgets'),
      h.budgets,
      log,
    ),
  ]);
  started.push(
    await inform(kc, 'pods', '/api/v1/pods', pods, h.pods, log, { watch: new ProtobufWatch(kc, 'PodList') }),
  );
  log.info({ listMs, sinceProcessStartMs: Math.round(performance.now()) }, 'informers synced');
  return started;
}
