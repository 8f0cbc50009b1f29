import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  BatchV1Api,
  ApiException,
  type V1Node,
} from '@kubernetes/client-node';
import {
  GROUP,
  QUEUE,
  RECLAIMED_MEMORY,
  RECLAIMED_MILLICPU,
  RECLAIMED_REPORT_TIME_ANNOTATION,
  VERSION,
} from '../../api/names.ts';
import { binaryPaths } from '../../hack/local-cluster/binaries.ts';
import { nodeManifest } from '../../hack/local-cluster/nodes.ts';
import { readState, type ClusterState } from '../../hack/local-cluster/state.ts';
import type { RunningNodeAgent } from '../../node-agent/main.ts';
import type { RunningTranslator } from '../../translator/main.ts';
import type { EvictionPolicyOptions } from '../../node-agent/policy/eviction-policy.ts';
import type { ReclaimPolicyOptions } from '../../node-agent/policy/reclaim-policy.ts';

const run = promisify(execFile);

/**
 * Integration tests run inside `hack/with-test-cluster.sh`, which starts one local cluster (real etcd,
 * kube-apiserver, kube-controller-manager, kwok) and Redis for the whole run and exports where they are.
 */
export function clusterEnv(): { kubeconfig: string; redisUrl: string; stateDir: string; state: ClusterState } {
  const kubeconfig = process.env.KUBECONFIG;
  const redisUrl = process.env.REDIS_URL;
  const stateDir = process.env.LOOM_STATE_DIR;
  if (!kubeconfig || !redisUrl || !stateDir) {
    throw new Error('integration tests need a local cluster: run them through `make integration`');
  }
  const state = readState(stateDir);
  if (!state) throw new Error(`no cluster state in ${stateDir}`);
  return { kubeconfig, redisUrl, stateDir, state };
}

export function kube(): { kc: KubeConfig; core: CoreV1Api; batch: BatchV1Api; custom: CustomObjectsApi } {
  const kc = new KubeConfig();
  kc.loadFromFile(clusterEnv().kubeconfig);
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

/** Runs the cluster's own kubectl (built with the control plane) with the test kubeconfig. */
export async function kubectl(args: string[], input?: string): Promise<string> {
  const bin = binaryPaths().kubectl;
  const child = run(bin, ['--kubeconfig', clusterEnv().kubeconfig, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  const { stdout } = await child;
  return stdout;
}

/** Runs `loom` against the test cluster's state folder. */
export async function loom(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('node', [new URL('../../bin/loom.mjs', import.meta.url).pathname, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOOM_STATE_DIR: clusterEnv().stateDir },
  });
}

/** A fresh namespace per test file; waits for its default ServiceAccount so pods can be created at once. */
/** Creates the cluster-scoped Queue `name` with `spec`; the returned function deletes it. */
export async function createQueue(name: string, spec: Record<string, unknown>): Promise<() => Promise<void>> {
  const ref = { group: GROUP, version: VERSION, plural: QUEUE.plural };
  await kube().custom.createClusterCustomObject({
    ...ref,
    body: { apiVersion: `${GROUP}/${VERSION}`, kind: QUEUE.kind, metadata: { name }, spec },
  });
  return async () => {
    await kube().custom.deleteClusterCustomObject({ ...ref, name });
  };
}

export async function freshNamespace(prefix: string): Promise<string> {
  const { core } = kube();
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name } } });
  await eventually(`ServiceAccount default in ${name}`, async () => {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return true;
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return false;
      throw err;
    }
  });
  return name;
}

/** Deletes a test's namespace and the nodes it made (a node already gone is fine). */
export async function deleteNamespaceAndNodes(ns: string, nodes: readonly string[]): Promise<void> {
  const { core } = kube();
  await core.deleteNamespace({ name: ns });
  for (const name of nodes) await core.deleteNode({ name }).catch(() => undefined);
}

/** Polls `check` until it returns a truthy value (which is returned) or the timeout passes. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | false | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

/** A translator as `loom translator` runs it, against the test cluster, for a gateway fixture's Redis prefix. */
export async function startTestTranslator(
  prefix: string,
  namespace: string,
  o: { retentionSeconds?: number; leaseNamespace?: string; metrics?: boolean } = {},
): Promise<RunningTranslator> {
  const { runTranslator } = await import('../../translator/main.ts');
  return runTranslator({
    redisUrl: clusterEnv().redisUrl,
    kubeconfig: clusterEnv().kubeconfig,
    prefix,
    namespace,
    concurrency: 4,
    jobsPerSecond: 100,
    images: 'default=busybox',
    placeholderImage: 'registry.k8s.io/pause:3.10',
    unitTimeoutSeconds: 300,
    resyncSeconds: 1,
    retentionSeconds: o.retentionSeconds ?? 600,
    leaderElect: o.leaseNamespace !== undefined,
    metricsPort: o.metrics ? 0 : -1,
    ...(o.leaseNamespace ? { leaseNamespace: o.leaseNamespace } : {}),
    logLevel: 'silent',
  });
}

/** The simulated AM as `loom sim-am` runs it (local cluster only), for the YARN apps' pods of `namespace`. */
export async function startTestSimulatedAm(namespace: string): Promise<{ close(): Promise<void> }> {
  const { runSimulatedAm } = await import('../../translator/k8s/simulated-am-controller.ts');
  return runSimulatedAm({ kubeconfig: clusterEnv().kubeconfig, namespace, logLevel: 'silent' });
}

/** The scheduler as `loom scheduler` runs it, scoped to `namespace` so other test files' pods stay untouched. */
export async function startTestScheduler(
  namespace: string,
  o: { defaultScheduler?: boolean; leaseNamespace?: string } = {},
): Promise<{ close(): Promise<void> }> {
  const { runScheduler } = await import('../../scheduler/main.ts');
  return runScheduler({
    kubeconfig: clusterEnv().kubeconfig,
    defaultScheduler: o.defaultScheduler ?? true,
    kubeApiQps: 1000,
    kubeApiBurst: 1000,
    bindConcurrency: 16,
    workers: 2,
    reclaimedStaleSeconds: 60,
    metricsPort: -1,
    leaderElect: o.leaseNamespace !== undefined,
    leaseNamespace: o.leaseNamespace ?? 'kube-system',
    namespaces: [namespace],
    logLevel: 'silent',
  });
}

/**
 * The node agent as `loom node-agent --fleet SELECTOR --source simulated` runs it, sampling twice a second, for the
 * nodes of a label selector. `reclaim`/`eviction` override the policy defaults.
 */
export async function startTestNodeAgent(
  selector: string,
  o: { reclaim?: Partial<ReclaimPolicyOptions>; eviction?: Partial<EvictionPolicyOptions> } = {},
): Promise<RunningNodeAgent> {
  const { runNodeAgent, DEFAULT_NODE_AGENT_OPTIONS: d } = await import('../../node-agent/main.ts');
  return runNodeAgent({
    ...d,
    kubeconfig: clusterEnv().kubeconfig,
    fleet: selector,
    source: 'simulated',
    intervalSeconds: 0.5,
    refreshSeconds: 2,
    reclaim: { ...d.reclaim, ...o.reclaim },
    eviction: { ...d.eviction, ...o.eviction },
    kubeApiQps: 200,
    kubeApiBurst: 200,
    metricsPort: -1,
    logLevel: 'silent',
  });
}

/**
 * Plays the node agent for `nodes` until stopped: publishes `milliCpu` reclaimed millicores and `memory` reclaimed
 * memory on each node and refreshes the report time every 15 s, so spot queues and `reclaimed_cores` pods have
 * capacity. (The real node agent measures this; tests only need a known amount.)
 */
export async function publishReclaimed(
  nodes: readonly string[],
  milliCpu: number,
  memory = '64Gi',
): Promise<{ stop(): void }> {
  const publish = async (): Promise<void> => {
    for (const name of nodes) {
      const reclaimed = { [RECLAIMED_MILLICPU]: String(milliCpu), [RECLAIMED_MEMORY]: memory };
      await kubectl([
        'patch',
        'node',
        name,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({ status: { capacity: reclaimed, allocatable: reclaimed } }),
      ]);
      await kubectl([
        'annotate',
        'node',
        name,
        '--overwrite',
        `${RECLAIMED_REPORT_TIME_ANNOTATION}=${new Date().toISOString()}`,
      ]);
    }
  };
  await publish();
  const timer = setInterval(() => void publish().catch(() => undefined), 15_000);
  return { stop: () => clearInterval(timer) };
}

/**
 * A 16-cpu, 64Gi kwok node of a test file's own pool: named `<pool>-<i>`, labelled and tainted
 * `loom.dev/test-pool=<pool>`, so nothing but that file's pods (which tolerate the taint) lands on it.
 */
export function testPoolNode(pool: string, i: number, index: number): V1Node {
  const n = nodeManifest(index, { cpu: '16', memory: '64Gi', pods: 110, nodesPerRack: 20, zones: 3 });
  const name = `${pool}-${i}`;
  n.metadata = {
    ...n.metadata,
    name,
    labels: { ...n.metadata?.labels, 'kubernetes.io/hostname': name, 'loom.dev/test-pool': pool },
  };
  n.spec = { ...n.spec, taints: [{ key: 'loom.dev/test-pool', value: pool, effect: 'NoSchedule' }] };
  return n;
}
