import type { KeepAliveClient } from '../api/k8s/keepalive-client.ts';

interface NameList {
  items?: { metadata?: { name?: string; finalizers?: string[] } }[];
}

const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Creates a namespace and waits for its `default` ServiceAccount (the controller-manager creates it; the
 * ServiceAccount admission plugin refuses pods until it exists).
 */
export async function createNamespace(client: KeepAliveClient, name: string, timeoutMs = 60_000): Promise<void> {
  const r = await client.request('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'bench.loom.dev/scheduler': 'true' } },
  });
  if (r.status !== 201) throw new Error(`creating namespace ${name} answered ${r.status}: ${JSON.stringify(r.body)}`);
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const sa = await client.request('GET', `/api/v1/namespaces/${name}/serviceaccounts/default`);
    if (sa.status === 200) return;
    await sleep(100);
  }
  throw new Error(`namespace ${name}: no default ServiceAccount after ${timeoutMs / 1000} s`);
}

async function names(client: KeepAliveClient, path: string): Promise<{ name: string; finalizers: boolean }[]> {
  const r = await client.request<NameList>('GET', path, undefined, undefined, { accept: METADATA_LIST });
  if (r.status === 404) return [];
  if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}`);
  return (r.body.items ?? []).map((i) => ({
    name: i.metadata?.name ?? '',
    finalizers: (i.metadata?.finalizers?.length ?? 0) > 0,
  }));
}

async function forEach(items: readonly string[], width: number, fn: (item: string) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/**
 * Empties and deletes a namespace quickly: every pod deleted at once (grace period 0, `width` requests in flight),
 * then the namespace; finalizers left on pods or SchedulingUnits (a scheduler that was stopped mid-way) are cleared
 * after `finalizerGraceMs`. Resolves `true` when the namespace is gone within `timeoutMs`, `false` otherwise.
 */
export async function deleteNamespace(
  client: KeepAliveClient,
  name: string,
  o: { width?: number; timeoutMs?: number; finalizerGraceMs?: number; extraResources?: string[] } = {},
): Promise<boolean> {
  const width = o.width ?? 32;
  const pods = `/api/v1/namespaces/${name}/pods`;
  const grace0 = { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 };
  await forEach(
    (await names(client, pods)).map((p) => p.name),
    width,
    (pod) => client.request('DELETE', `${pods}/${pod}`, grace0),
  );
  const ns = await client.request('DELETE', `/api/v1/namespaces/${name}`, grace0);
  if (ns.status === 404) return true;
  const started = performance.now();
  let cleared = false;
  while (performance.now() - started < (o.timeoutMs ?? 180_000)) {
    if ((await client.request('GET', `/api/v1/namespaces/${name}`)).status === 404) return true;
    if (!cleared && performance.now() - started > (o.finalizerGraceMs ?? 20_000)) {
      cleared = true;
      for (const path of [pods, ...(o.extraResources ?? [])]) {
        const stuck = (await names(client, path)).filter((i) => i.finalizers).map((i) => i.name);
        await forEach(stuck, width, (item) =>
          client.request(
            'PATCH',
            `${path}/${item}`,
            { metadata: { finalizers: null } },
            'application/merge-patch+json',
          ),
        );
      }
    }
    await sleep(250);
  }
  return false;
}
