import type { NodeAffinity } from '../core/types.ts';
import type { FilterPlugin } from '../framework/interfaces.ts';
import { Status } from '../framework/status.ts';
import { matchesRequirement, type Labels } from './label-selector.ts';
import { PLUGINS } from './names.ts';

/** kube-scheduler's `ErrReasonPod`, shared with nodeSelector so both rejections read (and count) as one reason. */
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

/**
 * Whether a node's labels satisfy required node affinity: any term (OR) whose expressions all hold (AND). A term
 * without expressions matches nothing and so does an affinity without terms, as in Kubernetes, so a half-translated
 * affinity keeps a pod off every node instead of letting it anywhere.
 */
export function matchesNodeAffinity(labels: Labels, affinity: NodeAffinity): boolean {
  return affinity.terms.some(
    (term) => term.matchExpressions.length > 0 && term.matchExpressions.every((req) => matchesRequirement(labels, req)),
  );
}

/**
 * Required node affinity (`requiredDuringSchedulingIgnoredDuringExecution`). Unresolvable: evicting pods never
 * changes a node's labels.
 */
export const nodeAffinity = (): FilterPlugin => ({
  name: PLUGINS.nodeAffinity,
  filter: (_state, member, node) =>
    !member.nodeAffinity || matchesNodeAffinity(node.labels, member.nodeAffinity)
      ? Status.SUCCESS
      : Status.unresolvable(ERR_REASON_POD),
});
