import type { Command } from 'commander';
import type { NodeAgentRunOptions } from '../../node-agent/main.ts';
import { DEFAULT_EVICTION_POLICY } from '../../node-agent/policy/eviction-policy.ts';
import { DEFAULT_RECLAIM_POLICY } from '../../node-agent/policy/reclaim-policy.ts';
import { intIn, numberIn } from '../options.ts';

interface NodeAgentFlags {
  kubeconfig?: string;
  nodeName?: string;
  fleet?: string;
  source: 'cgroup' | 'simulated';
  cgroupRoot: string;
  enforce: boolean;
  interval: number;
  refresh: number;
  cpuReserve: number;
  memoryReserve: number;
  cpuMargin: number;
  memoryMargin: number;
  peakWindow: number;
  growPerMinute: number;
  cpuEvictThreshold: number;
  cpuEvictSamples: number;
  memoryEvictThreshold: number;
  memoryPressure: number;
  kubeApiQps: number;
  kubeApiBurst: number;
  metricsPort: number;
  metrics: boolean;
  logLevel: string;
}

const r = DEFAULT_RECLAIM_POLICY;
const e = DEFAULT_EVICTION_POLICY;

/**
 * `loom node-agent`: measures online usage, publishes reclaimed capacity and evicts batch under pressure, for one
 * node (DaemonSet: `--node-name`, cgroup v2) or for every kwok node of a label selector (`--fleet`, usage model).
 * docs/reclaimed-capacity.md explains every knob with a worked example.
 */
export function registerNodeAgentCommand(program: Command): void {
  program
    .command('node-agent')
    .description('publish reclaimed capacity from measured online usage; evict batch when online needs it back')
    .option('--kubeconfig <file>', 'kubeconfig (env KUBECONFIG; in-cluster config when absent)', process.env.KUBECONFIG)
    .option('--node-name <name>', 'the node this agent serves (env NODE_NAME)', process.env.NODE_NAME)
    .option(
      '--fleet <selector>',
      'serve every node matching this label selector (kwok nodes; needs --source simulated)',
    )
    .option('--source <source>', 'usage from the cgroup v2 tree or the simulated model: cgroup|simulated', 'cgroup')
    .option('--cgroup-root <dir>', 'cgroup v2 mount', '/sys/fs/cgroup')
    .option('--enforce', 'set cpu.weight/cpu.max of the BestEffort slice to the published amount', false)
    .option('--interval <seconds>', 'seconds between samples', numberIn(0.1, 3600), 2)
    .option('--refresh <seconds>', 'refresh an unchanged report after this long', numberIn(1, 3600), 10)
    .option(
      '--cpu-reserve <share>',
      'share of allocatable cpu never published',
      numberIn(0, 1),
      r.reserveFraction.milliCpu,
    )
    .option(
      '--memory-reserve <share>',
      'share of allocatable memory never published',
      numberIn(0, 1),
      r.reserveFraction.memory,
    )
    .option('--cpu-margin <x>', 'online cpu estimate = max(usage × this, recent peak)', numberIn(1, 10), r.cpuMargin)
    .option(
      '--memory-margin <x>',
      'online memory estimate = max(usage × this, recent peak)',
      numberIn(1, 10),
      r.memoryMargin,
    )
    .option(
      '--peak-window <seconds>',
      'how long a usage peak holds capacity back',
      numberIn(1, 86_400),
      r.peakWindowMs / 1000,
    )
    .option(
      '--grow-per-minute <share>',
      'fastest growth of the published amount, share of allocatable per minute',
      numberIn(0, 100),
      r.growPerMinute,
    )
    .option(
      '--cpu-evict-threshold <share>',
      'evict batch when online + batch cpu passes this share of allocatable',
      numberIn(0.1, 10),
      e.cpuThreshold,
    )
    .option(
      '--cpu-evict-samples <n>',
      'consecutive samples over the cpu threshold before evicting',
      intIn(1, 1000),
      e.cpuSamples,
    )
    .option(
      '--memory-evict-threshold <share>',
      'evict batch when online + batch memory passes this share',
      numberIn(0.1, 10),
      e.memoryThreshold,
    )
    .option(
      '--memory-pressure <percent>',
      'evict batch when PSI memory some avg10 passes this',
      numberIn(0, 100),
      e.memoryPressurePercent,
    )
    .option('--kube-api-qps <n>', 'client requests per second to the apiserver', intIn(1, 100_000), 50)
    .option('--kube-api-burst <n>', 'client request burst', intIn(1, 100_000), 100)
    .option('--metrics-port <port>', 'port of /metrics on 127.0.0.1 (0: any free port)', intIn(0, 65535), 0)
    .option('--no-metrics', 'serve no /metrics')
    .option('--log-level <level>', 'pino log level', process.env.LOG_LEVEL ?? 'info')
    .action(async (f: NodeAgentFlags) => {
      if (f.source !== 'cgroup' && f.source !== 'simulated') {
        program.error(`--source must be cgroup or simulated, not ${String(f.source)}`);
      }
      const fleet = f.fleet !== undefined;
      const o: NodeAgentRunOptions = {
        ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}),
        // In fleet mode a NODE_NAME from the environment is not a second scope.
        ...(!fleet && f.nodeName ? { nodeName: f.nodeName } : {}),
        ...(fleet ? { fleet: f.fleet } : {}),
        source: f.source,
        cgroupRoot: f.cgroupRoot,
        enforce: f.enforce,
        intervalSeconds: f.interval,
        refreshSeconds: f.refresh,
        reclaim: {
          reserveFraction: { milliCpu: f.cpuReserve, memory: f.memoryReserve },
          cpuMargin: f.cpuMargin,
          memoryMargin: f.memoryMargin,
          peakWindowMs: f.peakWindow * 1000,
          growPerMinute: f.growPerMinute,
        },
        eviction: {
          cpuThreshold: f.cpuEvictThreshold,
          cpuSamples: f.cpuEvictSamples,
          memoryThreshold: f.memoryEvictThreshold,
          memoryPressurePercent: f.memoryPressure,
        },
        kubeApiQps: f.kubeApiQps,
        kubeApiBurst: f.kubeApiBurst,
        metricsPort: f.metrics ? f.metricsPort : -1,
        logLevel: f.logLevel,
      };
      let agent;
      try {
        agent = await (await import('../../node-agent/main.ts')).runNodeAgent(o);
      } catch (err) {
        program.error(`loom node-agent: ${err instanceof Error ? err.message : String(err)}`);
      }
      const addr = agent.metricsServer?.address();
      const port = addr && typeof addr === 'object' ? ` (metrics on http://127.0.0.1:${addr.port}/metrics)` : '';
      process.stderr.write(`loom node-agent running for ${agent.view.nodes.size} node(s)${port}\n`);
      const stop = (): void => {
        void agent.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
