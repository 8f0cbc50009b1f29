import { CoreV1Api, type KubeConfig, type V1Node, type V1Pod } from '@kubernetes/client-node';
import {
  DEFAULT_QOS_LEVEL,
  ONLINE_USAGE_ANNOTATIONS,
  QOS_LEVEL_ANNOTATION,
  RECLAIMED_MILLICPU,
  RECLAIMED_REPORT_TIME_ANNOTATION,
} from '../names.ts';
import { parseBytes, parseMilliCpu } from '../quantity.ts';
import { nodeUtilization, type NodeUtilization } from '../utilization.ts';

const num = (v: string | undefined, parse: (s: string) => bigint): number => {
  try {
    return v === undefined ? 0 : Number(parse(v));
  } catch {
    return 0;
  }
};

/** One node's cpu split (millicores), as `loom top` prints it. */
export interface NodeRow extends NodeUtilization {
  name: string;
  /** Σ cpu requests of online pods: what batch could use without reclaimed cores is allocatable minus this. */
  onlineRequests: number;
  pods: { online: number; batch: number };
}

/**
 * The cpu split of every node from Node and Pod objects: online usage from the node agent's annotation (requests
 * when there is no fresh report), batch from the reclaimed requests of bound pods, reclaimable from the published
 * reclaimed allocatable (zero once the report is older than `staleSeconds`, as the scheduler counts it).
 */
export function cpuRows(nodes: readonly V1Node[], pods: readonly V1Pod[], now: number, staleSeconds = 60): NodeRow[] {
  const perNode = new Map<string, { onlineRequests: number; batch: number; online: number; batchPods: number }>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    const qos = p.metadata?.annotations?.[QOS_LEVEL_ANNOTATION] ?? DEFAULT_QOS_LEVEL;
    let acc = perNode.get(node);
    if (!acc) perNode.set(node, (acc = { onlineRequests: 0, batch: 0, online: 0, batchPods: 0 }));
    for (const c of p.spec?.containers ?? []) {
      const r = c.resources?.requests ?? {};
      if (qos === 'reclaimed_cores') acc.batch += num(r[RECLAIMED_MILLICPU], parseBytes);
      else acc.onlineRequests += num(r.cpu, parseMilliCpu);
    }
    if (qos === 'reclaimed_cores') acc.batchPods++;
    else acc.online++;
  }
  return nodes
    .map((n) => {
      const name = n.metadata?.name ?? '';
      const a = n.metadata?.annotations ?? {};
      const reported = Date.parse(a[RECLAIMED_REPORT_TIME_ANNOTATION] ?? '');
      const fresh = Number.isFinite(reported) && now - reported <= staleSeconds * 1000;
      const usage = a[ONLINE_USAGE_ANNOTATIONS.milliCpu];
      const acc = perNode.get(name) ?? { onlineRequests: 0, batch: 0, online: 0, batchPods: 0 };
      const u = nodeUtilization({
        allocatable: num(n.status?.allocatable?.cpu, parseMilliCpu),
        ...(fresh && usage !== undefined && /^\d+$/.test(usage) ? { onlineUsage: Number(usage) } : {}),
        onlineRequests: acc.onlineRequests,
        batch: acc.batch,
        reclaimable: fresh ? num(n.status?.allocatable?.[RECLAIMED_MILLICPU], parseBytes) : 0,
      });
      return { name, ...u, onlineRequests: acc.onlineRequests, pods: { online: acc.online, batch: acc.batchPods } };
    })
    .sort((x, y) => x.name.localeCompare(y.name));
}

/** Lists nodes and bound pods once and splits each node's cpu. */
export async function readCpuRows(kc: KubeConfig, now = Date.now()): Promise<NodeRow[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const [nodes, pods] = await Promise.all([
    core.listNode(),
    core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName!=' }),
  ]);
  return cpuRows(nodes.items, pods.items, now);
}
