import { Registry } from '../framework/registry.ts';
import type { Profile } from '../framework/runtime.ts';
import { interPodAntiAffinity } from './inter-pod-anti-affinity.ts';
import { PLUGINS } from './names.ts';
import { nodeAffinity } from './node-affinity.ts';
import { nodeSelector } from './node-selector.ts';
import { nodeUnschedulable } from './node-unschedulable.ts';
import { qosPlacementScore } from './qos-placement-score.ts';
import { qosResourcesFit } from './qos-resources-fit.ts';
import { taintToleration } from './taint-toleration.ts';

/** Every in-tree plugin. */
export function defaultRegistry(): Registry {
  return new Registry()
    .register(PLUGINS.nodeUnschedulable, nodeUnschedulable)
    .register(PLUGINS.taintToleration, taintToleration)
    .register(PLUGINS.nodeSelector, nodeSelector)
    .register(PLUGINS.nodeAffinity, nodeAffinity)
    .register(PLUGINS.interPodAntiAffinity, interPodAntiAffinity)
    .register(PLUGINS.qosResourcesFit, qosResourcesFit)
    .register(PLUGINS.qosPlacementScore, qosPlacementScore);
}

/** Decisive filters first (unresolvable before resources), as Gödel orders them. */
export const DEFAULT_PROFILE: Profile = {
  plugins: [
    PLUGINS.nodeUnschedulable,
    PLUGINS.taintToleration,
    PLUGINS.nodeSelector,
    PLUGINS.nodeAffinity,
    PLUGINS.interPodAntiAffinity,
    PLUGINS.qosResourcesFit,
    PLUGINS.qosPlacementScore,
  ],
  scoreWeights: { [PLUGINS.qosPlacementScore]: 1 },
};
