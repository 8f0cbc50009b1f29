/** Plugin names, defined once: profiles, registry and statuses all use these. */
export const PLUGINS = {
  nodeUnschedulable: 'NodeUnschedulable',
  taintToleration: 'TaintToleration',
  nodeSelector: 'NodeSelector',
  nodeAffinity: 'NodeAffinity',
  interPodAntiAffinity: 'InterPodAntiAffinity',
  qosResourcesFit: 'QosResourcesFit',
  qosPlacementScore: 'QosPlacementScore',
} as const;
