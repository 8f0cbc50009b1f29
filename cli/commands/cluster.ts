import { dirname } from 'node:path';
import type { Command } from 'commander';
import { binaryPaths } from '../../hack/local-cluster/binaries.ts';
import { componentStatus, down, up, DEFAULT_NODE_SHAPE } from '../../hack/local-cluster/cluster.ts';
import { readState, resolveStateDir } from '../../hack/local-cluster/state.ts';
import { intIn, progress, quantityArg } from '../options.ts';

/** Options shared by `loom cluster up` and `loom up`. */
export interface ClusterUpFlags {
  nodes: number;
  nodeCpu: string;
  nodeMemory: string;
  nodePods: number;
  withKubeScheduler?: boolean;
}

export const addClusterUpOptions = (cmd: Command): Command =>
  cmd
    .option('--nodes <n>', 'number of kwok nodes', intIn(0, 50_000), 3)
    .option('--node-cpu <cpu>', 'cpu capacity of each node', quantityArg, DEFAULT_NODE_SHAPE.cpu)
    .option('--node-memory <memory>', 'memory capacity of each node', quantityArg, DEFAULT_NODE_SHAPE.memory)
    .option('--node-pods <n>', 'pod limit of each node', intIn(1, 10_000), DEFAULT_NODE_SHAPE.pods)
    .option('--with-kube-scheduler', 'also run the upstream kube-scheduler (benchmark baseline)');

export async function clusterUp(stateDir: string, flags: ClusterUpFlags): Promise<void> {
  const state = await up({
    stateDir,
    nodes: flags.nodes,
    shape: { ...DEFAULT_NODE_SHAPE, cpu: flags.nodeCpu, memory: flags.nodeMemory, pods: flags.nodePods },
    withKubeScheduler: flags.withKubeScheduler ?? false,
    log: progress,
  });
  progress(`cluster is up: ${state.server}, ${state.redisUrl}`);
  progress(`use it with: eval "$(npx loom cluster env)"; kubectl get nodes`);
}

export function registerClusterCommands(program: Command): void {
  const cluster = program
    .command('cluster')
    .description('the local control plane: etcd, kube-apiserver, kube-controller-manager, kwok, Redis');
  const stateDir = (): string => resolveStateDir(program.opts<{ stateDir?: string }>().stateDir);

  addClusterUpOptions(cluster.command('up').description('start the local cluster, or converge a running one')).action(
    async (flags: ClusterUpFlags) => clusterUp(stateDir(), flags),
  );

  cluster
    .command('down')
    .description('stop everything the local cluster started and remove its state')
    .action(async () => {
      const had = await down(stateDir(), progress);
      progress(had ? 'cluster stopped and its state removed' : 'no local cluster was running');
    });

  cluster
    .command('status')
    .description('what runs where')
    .option('--json', 'machine-readable output')
    .action((flags: { json?: boolean }) => {
      const state = readState(stateDir());
      if (!state) {
        if (flags.json) console.log(JSON.stringify({ running: false }));
        else console.log('no local cluster (start one with: loom cluster up)');
        process.exitCode = 3;
        return;
      }
      const components = componentStatus(state);
      const allRunning = components.length > 0 && components.every((c) => c.running);
      if (flags.json) {
        console.log(
          JSON.stringify(
            {
              running: allRunning,
              stateDir: state.stateDir,
              kubeconfig: state.kubeconfig,
              nodes: state.nodes,
              components,
            },
            null,
            2,
          ),
        );
      } else {
        console.log(`state:      ${state.stateDir}`);
        console.log(`kubeconfig: ${state.kubeconfig}`);
        console.log(
          `nodes:      ${state.nodes.count} x (${state.nodes.shape.cpu} cpu, ${state.nodes.shape.memory}, ${state.nodes.shape.pods} pods)`,
        );
        console.log('');
        const rows = [
          ['COMPONENT', 'PID', 'STATE', 'ENDPOINT'],
          ...components.map((c) => [c.name, String(c.pid), c.running ? 'running' : 'stopped', c.endpoint]),
        ];
        const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
        for (const r of rows)
          console.log(
            r
              .map((cell, i) => cell.padEnd(widths[i] ?? 0))
              .join('  ')
              .trimEnd(),
          );
      }
      if (!allRunning) process.exitCode = 1;
    });

  cluster
    .command('env')
    .description('print shell exports for KUBECONFIG and REDIS_URL (eval "$(loom cluster env)")')
    .option('--kubeconfig', 'print only the kubeconfig path')
    .option('--redis-url', 'print only the Redis URL')
    .action((flags: { kubeconfig?: boolean; redisUrl?: boolean }) => {
      const state = readState(stateDir());
      if (!state) throw new Error('no local cluster (start one with: loom cluster up)');
      if (flags.kubeconfig) return void console.log(state.kubeconfig);
      if (flags.redisUrl) return void console.log(state.redisUrl);
      console.log(`export KUBECONFIG=${shellQuote(state.kubeconfig)}`);
      console.log(`export REDIS_URL=${shellQuote(state.redisUrl)}`);
      console.log(`export LOOM_STATE_DIR=${shellQuote(state.stateDir)}`);
      // kubectl of the cluster's own version first on PATH, so `kubectl` matches the apiserver.
      console.log(`export PATH=${shellQuote(dirname(binaryPaths().kubectl))}:"$PATH"`);
    });
}

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
