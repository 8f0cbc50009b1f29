import { podIndexOf } from '../core/pod-index.ts';
import { keyOf, type PodAntiAffinityTerm } from '../core/types.ts';
import { stateKey } from '../framework/cycle-state.ts';
import type { FilterPlugin, PreFilterPlugin } from '../framework/interfaces.ts';
import { Status } from '../framework/status.ts';
import { labelValue, matchesSelector, selectorError } from './label-selector.ts';
import { PLUGINS } from './names.ts';

/** kube-scheduler's `ErrReasonAntiAffinityRulesNotMatch`. */
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

/**
 * Topology key → the values of that key where a pod matching one of the member's terms runs. Read-only because
 * `CycleState.clone()` is shallow: what-if runs share it.
 */
export type AntiAffinityDomains = ReadonlyMap<string, ReadonlySet<string>>;

/** What PreFilter leaves for Filter; the only thing Filter reads, so a later `filterOne` sees the same answer. */
export const antiAffinityStateKey = stateKey<AntiAffinityDomains>(`PreFilter${PLUGINS.interPodAntiAffinity}`);

const NO_DOMAINS: AntiAffinityDomains = new Map();

/** Why Kubernetes would fail to parse this term, or undefined. */
function termError(term: PodAntiAffinityTerm): string | undefined {
  if (!term.topologyKey) return 'topologyKey is required';
  return selectorError(term.selector);
}

/**
 * The member's required pod anti-affinity (`requiredDuringSchedulingIgnoredDuringExecution`). The cluster-wide work,
 * finding the domains that already hold a matching pod, happens once in PreFilter, so Filter, which runs for every
 * node, is a lookup per topology key.
 *
 * Symmetric, as in kube-scheduler: a placed pod whose own terms match the member keeps it out of that pod's domains
 * too (a web replica saying "no other web on my node" repels the next one even if the newcomer says nothing).
 * PreFilter asks a `PodIndex` (the cache) rather than walking every node as kube-scheduler does: only pods with
 * terms of their own are looked at for the symmetric check, and only pods that can match a selector for the member's
 * terms, so a member without terms in a cluster without any costs nothing.
 */
export const interPodAntiAffinity = (): PreFilterPlugin & FilterPlugin => ({
  name: PLUGINS.interPodAntiAffinity,
  preFilter: (state, member, nodes, pods = podIndexOf(nodes)) => {
    const terms = member.podAntiAffinity ?? [];
    const self = keyOf(member);
    const domains = new Map<string, Set<string>>();
    const forbid = (topologyKey: string, value: string): void => {
      let values = domains.get(topologyKey);
      if (!values) domains.set(topologyKey, (values = new Set()));
      values.add(value);
    };
    // Existing pods' terms against the member.
    for (const { key, pod, node: nodeName } of pods.withAntiAffinity()) {
      if (key === self) continue;
      const node = pods.node(nodeName);
      if (!node) continue;
      for (const term of pod.podAntiAffinity ?? []) {
        const value = labelValue(node.labels, term.topologyKey);
        if (value === undefined || termError(term) !== undefined) continue;
        const namespaces = term.namespaces?.length ? term.namespaces : [pod.namespace];
        if (namespaces.includes(member.namespace) && matchesSelector(member.labels ?? {}, term.selector)) {
          forbid(term.topologyKey, value);
        }
      }
    }
    if (terms.length === 0) {
      state.write(antiAffinityStateKey, domains.size ? domains : NO_DOMAINS);
      return Status.SUCCESS;
    }
    for (const term of terms) {
      const err = termError(term);
      // kube-scheduler's wording; unresolvable because no node can ever satisfy a term that does not parse.
      if (err !== undefined) return Status.unresolvable(`parsing pod: ${err}`);
    }
    // The member's terms against existing pods.
    for (const term of terms) {
      for (const namespace of new Set(term.namespaces?.length ? term.namespaces : [member.namespace])) {
        for (const { key, pod, node: nodeName } of pods.mayMatch(namespace, term.selector)) {
          // The member itself may already be assumed somewhere (a retry, the binder's re-check).
          if (key === self) continue;
          const node = pods.node(nodeName);
          // A node without the key is in no domain, so its pods constrain nobody for this term.
          const value = node && labelValue(node.labels, term.topologyKey);
          if (value === undefined || domains.get(term.topologyKey)?.has(value)) continue;
          if (matchesSelector(pod.labels, term.selector)) forbid(term.topologyKey, value);
        }
      }
    }
    state.write(antiAffinityStateKey, domains);
    return Status.SUCCESS;
  },
  filter: (state, _member, node) => {
    for (const [topologyKey, values] of state.read(antiAffinityStateKey)) {
      const value = labelValue(node.labels, topologyKey);
      // Unschedulable, not unresolvable: evicting the matching pods would make room.
      if (value !== undefined && values.has(value)) return Status.unschedulable(ERR_REASON_ANTI_AFFINITY);
    }
    return Status.SUCCESS;
  },
});
