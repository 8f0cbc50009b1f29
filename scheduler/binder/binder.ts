import type { SchedulerCache } from '../core/cache.ts';
import type { Member } from '../core/types.ts';
import type { Framework } from '../framework/runtime.ts';
import type { Proposal } from '../schedule/unit-scheduler.ts';

/** A member committed to a node: assumed in the cache, its Binding still to be written. */
export interface Placement {
  member: Member;
  node: string;
}

export type CommitResult =
  | {
      ok: true;
      placements: Placement[];
      /** Members whose first choice was taken by another worker and moved to an alternate or a fresh search. */
      conflicts: number;
    }
  | { ok: false; message: string; conflicts: number };

/**
 * The single authority over placement (Gödel's binder): re-checks each proposal against the live cache, falls back
 * to the alternates and then to a fresh search when parallel workers collided, and commits a unit all-or-nothing:
 * either at least `needed` members are assumed in the cache, or none of this commit's are.
 */
export class Binder {
  constructor(
    private readonly cache: SchedulerCache,
    private readonly fw: Framework,
  ) {}

  /** Whether `member` fits on `node` as the cache is now. */
  private fitsNow(member: Member, node: string): boolean {
    const info = this.cache.node(node);
    if (!info) return false;
    const { state, status } = this.fw.preFilter(member, this.cache.nodeList(), this.cache);
    return status.isSuccess && this.fw.filterOne(state, member, info).isSuccess;
  }

  commit(proposals: readonly Proposal[], needed: number): CommitResult {
    const placements: Placement[] = [];
    let conflicts = 0;
    let failure: string | undefined;
    for (const { member, candidates } of proposals) {
      let chosen = candidates.find((c) => this.fitsNow(member, c));
      if (chosen !== candidates[0]) conflicts++;
      if (chosen === undefined) {
        const res = this.fw.findNodes(member, this.cache.nodeList(), { maxCandidates: 1, pods: this.cache });
        if (res.ok) chosen = res.candidates[0]?.node;
        else failure ??= res.message;
      }
      if (chosen === undefined) continue;
      this.cache.place(member, chosen, true);
      placements.push({ member, node: chosen });
    }
    if (placements.length < needed) {
      this.rollback(placements);
      return { ok: false, message: failure ?? 'members no longer fit', conflicts };
    }
    return { ok: true, placements, conflicts };
  }

  /** Forgets assumptions that will not be bound (the gang failed, or their Binding failed). */
  rollback(placements: readonly Placement[]): void {
    for (const p of placements) {
      const entry = this.cache.placement(`${p.member.namespace}/${p.member.name}`);
      if (entry?.assumed) this.cache.unplace(`${p.member.namespace}/${p.member.name}`);
    }
  }

  /**
   * Swaps a placeholder for the real member that has now appeared: the real pod takes the placeholder's node and
   * its place in the cache; the caller binds it and deletes the placeholder.
   */
  swap(real: Member, placeholderKey: string): Placement | undefined {
    const ph = this.cache.placement(placeholderKey);
    if (!ph) return undefined;
    this.cache.unplace(placeholderKey);
    if (!this.fitsNow(real, ph.node)) {
      this.cache.place(ph.member, ph.node, ph.assumed);
      return undefined;
    }
    this.cache.place(real, ph.node, true);
    return { member: real, node: ph.node };
  }
}
