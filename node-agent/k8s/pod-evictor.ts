import type { Logger } from 'pino';
import type { KeepAliveClient } from '../../api/k8s/keepalive-client.ts';
import { postPodEvent } from '../../api/k8s/pod-event.ts';
import type { Evictor } from '../agent.ts';
import type { Victim } from '../policy/eviction-policy.ts';

/**
 * Evicts `reclaimed_cores` pods the way the kubelet's own eviction manager marks them, then through the Eviction
 * API: first the pod's status gets `reason: Evicted` and the agent's sentence as `message` (what `kubectl get pod`
 * and `describe` show, and what the translator reads to report a preempted container, exit status -102), then a
 * `Warning Evicted` event, then the Eviction itself, which honours PodDisruptionBudgets (429: try again later) and
 * adds the `DisruptionTarget` condition.
 */
export class PodEvictor implements Evictor {
  constructor(
    private readonly client: KeepAliveClient,
    private readonly log: Logger,
    private readonly onEvicted: (node: string, v: Victim) => void = () => undefined,
  ) {}

  async evict(node: string, v: Victim): Promise<'evicted' | 'blocked' | 'gone'> {
    const { namespace, name, uid } = v.pod;
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;
    const marked = await this.client.request(
      'PATCH',
      `${path}/status`,
      { metadata: { uid }, status: { reason: 'Evicted', message: v.reason } },
      'application/merge-patch+json',
    );
    if (marked.status === 404 || marked.status === 409) return 'gone';
    const res = await this.client.request('POST', `${path}/eviction`, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, namespace },
      deleteOptions: { preconditions: { uid } },
    });
    if (res.status === 404 || res.status === 409) return 'gone';
    if (res.status >= 300) {
      this.log.warn({ node, pod: `${namespace}/${name}`, status: res.status, body: res.body }, 'eviction refused');
      // Still running: take the mark back, or the pod would read as evicted while it works on.
      await this.client.request(
        'PATCH',
        `${path}/status`,
        { metadata: { uid }, status: { reason: null, message: null } },
        'application/merge-patch+json',
      );
      return 'blocked';
    }
    this.log.info({ node, pod: `${namespace}/${name}`, reason: v.reason }, 'evicted reclaimed pod');
    this.onEvicted(node, v);
    await postPodEvent(this.client, v.pod, {
      reason: 'Evicted',
      message: v.reason,
      type: 'Warning',
      component: 'loom-node-agent',
      host: node,
    });
    return 'evicted';
  }
}
