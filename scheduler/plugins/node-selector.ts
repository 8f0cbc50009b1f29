import type { FilterPlugin } from '../framework/interfaces.ts';
import { Status } from '../framework/status.ts';
import { PLUGINS } from './names.ts';

const REASON = "node(s) didn't match Pod's node affinity/selector";

/** `nodeSelector`: every key must be a node label with that value. */
export const nodeSelector = (): FilterPlugin => ({
  name: PLUGINS.nodeSelector,
  filter: (_state, member, node) => {
    for (const [k, v] of Object.entries(member.nodeSelector))
      if (node.labels[k] !== v) return Status.unresolvable(REASON);
    return Status.SUCCESS;
  },
});
