import type { KubeConfig, KubernetesListObject, KubernetesObject, V1Node, V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { inform, type RunningInformer } from '../../api/k8s/inform.ts';
import type { KeepAliveClient } from '../../api/k8s/keepalive-client.ts';
import {
  DEFAULT_QOS_LEVEL,
  QOS_LEVEL_ANNOTATION,
  RECLAIMED_MEMORY,
  RECLAIMED_MILLICPU,
  RECLAIMED_REPORT_TIME_ANNOTATION,
} from '../../api/names.ts';
import { parseBytes, parseMilliCpu } from '../../api/quantity.ts';
import type { NodeFacts } from '../agent.ts';
import type { PodFacts } from '../metrics/source.ts';

const num = (v: string | undefined, parse: (s: string) => bigint): number => {
  if (v === undefined) return 0;
  try {
    return Number(parse(v));
  } catch {
    return 0;
  }
};
const ms = (t: Date | string | undefined): number | undefined => {
  const v = t === undefined ? NaN : new Date(t).getTime();
  return Number.isNaN(v) ? undefined : v;
};

/** A Node as the agent needs it: online allocatable and what reclaimed capacity it shows now. */
export function nodeFacts(n: V1Node): NodeFacts {
  const a = n.status?.allocatable ?? {};
  const reportTime = ms(n.metadata?.annotations?.[RECLAIMED_REPORT_TIME_ANNOTATION]);
  return {
    name: n.metadata?.name ?? '',
    allocatable: { milliCpu: num(a.cpu, parseMilliCpu), memory: num(a.memory, parseBytes) },
    ...(a[RECLAIMED_MILLICPU] !== undefined
      ? {
          // reclaimed_millicpu counts millicores, as Katalyst publishes it.
          published: { milliCpu: num(a[RECLAIMED_MILLICPU], parseBytes), memory: num(a[RECLAIMED_MEMORY], parseBytes) },
        }
      : {}),
    ...(reportTime !== undefined ? { reportTime } : {}),
  };
}

/**
 * A pod that holds resources on its node, as the agent sees it; undefined for pods that are unbound, finished or
 * already being deleted (they are leaving; counting them would make the agent evict for capacity about to free up).
 */
export function podFacts(p: V1Pod): PodFacts | undefined {
  if (!p.spec?.nodeName || p.metadata?.deletionTimestamp) return undefined;
  if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') return undefined;
  const annotations = p.metadata?.annotations ?? {};
  const qos = annotations[QOS_LEVEL_ANNOTATION] ?? DEFAULT_QOS_LEVEL;
  const requests = { milliCpu: 0, memory: 0 };
  for (const c of p.spec.containers) {
    const r = c.resources?.requests ?? {};
    if (qos === 'reclaimed_cores' && r[RECLAIMED_MILLICPU] !== undefined) {
      requests.milliCpu += num(r[RECLAIMED_MILLICPU], parseBytes);
      requests.memory += num(r[RECLAIMED_MEMORY] ?? r.memory, parseBytes);
    } else {
      requests.milliCpu += num(r.cpu, parseMilliCpu);
      requests.memory += num(r.memory, parseBytes);
    }
  }
  return {
    uid: p.metadata?.uid ?? '',
    namespace: p.metadata?.namespace ?? '',
    name: p.metadata?.name ?? '',
    qos,
    requests,
    priority: p.spec.priority ?? 0,
    startTime: ms(p.status?.startTime) ?? ms(p.metadata?.creationTimestamp) ?? 0,
    annotations,
  };
}

/** Which nodes an agent process serves: its own (DaemonSet) or every node matching a label selector (fleet). */
export type NodeScope = { nodeName: string } | { nodeSelector: string };

/**
 * The nodes in scope and the pods bound to them, kept current by two informers (restarted after errors). In
 * single-node mode both watches are narrowed by field selector to the one node, so a DaemonSet of 5,000 agents
 * does not have each of them watch every pod of the cluster.
 */
export class ClusterView {
  readonly nodes = new Map<string, NodeFacts>();
  private readonly podsByNode = new Map<string, Map<string, PodFacts>>();
  private readonly nodeOfPod = new Map<string, string>();
  private informers: RunningInformer[] = [];

  podsOn(node: string): PodFacts[] {
    return [...(this.podsByNode.get(node)?.values() ?? [])];
  }

  async start(kc: KubeConfig, client: KeepAliveClient, scope: NodeScope, log: Logger): Promise<void> {
    const list =
      <T extends KubernetesObject>(path: string, query: string) =>
      async (): Promise<KubernetesListObject<T>> => {
        const res = await client.request<KubernetesListObject<T>>('GET', `${path}?${query}`);
        if (res.status !== 200)
          throw new Error(`list ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        return res.body;
      };
    const nodeSel =
      'nodeName' in scope
        ? { fieldSelector: `metadata.name=${scope.nodeName}` }
        : { labelSelector: scope.nodeSelector };
    const podSel = { fieldSelector: 'nodeName' in scope ? `spec.nodeName=${scope.nodeName}` : 'spec.nodeName!=' };
    const q = (s: { labelSelector?: string; fieldSelector?: string }): string =>
      new URLSearchParams(s as Record<string, string>).toString();
    this.informers.push(
      await inform<V1Node>(
        kc,
        'nodes',
        '/api/v1/nodes',
        list<V1Node>('/api/v1/nodes', q(nodeSel)),
        {
          upsert: (n) => this.nodes.set(n.metadata?.name ?? '', nodeFacts(n)),
          remove: (n) => this.nodes.delete(n.metadata?.name ?? ''),
        },
        log,
        nodeSel,
      ),
    );
    this.informers.push(
      await inform<V1Pod>(
        kc,
        'pods',
        '/api/v1/pods',
        list<V1Pod>('/api/v1/pods', q(podSel)),
        { upsert: (p) => this.upsertPod(p), remove: (p) => this.removePod(p.metadata?.uid ?? '') },
        log,
        podSel,
      ),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.stop()));
    this.informers = [];
  }

  private upsertPod(p: V1Pod): void {
    const facts = podFacts(p);
    const uid = p.metadata?.uid ?? '';
    if (!facts) {
      this.removePod(uid);
      return;
    }
    const node = p.spec?.nodeName ?? '';
    const was = this.nodeOfPod.get(uid);
    if (was !== undefined && was !== node) this.removePod(uid);
    let pods = this.podsByNode.get(node);
    if (!pods) this.podsByNode.set(node, (pods = new Map<string, PodFacts>()));
    pods.set(uid, facts);
    this.nodeOfPod.set(uid, node);
  }

  private removePod(uid: string): void {
    const node = this.nodeOfPod.get(uid);
    if (node === undefined) return;
    this.nodeOfPod.delete(uid);
    const pods = this.podsByNode.get(node);
    pods?.delete(uid);
    if (pods?.size === 0) this.podsByNode.delete(node);
  }
}
