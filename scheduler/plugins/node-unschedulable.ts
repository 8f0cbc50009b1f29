import type { FilterPlugin } from '../framework/interfaces.ts';
import { Status } from '../framework/status.ts';
import { PLUGINS } from './names.ts';

const REASON = 'node(s) were unschedulable';

/** Cordoned nodes (`spec.unschedulable`) take nothing new. */
export const nodeUnschedulable = (): FilterPlugin => ({
  name: PLUGINS.nodeUnschedulable,
  filter: (_state, _member, node) => (node.unschedulable ? Status.unresolvable(REASON) : Status.SUCCESS),
});
