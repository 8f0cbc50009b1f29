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

/** Candidate nodes for one member, best first, or why there are none. */
export type FindResult =
  { ok: true; candidates: { node: NodeInfo; score: number }[] } | { ok: false; status: Status; message: string };

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

  /** Filters then scores every node; returns up to `maxCandidates` feasible nodes, best first. */
  findNodes(member: Member, nodes: readonly NodeInfo[], maxCandidates = 3): FindResult {
    const state = new CycleState();
    for (const p of this.preFilters) {
      const s = this.guard(p.name, () => p.preFilter(state, member));
      if (!s.isSuccess) return { ok: false, status: s, message: s.toString() };
    }
    const rejections = new Map<string, Status>();
    const feasible: NodeInfo[] = [];
    for (const node of nodes) {
      let verdict = Status.SUCCESS;
      for (const p of this.filters) {
        const s = this.guard(p.name, () => p.filter(state, member, node));
        if (!s.isSuccess) {
          verdict = s;
          break;
        }
      }
      if (verdict.isSuccess) feasible.push(node);
      else if (verdict.code === CODES.Error) return { ok: false, status: verdict, message: verdict.toString() };
      else rejections.set(node.name, verdict);
    }
    if (feasible.length === 0) {
      const message = fitErrorMessage(nodes.length, rejections);
      return { ok: false, status: Status.unschedulable(message), message };
    }
    const scored = feasible.map((node) => {
      let score = 0;
      for (const { plugin, weight } of this.scorers) {
        const s = Math.max(0, Math.min(MAX_NODE_SCORE, plugin.score(state, member, node)));
        score += s * weight;
      }
      return { node, score };
    });
    scored.sort((a, b) => b.score - a.score || a.node.name.localeCompare(b.node.name));
    return { ok: true, candidates: scored.slice(0, maxCandidates) };
  }
}
