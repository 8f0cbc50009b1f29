import { ApiException, KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { Queue } from '../../api/queue.ts';

/** Field manager of the Queues `loom queues import` applies. */
export const QUEUES_FIELD_MANAGER = 'loom';

export interface ApplyQueuesOptions {
  /** kubeconfig file; absent: $KUBECONFIG, ~/.kube/config, then the in-cluster service account. */
  kubeconfig?: string;
  /** Take over fields another manager owns (kubectl's --force-conflicts). */
  forceConflicts?: boolean;
  /** Called after each Queue is applied, with what the apiserver returned. */
  onApplied?: (q: Queue) => void;
}

/**
 * Server-side applies `queues` one after another, parents first, as field manager `loom`. Queues absent from the list
 * are left alone (no pruning). Resolves to the objects the apiserver returned; rejects on the first failure with the
 * apiserver's message.
 */
export async function applyQueues(queues: readonly Queue[], o: ApplyQueuesOptions = {}): Promise<Queue[]> {
  const kc = new KubeConfig();
  if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
  else kc.loadFromDefault();
  const api = KubernetesObjectApi.makeApiClient(kc);
  const applied: Queue[] = [];
  for (const q of queues) {
    // Server-side apply wants exactly the fields this manager owns: no status, no resourceVersion.
    const body = { apiVersion: q.apiVersion, kind: q.kind, metadata: { name: q.metadata.name }, spec: q.spec };
    let result: Queue;
    try {
      result = await api.patch(
        body,
        undefined,
        undefined,
        QUEUES_FIELD_MANAGER,
        o.forceConflicts ?? false,
        PatchStrategy.ServerSideApply,
      );
    } catch (err) {
      const hint =
        err instanceof ApiException && err.code === 409 && !o.forceConflicts
          ? '; --force-conflicts takes the fields over'
          : '';
      throw new Error(`applying Queue ${q.metadata.name}: ${apiMessage(err)}${hint}`, { cause: err });
    }
    applied.push(result);
    o.onApplied?.(result);
  }
  return applied;
}

/** The apiserver's own message when there is one (a Status body), else the error's. */
function apiMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = err.body;
    try {
      const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown };
      if (typeof status?.message === 'string') return `${status.message} (HTTP ${err.code})`;
    } catch {
      // not JSON: fall through
    }
    return `HTTP ${err.code}`;
  }
  return err instanceof Error ? err.message : String(err);
}
