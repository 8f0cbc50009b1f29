import type { KubeConfig, KubernetesObject, V1Node, V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { SchedulerCache } from '../core/cache.ts';
import { resolveQueueLimits, type QueueLimitSpec, type TierTotals } from '../core/queue-limits.ts';
import type { SchedulingPipeline } from '../pipeline.ts';
import { disruptionBudget, nodeFacts, podMember, queueLimitSpec, unitInfo } from './convert.ts';
import { startInformers } from './informers.ts';
import type { KeepAliveClient } from '../../api/k8s/keepalive-client.ts';

export interface FeedOptions {
  /** schedulerName values this scheduler answers for. */
  schedulerNames: ReadonlySet<string>;
  /** Only pending pods of these namespaces are scheduled (all when absent); every pod is still counted. */
  namespaces?: ReadonlySet<string>;
  /** A reclaimed report older than this counts as zero (also for queue totals). */
  reclaimedStaleSeconds: number;
}

/**
 * Feeds the pipeline from the cluster: nodes, pods, SchedulingUnits and Queues through informers, queue limits
 * re-resolved against the cluster totals whenever nodes or queues change.
 */
export async function startClusterFeed(
  kc: KubeConfig,
  client: KeepAliveClient,
  pipeline: SchedulingPipeline,
  cache: SchedulerCache,
  o: FeedOptions,
  log: Logger,
): Promise<{ stop(): Promise<void> }> {
  const nodeSeen = new Map<string, string>();
  const queueSpecs = new Map<string, QueueLimitSpec>();
  let limitsTimer: NodeJS.Timeout | undefined;
  const recomputeQueues = (): void => {
    if (limitsTimer) return;
    limitsTimer = setTimeout(() => {
      limitsTimer = undefined;
      const totals: TierTotals = {
        reserved: { milliCpu: 0, memory: 0, pods: 0 },
        spot: { milliCpu: 0, memory: 0, pods: 0 },
      };
      const now = Date.now();
      for (const n of cache.nodeList()) {
        totals.reserved.milliCpu += n.allocatable.milliCpu;
        totals.reserved.memory += n.allocatable.memory;
        totals.reserved.pods += n.allocatable.pods;
        const fresh =
          n.reclaimedReportTime !== undefined && now - n.reclaimedReportTime <= o.reclaimedStaleSeconds * 1000;
        if (fresh) {
          totals.spot.milliCpu += n.reclaimedAllocatable.milliCpu;
          totals.spot.memory += n.reclaimedAllocatable.memory;
        }
        totals.spot.pods += n.allocatable.pods;
      }
      for (const q of resolveQueueLimits([...queueSpecs.values()], totals)) pipeline.queueUpsert(q);
    }, 200);
  };

  const podKey = (p: V1Pod): string => `${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? ''}`;
  const onPod = (p: V1Pod): void => {
    const phase = p.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return pipeline.podGone(podKey(p));
    if (p.spec?.nodeName) return pipeline.podPlaced(podMember(p), p.spec.nodeName);
    if (p.metadata?.deletionTimestamp) return pipeline.podGone(podKey(p));
    if (o.namespaces && !o.namespaces.has(p.metadata?.namespace ?? 'default')) return;
    if (o.schedulerNames.has(p.spec?.schedulerName ?? 'default-scheduler')) pipeline.podPending(podMember(p));
  };

  const informers = await startInformers(
    kc,
    client,
    {
      nodes: {
        upsert: (n: V1Node) => {
          const facts = nodeFacts(n);
          // kwok and kubelets rewrite node status every few seconds; only real changes may wake pending units.
          const sig = JSON.stringify(facts);
          if (nodeSeen.get(facts.name) === sig) return;
          nodeSeen.set(facts.name, sig);
          pipeline.nodeUpsert(facts);
          recomputeQueues();
        },
        remove: (n: V1Node) => {
          const name = n.metadata?.name ?? '';
          nodeSeen.delete(name);
          pipeline.nodeRemoved(name);
          recomputeQueues();
        },
      },
      pods: { upsert: onPod, remove: (p: V1Pod) => pipeline.podGone(podKey(p)) },
      // Read by preemption only, in the same thread as the pipeline: straight into the cache.
      budgets: {
        upsert: (b: V1PodDisruptionBudget) => cache.upsertBudget(disruptionBudget(b)),
        remove: (b: V1PodDisruptionBudget) => cache.removeBudget(disruptionBudget(b).key),
      },
      units: {
        upsert: (u: KubernetesObject) => pipeline.unitUpsert(unitInfo(u)),
        remove: (u: KubernetesObject) => pipeline.unitRemoved(unitInfo(u).key),
      },
      queues: {
        upsert: (q: KubernetesObject) => {
          const spec = queueLimitSpec(q);
          queueSpecs.set(spec.name, spec);
          recomputeQueues();
        },
        remove: (q: KubernetesObject) => {
          const name = q.metadata?.name ?? '';
          queueSpecs.delete(name);
          pipeline.queueRemoved(name);
        },
      },
    },
    log,
  );
  return {
    stop: async () => {
      if (limitsTimer) clearTimeout(limitsTimer);
      await Promise.all(informers.map((i) => i.stop()));
    },
  };
}
