import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { KeepAliveClient } from '../api/k8s/keepalive-client.ts';
import { loadKubeConfig } from '../api/k8s/kubeconfig.ts';
import { NodeAgent, type Enforcer } from './agent.ts';
import { AgentMetrics } from './agent-metrics.ts';
import { CgroupEnforcer } from './enforce/cgroup-enforcer.ts';
import { ClusterView, type NodeScope } from './k8s/cluster-view.ts';
import { NodeReporter } from './k8s/node-reporter.ts';
import { PodEvictor } from './k8s/pod-evictor.ts';
import { CgroupV2Source } from './metrics/cgroup-v2.ts';
import { SimulatedSource } from './metrics/simulated.ts';
import type { MetricsSource } from './metrics/source.ts';
import { DEFAULT_EVICTION_POLICY, type EvictionPolicyOptions } from './policy/eviction-policy.ts';
import { DEFAULT_RECLAIM_POLICY, type ReclaimPolicyOptions } from './policy/reclaim-policy.ts';

/** Options of `loom node-agent`. */
export interface NodeAgentRunOptions {
  kubeconfig?: string;
  /** The one node this agent serves (DaemonSet mode; env NODE_NAME). */
  nodeName?: string;
  /** Fleet mode: serve every node matching this label selector from one process (kwok nodes of the local cluster). */
  fleet?: string;
  /** Where usage comes from: the node's cgroup v2 tree, or the usage model for kwok nodes. */
  source: 'cgroup' | 'simulated';
  /** cgroup v2 mount (DaemonSet: the host's, mounted into the pod). @defaultValue /sys/fs/cgroup */
  cgroupRoot: string;
  /** Write cpu.weight/cpu.max of the BestEffort slice (cgroup source only). */
  enforce: boolean;
  /** Seconds between samples. @defaultValue 2 */
  intervalSeconds: number;
  /** Seconds after which an unchanged report is refreshed (its time; the scheduler's staleness limit is 60). */
  refreshSeconds: number;
  reclaim: ReclaimPolicyOptions;
  eviction: EvictionPolicyOptions;
  kubeApiQps: number;
  kubeApiBurst: number;
  /** Port of /metrics on 127.0.0.1; -1 disables it. */
  metricsPort: number;
  logLevel: string;
}

export const DEFAULT_NODE_AGENT_OPTIONS: Omit<NodeAgentRunOptions, 'kubeconfig' | 'nodeName' | 'fleet'> = {
  source: 'cgroup',
  cgroupRoot: '/sys/fs/cgroup',
  enforce: false,
  intervalSeconds: 2,
  refreshSeconds: 10,
  reclaim: DEFAULT_RECLAIM_POLICY,
  eviction: DEFAULT_EVICTION_POLICY,
  kubeApiQps: 50,
  kubeApiBurst: 100,
  metricsPort: 0,
  logLevel: 'info',
};

export interface RunningNodeAgent {
  view: ClusterView;
  metrics: AgentMetrics;
  metricsServer?: Server;
  /** Runs one round now (tests and benchmarks; the loop keeps its own pace). */
  tickAll(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the node agent: informers give the nodes in scope and their pods; every `intervalSeconds` each node is
 * sampled, its reclaimable capacity published and, under pressure, its reclaimed pods evicted. On stop the last
 * report is left in place: it goes stale within the scheduler's limit and then counts as zero, so an agent that
 * dies can never leave capacity advertised.
 */
export async function runNodeAgent(
  o: NodeAgentRunOptions,
  log: Logger = pino({ level: o.logLevel }),
): Promise<RunningNodeAgent> {
  if (!o.nodeName === !o.fleet) throw new Error('give exactly one of --node-name (or NODE_NAME) and --fleet');
  if (o.fleet && o.source === 'cgroup') throw new Error('--fleet serves kwok nodes: use --source simulated');
  const scope: NodeScope = o.nodeName ? { nodeName: o.nodeName } : { nodeSelector: o.fleet ?? '' };
  const kc = loadKubeConfig(o.kubeconfig);
  const client = new KeepAliveClient(kc, { qps: o.kubeApiQps, burst: o.kubeApiBurst, maxSockets: 16 });
  const metrics = new AgentMetrics();
  const reporter = new NodeReporter(client, log, o.refreshSeconds * 1000);
  const evictor = new PodEvictor(client, log, (node, v) => metrics.evicted(node, v.resource));
  const simulated = new SimulatedSource();
  const view = new ClusterView();
  await view.start(kc, client, scope, log);

  const agents = new Map<string, NodeAgent>();
  const agentFor = (node: string): NodeAgent => {
    let a = agents.get(node);
    if (!a) {
      // A cgroup source keeps per-pod counters, so each node (only one in DaemonSet mode) has its own.
      const source: MetricsSource = o.source === 'simulated' ? simulated : new CgroupV2Source({ root: o.cgroupRoot });
      const enforcer: Enforcer | undefined =
        o.source === 'cgroup' && o.enforce ? new CgroupEnforcer({ root: o.cgroupRoot }) : undefined;
      a = new NodeAgent(node, source, reporter, evictor, { reclaim: o.reclaim, eviction: o.eviction }, enforcer);
      agents.set(node, a);
    }
    return a;
  };

  let running: Promise<void> | undefined;
  const tickAll = (): Promise<void> => {
    running ??= (async () => {
      for (const name of agents.keys()) {
        if (!view.nodes.has(name)) {
          agents.delete(name);
          reporter.forget(name);
          metrics.forget(name);
        }
      }
      await Promise.all(
        [...view.nodes.values()].map(async (node) => {
          const started = performance.now();
          try {
            const r = await agentFor(node.name).tick(node, view.podsOn(node.name), Date.now());
            metrics.record(r, (performance.now() - started) / 1000);
          } catch (err) {
            log.warn({ err, node: node.name }, 'node agent round failed');
          }
        }),
      );
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = (): void => {
    if (stopped) return;
    void tickAll().finally(() => {
      if (!stopped) timer = setTimeout(loop, o.intervalSeconds * 1000);
    });
  };
  loop();
  const metricsServer = o.metricsPort >= 0 ? await metrics.serve(o.metricsPort) : undefined;
  log.info({ scope, source: o.source, nodes: view.nodes.size }, 'node agent running');
  return {
    view,
    metrics,
    ...(metricsServer ? { metricsServer } : {}),
    tickAll,
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      await view.stop();
      metricsServer?.close();
      client.close();
    },
  };
}
