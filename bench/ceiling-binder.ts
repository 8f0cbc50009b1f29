import type { KeepAliveClient } from '../api/k8s/keepalive-client.ts';

/** Result of one {@link bindRoundRobin} pass. */
export interface BindResult {
  pending: number;
  bound: number;
  /** Status code → how many bindings answered it, for everything but 201. */
  failures: Map<number | string, number>;
}

interface NameList {
  items?: { metadata?: { name?: string } }[];
}

const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

/**
 * The ceiling: a binder with no scheduling logic at all. It lists the namespace's unbound pods of `schedulerName`
 * once (metadata only) and the nodes matching `nodeSelector`, then binds pod i to node i mod N through the Binding
 * subresource (`POST /api/v1/namespaces/{ns}/pods/{name}/binding`) with `concurrency` requests in flight, as fast as
 * the client's token bucket allows (`signal` stops it between requests). Capacity is not checked: the apiserver
 * accepts any binding to an existing node. What it measures is the apiserver's binding throughput on this machine:
 * a practical upper bound for a scheduler with the same client limits and as many bindings in flight.
 */
export async function bindRoundRobin(
  client: KeepAliveClient,
  o: { namespace: string; schedulerName: string; nodeSelector: string; concurrency: number; signal?: AbortSignal },
): Promise<BindResult> {
  const ns = encodeURIComponent(o.namespace);
  const selector = encodeURIComponent(`spec.nodeName=,spec.schedulerName=${o.schedulerName}`);
  const [pods, nodes] = await Promise.all([
    client.request<NameList>('GET', `/api/v1/namespaces/${ns}/pods?fieldSelector=${selector}`, undefined, undefined, {
      accept: METADATA_LIST,
    }),
    client.request<NameList>(
      'GET',
      `/api/v1/nodes?labelSelector=${encodeURIComponent(o.nodeSelector)}`,
      undefined,
      undefined,
      { accept: METADATA_LIST },
    ),
  ]);
  if (pods.status !== 200) throw new Error(`listing pending pods answered ${pods.status}`);
  if (nodes.status !== 200) throw new Error(`listing nodes answered ${nodes.status}`);
  const podNames = (pods.body.items ?? []).map((p) => p.metadata?.name ?? '').filter(Boolean);
  const nodeNames = (nodes.body.items ?? [])
    .map((n) => n.metadata?.name ?? '')
    .filter(Boolean)
    .sort();
  if (nodeNames.length === 0) throw new Error(`no nodes match ${o.nodeSelector}`);

  const failures = new Map<number | string, number>();
  let bound = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < podNames.length && !o.signal?.aborted) {
      const i = next++;
      const pod = podNames[i]!;
      const binding = {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: pod, namespace: o.namespace },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeNames[i % nodeNames.length] },
      };
      try {
        const r = await client.request(
          'POST',
          `/api/v1/namespaces/${ns}/pods/${encodeURIComponent(pod)}/binding`,
          binding,
        );
        if (r.status === 201) bound++;
        else failures.set(r.status, (failures.get(r.status) ?? 0) + 1);
      } catch (err) {
        const key = (err as NodeJS.ErrnoException).code ?? 'error';
        failures.set(key, (failures.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, podNames.length)) }, worker));
  return { pending: podNames.length, bound, failures };
}
