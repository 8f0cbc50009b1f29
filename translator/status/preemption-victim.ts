/**
 * Whether a member pod was taken away to make room for other work, which YARN reports as a preempted container
 * (`numNonAMContainerPreempted`, exit status -102) rather than as a failure.
 */

/** The part of a pod's status the rule reads (a `V1PodStatus` fits). */
export interface DisruptionFacts {
  reason?: string;
  conditions?: readonly { type: string; status: string; reason?: string }[];
}

// The DisruptionTarget reasons that mean "made room for other work": the Eviction API (the node agent's and Loom's
// scheduler's preemptions go through it) and kube-scheduler's own preemption. Taint-manager deletions, pod GC and
// the kubelet's own node-pressure evictions are the node failing its containers, which YARN does not call preemption.
const PREEMPTION_REASONS = new Set(['EvictionByEvictionAPI', 'PreemptionByScheduler']);

/**
 * True when the node agent marked the pod (`status.reason` `Evicted`/`Preempted`, written before it evicts) or the
 * apiserver did: since Kubernetes 1.31 every eviction adds a `DisruptionTarget` condition, which the final (deleted)
 * object still carries, so a victim is recognised even when it is gone before anyone looked at it.
 */
export function isPreemptionVictim(status: DisruptionFacts | undefined): boolean {
  if (status?.reason === 'Evicted' || status?.reason === 'Preempted') return true;
  return (status?.conditions ?? []).some(
    (c) => c.type === 'DisruptionTarget' && c.status === 'True' && PREEMPTION_REASONS.has(c.reason ?? ''),
  );
}
