import type { Command } from 'commander';

/**
 * `loom sim-am`: the simulated application master of the local cluster. kwok pods run nothing, so this plays what a
 * Spark driver, Flink JobManager or MapReduce AM does once it runs: it creates the executor pods its unit's
 * placeholders stand for, ending with the AM (translator/sim/). `loom up` starts it; a real cluster never needs it.
 */
export function registerSimulatedAmCommand(program: Command): void {
  program
    .command('sim-am')
    .description('local cluster only: create the executors of running YARN AM pods, as their frameworks would')
    .option('--kubeconfig <file>', 'kubeconfig (env KUBECONFIG; in-cluster config when absent)', process.env.KUBECONFIG)
    .option('--namespace <ns>', 'namespace of the YARN apps’ pods', process.env.LOOM_YARN_NAMESPACE ?? 'yarn')
    .option('--log-level <level>', 'pino log level', process.env.LOG_LEVEL ?? 'info')
    .action(async (flags: { kubeconfig?: string; namespace: string; logLevel: string }) => {
      const am = await (
        await import('../../translator/k8s/simulated-am-controller.ts')
      ).runSimulatedAm({
        ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
        namespace: flags.namespace,
        logLevel: flags.logLevel,
      });
      process.stderr.write('loom sim-am running\n');
      const stop = (): void => {
        void am.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
