import type { PodIndex } from '../core/pod-index.ts';
import type { Member, NodeInfo } from '../core/types.ts';
import type { CycleState } from './cycle-state.ts';
import type { Status } from './status.ts';

/** Every plugin has a name; each extension point is its own small interface (kube-scheduler's shape). */
export interface Plugin {
  readonly name: string;
}

/**
 * Runs once per member before any node is filtered; may precompute from the whole cluster (affinity domains). `pods`
 * are the cluster's placed pods, indexed; without it, the pods on `nodes` (which may then be only part of the
 * cluster) are all there is.
 */
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, member: Member, nodes: readonly NodeInfo[], pods?: PodIndex): Status;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, member: Member, node: NodeInfo): Status;
}

/** Scores are 0..100; the runtime multiplies by the plugin's weight. */
export interface ScorePlugin extends Plugin {
  score(state: CycleState, member: Member, node: NodeInfo): number;
}

export const MAX_NODE_SCORE = 100;

export const isPreFilter = (p: Plugin): p is PreFilterPlugin => typeof (p as PreFilterPlugin).preFilter === 'function';
export const isFilter = (p: Plugin): p is FilterPlugin => typeof (p as FilterPlugin).filter === 'function';
export const isScore = (p: Plugin): p is ScorePlugin => typeof (p as ScorePlugin).score === 'function';

/** Settings every plugin may read, injected by the runtime (no globals, no env). */
export interface PluginContext {
  now: () => number;
  /** A reclaimed-capacity report older than this counts as zero (ms). */
  reclaimedStaleAfterMs: number;
}

export type PluginFactory = (ctx: PluginContext) => Plugin;
