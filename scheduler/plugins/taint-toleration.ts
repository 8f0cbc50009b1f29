import type { Taint, Toleration } from '../core/types.ts';
import type { FilterPlugin } from '../framework/interfaces.ts';
import { Status } from '../framework/status.ts';
import { PLUGINS } from './names.ts';

/** Kubernetes' toleration matching: Exists matches any value; an empty key with Exists tolerates everything. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

/** NoSchedule and NoExecute taints keep out members that do not tolerate them. */
export const taintToleration = (): FilterPlugin => ({
  name: PLUGINS.taintToleration,
  filter: (_state, member, node) => {
    for (const taint of node.taints) {
      if (taint.effect === 'PreferNoSchedule') continue;
      if (!member.tolerations.some((t) => tolerates(t, taint))) {
        return Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
      }
    }
    return Status.SUCCESS;
  },
});
