import type { PluginContext, ScorePlugin } from '../framework/interfaces.ts';
import { MAX_NODE_SCORE } from '../framework/interfaces.ts';
import { PLUGINS } from './names.ts';
import { freeFor } from './qos-resources-fit.ts';

/**
 * Online members spread (most free capacity scores highest: fewer neighbours, headroom for bursts); batch members
 * bin-pack on reclaimed capacity (least free scores highest: keeps whole nodes free for big gangs and lets reclaimed
 * capacity be returned node by node).
 */
export const qosPlacementScore = (ctx: PluginContext): ScorePlugin => ({
  name: PLUGINS.qosPlacementScore,
  score: (_state, member, node) => {
    const free = freeFor(member, node, ctx);
    const total =
      member.qos === 'reclaimed_cores'
        ? { milliCpu: node.reclaimedAllocatable.milliCpu, memory: node.reclaimedAllocatable.memory }
        : { milliCpu: node.allocatable.milliCpu, memory: node.allocatable.memory };
    const share = (f: number, t: number): number => (t > 0 ? Math.max(0, f) / t : 0);
    const freeShare =
      (share(free.milliCpu - member.requests.milliCpu, total.milliCpu) +
        share(free.memory - member.requests.memory, total.memory)) /
      2;
    const spread = Math.round(freeShare * MAX_NODE_SCORE);
    return member.qos === 'reclaimed_cores' ? MAX_NODE_SCORE - spread : spread;
  },
});
