import type { V1Pod } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { inform, type RunningInformer } from '../../api/k8s/inform.ts';
import { KeepAliveClient } from '../../api/k8s/keepalive-client.ts';
import { loadKubeConfig } from '../../api/k8s/kubeconfig.ts';
import { YARN_APPLICATION_ID_LABEL, YARN_ATTEMPT_LABEL, YARN_ROLE_LABEL } from '../../api/names.ts';
import { amDefaults, executorsFor, type PodLike } from '../sim/simulated-am.ts';

/** Options of `loom sim-am`. */
export interface SimulatedAmOptions {
  kubeconfig?: string;
  /** Namespace of the YARN apps' pods (the translator's). @defaultValue 'yarn' */
  namespace: string;
  logLevel: string;
}

const attemptKey = (p: PodLike): string | undefined => {
  const l = p.metadata?.labels ?? {};
  const id = l[YARN_APPLICATION_ID_LABEL];
  return id ? `${id}/${l[YARN_ATTEMPT_LABEL] ?? '1'}` : undefined;
};

/**
 * The simulated application master of the local cluster (`loom sim-am`, started by `loom up`): watches the YARN
 * apps' pods and, when an AM pod runs, creates the executor pods its placeholders stand for (translator/sim/). The
 * creates are idempotent by name (409 is done), so a restart or a replayed event creates nothing twice.
 */
export async function runSimulatedAm(
  o: SimulatedAmOptions,
  log: Logger = pino({ level: o.logLevel, name: 'sim-am' }),
): Promise<{ close(): Promise<void>; created(): number }> {
  const kc = loadKubeConfig(o.kubeconfig);
  const client = new KeepAliveClient(kc, { qps: 100, burst: 200, maxSockets: 8 });
  const byAttempt = new Map<string, Map<string, PodLike>>();
  const dirty = new Set<string>();
  const inFlight = new Set<string>();
  let created = 0;
  let scheduled = false;
  const path = `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods`;

  const reconcile = async (key: string): Promise<void> => {
    const pods = [...(byAttempt.get(key)?.values() ?? [])];
    const am = pods.find((p) => p.metadata?.labels?.[YARN_ROLE_LABEL] === 'am');
    if (!am) return;
    const defaults = amDefaults(am);
    if (defaults) {
      // The executors are planned on the next event of this pod, with the duration in place.
      const r = await client.request(
        'PATCH',
        `${path}/${encodeURIComponent(am.metadata?.name ?? '')}`,
        { metadata: { annotations: defaults } },
        'application/merge-patch+json',
      );
      if (r.status >= 300 && r.status !== 404)
        log.warn({ pod: am.metadata?.name, status: r.status }, 'AM not annotated');
      return;
    }
    for (const pod of executorsFor(am, pods, Date.now())) {
      const name = pod.metadata?.name ?? '';
      if (inFlight.has(name)) continue;
      inFlight.add(name);
      const r = await client.request('POST', path, { apiVersion: 'v1', kind: 'Pod', ...pod });
      inFlight.delete(name);
      if (r.status === 201) created++;
      else if (r.status !== 409) log.warn({ pod: name, status: r.status, body: r.body }, 'executor not created');
    }
  };
  const flush = (): void => {
    scheduled = false;
    const keys = [...dirty];
    dirty.clear();
    for (const key of keys) void reconcile(key).catch((err: unknown) => log.warn({ err, key }, 'reconcile failed'));
  };
  const touch = (p: V1Pod, remove: boolean): void => {
    const key = attemptKey(p);
    const name = p.metadata?.name;
    if (!key || !name) return;
    let pods = byAttempt.get(key);
    if (!pods) byAttempt.set(key, (pods = new Map<string, PodLike>()));
    if (remove) pods.delete(name);
    else pods.set(name, p);
    if (pods.size === 0) byAttempt.delete(key);
    dirty.add(key);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const selector = { labelSelector: YARN_APPLICATION_ID_LABEL };
  const informer: RunningInformer = await inform<V1Pod>(
    kc,
    'pods',
    path,
    async () => {
      const res = await client.request<{ items: V1Pod[]; metadata: Record<string, string> }>(
        'GET',
        `${path}?${new URLSearchParams(selector).toString()}`,
      );
      if (res.status !== 200) throw new Error(`list pods: ${res.status}`);
      return res.body;
    },
    { upsert: (p) => touch(p, false), remove: (p) => touch(p, true) },
    log,
    selector,
  );
  log.info({ namespace: o.namespace }, 'simulated application master running');
  return {
    created: () => created,
    close: async () => {
      await informer.stop();
      client.close();
    },
  };
}
