import type { Member } from '../core/types.ts';
import type { UnitInfo } from '../core/unit.ts';
import type { BindOutcome, BindSink } from '../pipeline.ts';
import type { KeepAliveClient } from '../../api/k8s/keepalive-client.ts';
import { postPodEvent } from '../../api/k8s/pod-event.ts';

const podPath = (m: Member): string =>
  `/api/v1/namespaces/${encodeURIComponent(m.namespace)}/pods/${encodeURIComponent(m.name)}`;

/**
 * Bindings and deletions through the apiserver over kept-alive connections: one Binding per pod and nothing else on
 * the success path (no event, no status patch), because the apiserver is the wall.
 */
export class KubeBindSink implements BindSink {
  constructor(
    private readonly client: KeepAliveClient,
    private readonly onError: (member: Member, what: string, status: number, body: unknown) => void,
  ) {}

  async bind(m: Member, node: string): Promise<BindOutcome> {
    const res = await this.client.request('POST', `${podPath(m)}/binding`, {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: m.name, namespace: m.namespace, ...(m.uid ? { uid: m.uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    });
    if (res.status >= 200 && res.status < 300) return 'bound';
    if (res.status === 404) return 'gone';
    if (res.status === 409) return 'conflict';
    this.onError(m, 'bind', res.status, res.body);
    return res.status === 429 || res.status >= 500 ? 'retry' : 'gone';
  }

  /**
   * Evicts a preemption victim through the Eviction API (a PodDisruptionBudget may refuse: 429), then tells its owner
   * why with a `Preempted` event, as kube-scheduler does.
   */
  async evict(victim: Member, preemptor: UnitInfo): Promise<'evicted' | 'blocked' | 'gone'> {
    const res = await this.client.request('POST', `${podPath(victim)}/eviction`, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: victim.name, namespace: victim.namespace },
      ...(victim.uid ? { deleteOptions: { preconditions: { uid: victim.uid } } } : {}),
    });
    if (res.status === 404) return 'gone';
    if (res.status === 429) return 'blocked';
    if (res.status >= 300) {
      this.onError(victim, 'evict', res.status, res.body);
      return 'blocked';
    }
    void postPodEvent(this.client, victim, {
      reason: 'Preempted',
      message: `Preempted by ${preemptor.key.replace(/^pod:/, '')} (priority ${preemptor.priority})`,
      type: 'Normal',
      component: 'loom-scheduler',
    });
    return 'evicted';
  }

  async remove(m: Member, reason: string): Promise<void> {
    const res = await this.client.request('DELETE', podPath(m), {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      ...(m.uid ? { preconditions: { uid: m.uid } } : {}),
    });
    if (res.status >= 300 && res.status !== 404) this.onError(m, `delete (${reason})`, res.status, res.body);
  }
}
