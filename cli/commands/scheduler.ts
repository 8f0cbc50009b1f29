import type { Command } from 'commander';
import type { SchedulerOptions } from '../../scheduler/main.ts';
import { intIn } from '../options.ts';

/**
 * `loom scheduler`: the unified scheduler (online pods and gang units) in the foreground. Each component's code is
 * imported only when its command runs, so `loom scheduler` never loads the gateway's Express/BullMQ stack: start-up
 * time is scheduling time lost.
 */
export function registerSchedulerCommand(program: Command): void {
  program
    .command('scheduler')
    .description('run the unified scheduler (dispatcher → schedulers → binder) in the foreground')
    .option('--kubeconfig <file>', 'kubeconfig (env KUBECONFIG; in-cluster config when absent)', process.env.KUBECONFIG)
    .option('--default-scheduler', 'also schedule pods with schedulerName default-scheduler', false)
    .option('--kube-api-qps <n>', 'client requests per second to the apiserver', intIn(1, 1_000_000), 5000)
    .option('--kube-api-burst <n>', 'client request burst', intIn(1, 1_000_000), 5000)
    .option('--bind-concurrency <n>', 'Bindings in flight at once', intIn(1, 4096), 64)
    .option(
      '--workers <n>',
      'scheduler workers proposing blind to each other per round (>1: the binder resolves their conflicts; replicas spread coarser)',
      intIn(1, 64),
      1,
    )
    .option(
      '--reclaimed-stale-seconds <n>',
      'a reclaimed-capacity report older than this counts as zero',
      intIn(1, 86_400),
      60,
    )
    .option('--metrics-port <port>', 'port of /metrics on 127.0.0.1 (0: any free port)', intIn(0, 65535), 0)
    .option('--no-metrics', 'serve no /metrics')
    .option('--no-leader-elect', 'schedule without holding the loom-scheduler Lease (one replica only)')
    .option('--namespace <ns...>', 'schedule only pods of these namespaces (default: all)')
    .option('--lease-namespace <ns>', 'namespace of the leader-election Lease', 'kube-system')
    .option('--log-level <level>', 'pino log level', process.env.LOG_LEVEL ?? 'info')
    .action(async (flags: SchedulerOptions & { metrics: boolean; namespace?: string[] }) => {
      const s = await (
        await import('../../scheduler/main.ts')
      ).runScheduler({
        ...flags,
        metricsPort: flags.metrics ? flags.metricsPort : -1,
        ...(flags.namespace ? { namespaces: flags.namespace } : {}),
      });
      const addr = s.metricsServer?.address();
      const port = addr && typeof addr === 'object' ? ` (metrics on http://127.0.0.1:${addr.port}/metrics)` : '';
      process.stderr.write(`loom scheduler running${port}\n`);
      const stop = (): void => {
        void s.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
