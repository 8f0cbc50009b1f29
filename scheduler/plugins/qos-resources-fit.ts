import type { Member, NodeInfo } from '../core/types.ts';
import type { FilterPlugin, PluginContext } from '../framework/interfaces.ts';
import { Status } from '../framework/status.ts';
import { PLUGINS } from './names.ts';

/**
 * What a node still offers a member of this QoS level: `reclaimed_cores` members fit against the reclaimed
 * capacity the node agent published (zero when its report is stale, never old capacity), accounted apart from
 * online pods, which fit against cpu/memory allocatable minus online requests. Pods count against the node's pod
 * limit whatever their QoS.
 */
export function freeFor(
  member: Member,
  node: NodeInfo,
  ctx: PluginContext,
): { milliCpu: number; memory: number; pods: number } {
  const pods = node.allocatable.pods - node.requested.pods;
  if (member.qos === 'reclaimed_cores') {
    const fresh =
      node.reclaimedReportTime !== undefined && ctx.now() - node.reclaimedReportTime <= ctx.reclaimedStaleAfterMs;
    const cap = fresh ? node.reclaimedAllocatable : { milliCpu: 0, memory: 0 };
    return {
      milliCpu: cap.milliCpu - node.reclaimedRequested.milliCpu,
      memory: cap.memory - node.reclaimedRequested.memory,
      pods,
    };
  }
  return {
    milliCpu: node.allocatable.milliCpu - node.requested.milliCpu,
    memory: node.allocatable.memory - node.requested.memory,
    pods,
  };
}

/** The one fit check, shared by the Filter and (later) the binder's re-check against the live cache. */
export function fits(member: Member, node: NodeInfo, ctx: PluginContext): string[] {
  const free = freeFor(member, node, ctx);
  const reclaimed = member.qos === 'reclaimed_cores';
  const missing: string[] = [];
  if (member.requests.pods > free.pods) missing.push('Too many pods');
  if (member.requests.milliCpu > free.milliCpu)
    missing.push(reclaimed ? 'Insufficient reclaimed_millicpu' : 'Insufficient cpu');
  if (member.requests.memory > free.memory)
    missing.push(reclaimed ? 'Insufficient reclaimed_memory' : 'Insufficient memory');
  return missing;
}

export const qosResourcesFit = (ctx: PluginContext): FilterPlugin => ({
  name: PLUGINS.qosResourcesFit,
  filter: (_state, member, node) => {
    const missing = fits(member, node, ctx);
    return missing.length ? Status.unschedulable(...missing) : Status.SUCCESS;
  },
});
