import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { RACK_LABEL, RECLAIMED_MEMORY, RECLAIMED_MILLICPU, ZONE_LABEL } from '../../api/names.ts';
import { parseBytes, parseMilliCpu } from '../../api/quantity.ts';
import type { NodeView } from '../cluster-view.ts';

/** The NodeManager port YARN clients see in node ids (`host:8041`); Kubernetes has no such port. */
export const NM_PORT = 8041;

const MB = 1024n * 1024n;

/**
 * A Kubernetes node as a YARN NodeManager. Batch work runs on reclaimed capacity, so the node's YARN capacity is
 * its reclaimed allocatable (0 until the node agent publishes it) and its used resources are the reclaimed
 * requests of the batch pods bound to it. The rack is `/<zone>/<rack>` from the topology labels.
 */
export function nodeView(node: V1Node, podsOnNode: readonly V1Pod[]): NodeView {
  const name = node.metadata?.name ?? '';
  const labels = node.metadata?.labels ?? {};
  const alloc = node.status?.allocatable ?? {};
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const state: NodeView['state'] =
    ready?.status === 'True' ? 'RUNNING' : ready?.status === 'False' ? 'UNHEALTHY' : ready ? 'LOST' : 'NEW';
  let usedMilli = 0n;
  let usedBytes = 0n;
  let containers = 0;
  for (const pod of podsOnNode) {
    if (pod.status?.phase !== 'Running' && pod.status?.phase !== 'Pending') continue;
    containers++;
    for (const c of pod.spec?.containers ?? []) {
      const req = c.resources?.requests ?? {};
      if (req[RECLAIMED_MILLICPU]) usedMilli += parseQuantitySafe(req[RECLAIMED_MILLICPU], 0);
      if (req[RECLAIMED_MEMORY]) usedBytes += parseQuantitySafe(req[RECLAIMED_MEMORY], 1);
    }
  }
  const rackParts = [labels[ZONE_LABEL], labels[RACK_LABEL]].filter(Boolean);
  const heartbeat = ready?.lastHeartbeatTime ? new Date(ready.lastHeartbeatTime).getTime() : 0;
  return {
    id: `${name}:${NM_PORT}`,
    host: name,
    rack: rackParts.length ? `/${rackParts.join('/')}` : '/default-rack',
    state,
    lastHealthUpdate: heartbeat,
    healthReport: ready?.status === 'True' ? '' : (ready?.message ?? ''),
    version: node.status?.nodeInfo?.kubeletVersion ?? '',
    totalMB: Number(parseQuantitySafe(alloc[RECLAIMED_MEMORY], 1) / MB),
    // reclaimed_millicpu is an integer count of millicores.
    totalVCores: Number(parseQuantitySafe(alloc[RECLAIMED_MILLICPU], 0) / 1000n),
    usedMB: Number(usedBytes / MB),
    usedVCores: Number((usedMilli + 999n) / 1000n),
    numContainers: containers,
    labels: [],
  };
}

/** kind 0: millicore count (an integer quantity); kind 1: bytes. Unparsable values count as zero. */
function parseQuantitySafe(v: string | undefined, kind: 0 | 1): bigint {
  if (!v) return 0n;
  try {
    return kind === 0 ? parseMilliCpu(v) / 1000n : parseBytes(v);
  } catch {
    return 0n;
  }
}
