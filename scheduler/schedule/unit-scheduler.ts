import type { PodIndex } from '../core/pod-index.ts';
import type { Member, NodeInfo } from '../core/types.ts';
import type { Framework } from '../framework/runtime.ts';
import { CODES } from '../framework/status.ts';
import type { Overlay } from './overlay.ts';

/** One member's ranked candidate nodes: the first is the choice, the rest the binder's alternates. */
export interface Proposal {
  member: Member;
  candidates: string[];
}

export type UnitResult =
  | { ok: true; proposals: Proposal[] }
  | {
      ok: false;
      /** Why the unit cannot be placed, from the first member that fits nowhere (kube-scheduler's histogram). */
      message: string;
      /** True when no preemption could help (taints, selectors): every rejection was unresolvable. */
      unresolvable: boolean;
      /** Proposals for the members that did fit (soft mode keeps them). */
      proposals: Proposal[];
    };

export interface UnitSchedulerOptions {
  /** Candidates per member. @defaultValue 3 */
  candidates?: number;
  /** Feasible nodes to find before scoring (undefined: kube-scheduler's adaptive rule; 0: all). */
  feasibleToFind?: number;
}

/**
 * Gödel's scheduler stage: finds ranked candidates for every pending member of a unit against the cache plus this
 * worker's own reservations. A gang needs `needed` members placed: fewer means the unit fails as a whole.
 */
export class UnitScheduler {
  private start = 0;

  constructor(
    private readonly fw: Framework,
    private readonly opts: UnitSchedulerOptions = {},
  ) {}

  /** `pods`: the cache's placed pods, indexed, which affinity then searches instead of walking every node. */
  schedule(
    members: readonly Member[],
    nodes: readonly NodeInfo[],
    overlay: Overlay,
    needed: number,
    pods?: PodIndex,
  ): UnitResult {
    const proposals: Proposal[] = [];
    let failure: { message: string; unresolvable: boolean } | undefined;
    for (const member of members) {
      const res = this.fw.findNodes(member, nodes, {
        maxCandidates: this.opts.candidates ?? 3,
        ...(this.opts.feasibleToFind === undefined ? {} : { feasibleToFind: this.opts.feasibleToFind }),
        start: this.start,
        view: overlay.view,
        // Per member: the earlier members' reservations are part of what it must see.
        ...(pods ? { pods: overlay.pods(pods) } : {}),
      });
      // Rotate where the next search starts, so equal nodes share the load (kube-scheduler's nextStartNodeIndex).
      this.start = (this.start + 1 + Math.floor(nodes.length / 7)) % Math.max(1, nodes.length);
      if (!res.ok) {
        failure ??= {
          message: res.message,
          unresolvable:
            [...res.rejections.values()].every((s) => s.code === CODES.UnschedulableAndUnresolvable) &&
            res.rejections.size > 0,
        };
        // A gang that already misses a needed member cannot succeed; extras beyond `needed` may fail alone.
        if (proposals.length < needed) break;
        continue;
      }
      const first = res.candidates[0];
      if (!first) continue;
      overlay.reserve(member, first.node);
      proposals.push({ member, candidates: res.candidates.map((c) => c.node) });
    }
    if (proposals.length >= needed && (proposals.length > 0 || needed === 0)) return { ok: true, proposals };
    for (const p of proposals) overlay.release(p.member, p.candidates[0] ?? '');
    return {
      ok: false,
      message: failure?.message ?? 'no member to place',
      unresolvable: failure?.unresolvable ?? false,
      proposals,
    };
  }
}
