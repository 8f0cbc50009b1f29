import type { PodIndex } from '../core/pod-index.ts';
import type { Member, NodeInfo } from '../core/types.ts';
import { CycleState } from './cycle-state.ts';
import { fitErrorMessage } from './fit-error.ts';
import {
  isFilter,
  isPreFilter,
  isScore,
  MAX_NODE_SCORE,
  type FilterPlugin,
  type PluginContext,
  type PreFilterPlugin,
  type ScorePlugin,
} from './interfaces.ts';
import type { Registry } from './registry.ts';
import { CODES, Status } from './status.ts';

/** Which plugins run, in order, and the weight of each scorer. */
export interface Profile {
  plugins: string[];
  scoreWeights: Record<string, number>;
}

/** A candidate node and its weighted score. */
export interface Candidate {
  node: string;
  score: number;
}

/** Candidate nodes for one member, best first, or why there are none. */
export type FindResult =
  | { ok: true; candidates: Candidate[] }
  | { ok: false; status: Status; message: string; rejections: ReadonlyMap<string, Status> };

/** How far one search looks: kube-scheduler's `percentageOfNodesToScore`, which keeps large clusters cheap. */
export interface SearchOptions {
  /** Candidates returned (the binder's alternates). @defaultValue 3 */
  maxCandidates?: number;
  /**
   * Stop filtering once this many feasible nodes are found (0: look at every node). The adaptive default follows
   * kube-scheduler: 50% of the nodes minus 1% per 125 nodes, at least 5% and at least 100 nodes.
   */
  feasibleToFind?: number;
  /** Where in the node list the search starts; rotating it spreads equal-score work like kube-scheduler does. */
  start?: number;
  /** Replaces a node by what this cycle already reserved on it (a gang's earlier members). */
  view?: (node: NodeInfo) => NodeInfo;
  /**
   * The cluster's placed pods, indexed, with what `view` adds (the cache under the worker's reservations): affinity
   * PreFilters search it instead of walking every node. Without it they walk `nodes` (viewed, for members with terms).
   */
  pods?: PodIndex;
}

/** kube-scheduler's adaptive number of feasible nodes to find before scoring. */
export function adaptiveFeasibleToFind(total: number): number {
  if (total <= 100) return total;
  const percent = Math.max(5, 50 - Math.floor(total / 125));
  return Math.max(100, Math.floor((total * percent) / 100));
}

/**
 * Runs a profile's plugins at their extension points. Plugins never stamp their own name and never throw: the
 * runtime attributes every status to its plugin and turns a thrown error into an Error status.
 */
export class Framework {
  private readonly preFilters: PreFilterPlugin[] = [];
  private readonly filters: FilterPlugin[] = [];
  private readonly scorers: { plugin: ScorePlugin; weight: number }[] = [];

  constructor(registry: Registry, profile: Profile, ctx: PluginContext) {
    for (const name of profile.plugins) {
      const plugin = registry.get(name)(ctx);
      if (isPreFilter(plugin)) this.preFilters.push(plugin);
      if (isFilter(plugin)) this.filters.push(plugin);
      if (isScore(plugin)) {
        const weight = profile.scoreWeights[name];
        if (weight === undefined || weight <= 0) throw new Error(`score plugin ${name} needs a positive weight`);
        this.scorers.push({ plugin, weight });
      }
    }
  }

  private guard(plugin: string, run: () => Status): Status {
    try {
      return run().withPlugin(plugin);
    } catch (err) {
      return Status.error(err).withPlugin(plugin);
    }
  }

  /**
   * Filters one node (the binder's re-check uses this against the live cache). This is the hot loop — thousands of
   * nodes per member — so success allocates nothing: only a rejection is stamped with its plugin.
   */
  filterOne(state: CycleState, member: Member, node: NodeInfo): Status {
    for (const p of this.filters) {
      let s: Status;
      try {
        s = p.filter(state, member, node);
      } catch (err) {
        return Status.error(err).withPlugin(p.name);
      }
      if (!s.isSuccess) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /**
   * Runs the PreFilters; a member they reject is rejected on every node. `pods`: the placed pods of the whole cluster
   * (see {@link PreFilterPlugin}).
   */
  preFilter(member: Member, nodes: readonly NodeInfo[], pods?: PodIndex): { state: CycleState; status: Status } {
    const state = new CycleState();
    for (const p of this.preFilters) {
      const s = this.guard(p.name, () => p.preFilter(state, member, nodes, pods));
      if (!s.isSuccess) return { state, status: s };
    }
    return { state, status: Status.SUCCESS };
  }

  /** Filters then scores nodes from `start`, stopping after `feasibleToFind` feasible ones; best first. */
  findNodes(member: Member, nodes: readonly NodeInfo[], opts: SearchOptions = {}): FindResult {
    const { maxCandidates = 3, view } = opts;
    const toFind = opts.feasibleToFind === undefined ? adaptiveFeasibleToFind(nodes.length) : opts.feasibleToFind;
    // Affinity PreFilters must see the pods this cycle already reserved (a gang's earlier members): `pods` has them;
    // without it, viewing every node costs an array per member, so only members with pod terms pay it.
    const { state, status } = opts.pods
      ? this.preFilter(member, nodes, opts.pods)
      : this.preFilter(member, view && member.podAntiAffinity?.length ? nodes.map(view) : nodes);
    const rejections = new Map<string, Status>();
    if (!status.isSuccess) {
      for (const n of nodes) rejections.set(n.name, status);
      const message = status.isRejection ? fitErrorMessage(nodes.length, rejections) : status.toString();
      return { ok: false, status, message, rejections };
    }
    const feasible: NodeInfo[] = [];
    const total = nodes.length;
    const start = total ? (opts.start ?? 0) % total : 0;
    for (let i = 0; i < total; i++) {
      const raw = nodes[(start + i) % total];
      if (!raw) continue;
      const node = view ? view(raw) : raw;
      const verdict = this.filterOne(state, member, node);
      if (verdict.isSuccess) {
        feasible.push(node);
        if (toFind > 0 && feasible.length >= toFind) break;
      } else if (verdict.code === CODES.Error) {
        return { ok: false, status: verdict, message: verdict.toString(), rejections };
      } else rejections.set(node.name, verdict);
    }
    if (feasible.length === 0) {
      const message = fitErrorMessage(total, rejections);
      return { ok: false, status: Status.unschedulable(message), message, rejections };
    }
    const scored: Candidate[] = feasible.map((node) => {
      let score = 0;
      for (const { plugin, weight } of this.scorers) {
        const s = Math.max(0, Math.min(MAX_NODE_SCORE, plugin.score(state, member, node)));
        score += s * weight;
      }
      return { node: node.name, score };
    });
    // Partial selection: only the best few are needed, so avoid sorting every feasible node.
    const best: Candidate[] = [];
    for (const c of scored) {
      let i = best.length;
      while (i > 0) {
        const prev = best[i - 1];
        if (!prev || prev.score > c.score || (prev.score === c.score && prev.node <= c.node)) break;
        i--;
      }
      if (i < maxCandidates) {
        best.splice(i, 0, c);
        if (best.length > maxCandidates) best.pop();
      }
    }
    return { ok: true, candidates: best };
  }
}
