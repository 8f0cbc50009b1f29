import type { KubeConfig } from '@kubernetes/client-node';
import {
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  type Informer,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GROUP, QUEUE, VERSION, YARN_APPLICATION_ID_LABEL } from '../../api/names.ts';
import { Queue } from '../../api/queue.ts';
import { findQueue, type ClusterView, type NodeView, type QueueView } from '../cluster-view.ts';
import { queueViews } from '../queues.ts';
import { nodeView } from './node-view.ts';

/** Options of the Kubernetes-backed cluster view. */
export interface KubeClusterViewOptions {
  kubeconfig: KubeConfig;
  log: Logger;
  /** Largest container a submission may ask for. @defaultValue 8192 MB, 4 vcores (YARN's defaults) */
  maximumAllocation?: { memory: number; vCores: number };
  /** Delay before an informer that failed is restarted. @defaultValue 5000 */
  restartDelayMs?: number;
}

/**
 * ClusterView from informers on Queue objects, Nodes and batch pods (those labelled with a YARN application id).
 * Informers that fail are restarted after a delay; a 410 relists inside the client. Reads never call the
 * apiserver, so `/nodes` and `/scheduler` cost nothing per request.
 */
export class KubeClusterView implements ClusterView {
  private readonly informers: Informer<KubernetesObject>[] = [];
  private queueCache: QueueView[] = queueViews([]);
  private nodeCache: NodeView[] = [];
  private dirty = true;
  private stopped = false;
  private readonly queueInformer: Informer<KubernetesObject> & { list(): readonly KubernetesObject[] };
  private readonly nodeInformer: Informer<V1Node> & { list(): readonly V1Node[] };
  private readonly podInformer: Informer<V1Pod> & { list(): readonly V1Pod[] };

  constructor(private readonly o: KubeClusterViewOptions) {
    const core = o.kubeconfig.makeApiClient(CoreV1Api);
    const custom = o.kubeconfig.makeApiClient(CustomObjectsApi);
    this.queueInformer = makeInformer(
      o.kubeconfig,
      `/apis/${GROUP}/${VERSION}/${QUEUE.plural}`,
      () =>
        custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: QUEUE.plural }) as Promise<
          KubernetesListObject<KubernetesObject>
        >,
    );
    this.nodeInformer = makeInformer(o.kubeconfig, '/api/v1/nodes', () => core.listNode());
    this.podInformer = makeInformer(
      o.kubeconfig,
      '/api/v1/pods',
      () => core.listPodForAllNamespaces({ labelSelector: YARN_APPLICATION_ID_LABEL }),
      YARN_APPLICATION_ID_LABEL,
    );
    for (const inf of [this.queueInformer, this.nodeInformer, this.podInformer] as Informer<KubernetesObject>[]) {
      this.informers.push(inf);
      for (const ev of ['add', 'update', 'delete'] as const) inf.on(ev, () => this.markDirty());
      inf.on('error', (err: unknown) => {
        if (this.stopped) return;
        o.log.warn({ err }, 'informer failed; restarting');
        setTimeout(() => {
          if (!this.stopped) void inf.start().catch(() => undefined);
        }, o.restartDelayMs ?? 5_000);
      });
    }
  }

  private markDirty(): void {
    this.dirty = true;
  }

  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.start()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled(this.informers.map((i) => i.stop()));
  }

  private refresh(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const queues: Queue[] = [];
    for (const obj of this.queueInformer.list()) {
      const parsed = Queue.safeParse(obj);
      if (parsed.success) queues.push(parsed.data);
      else this.o.log.warn({ queue: obj.metadata?.name }, 'ignoring an invalid Queue object');
    }
    this.queueCache = queueViews(queues);
    const podsByNode = new Map<string, V1Pod[]>();
    for (const pod of this.podInformer.list()) {
      const node = pod.spec?.nodeName;
      if (!node) continue;
      const list = podsByNode.get(node) ?? [];
      list.push(pod);
      podsByNode.set(node, list);
    }
    this.nodeCache = this.nodeInformer
      .list()
      .map((n) => nodeView(n, podsByNode.get(n.metadata?.name ?? '') ?? []))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  queues(): QueueView[] {
    this.refresh();
    return this.queueCache;
  }

  queue(nameOrPath: string): QueueView | undefined {
    return findQueue(this.queues(), nameOrPath);
  }

  nodes(): NodeView[] {
    this.refresh();
    return this.nodeCache;
  }

  maximumAllocation(): { memory: number; vCores: number } {
    return this.o.maximumAllocation ?? { memory: 8192, vCores: 4 };
  }
}
