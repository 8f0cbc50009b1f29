import { nonZero } from '../core/types.ts';
import type { PluginContext, ScorePlugin } from '../framework/interfaces.ts';
import { MAX_NODE_SCORE } from '../framework/interfaces.ts';
import { PLUGINS } from './names.ts';
import { freeFor } from './qos-resources-fit.ts';

// Module level, not inside score(): this runs for every candidate node of every member.
function share(f: number, t: number): number {
  return t > 0 ? Math.max(0, f) / t : 0;
}

/**
 * Online members spread (most free capacity scores highest: fewer neighbours, headroom for bursts); batch members
 * bin-pack on reclaimed capacity (least free scores highest: keeps whole nodes free for big gangs and lets reclaimed
 * capacity be returned node by node). Online pods are weighed with kube-scheduler's non-zero defaults, so replicas
 * that request nothing still spread; scores stay fractional so a 100m difference on a 32-core node still counts.
 */
export const qosPlacementScore = (ctx: PluginContext): ScorePlugin => ({
  name: PLUGINS.qosPlacementScore,
  score: (_state, member, node) => {
    if (member.qos === 'reclaimed_cores') {
      const free = freeFor(member, node, ctx);
      const total = node.reclaimedAllocatable;
      const freeShare =
        (share(free.milliCpu - member.requests.milliCpu, total.milliCpu) +
          share(free.memory - member.requests.memory, total.memory)) /
        2;
      return MAX_NODE_SCORE - freeShare * MAX_NODE_SCORE;
    }
    const used = node.scoreRequested ?? node.requested;
    const want = nonZero(member.requests);
    const total = node.allocatable;
    const freeShare =
      (share(total.milliCpu - used.milliCpu - want.milliCpu, total.milliCpu) +
        share(total.memory - used.memory - want.memory, total.memory)) /
      2;
    return freeShare * MAX_NODE_SCORE;
  },
});
