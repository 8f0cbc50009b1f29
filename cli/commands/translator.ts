import type { Command } from 'commander';
import type { TranslatorOptions } from '../../translator/main.ts';
import { intIn } from '../options.ts';

/** `loom translator`: YARN submissions → SchedulingUnits and pods, in the foreground (what deploy/ runs). */
export function registerTranslatorCommand(program: Command): void {
  program
    .command('translator')
    .description('run the translator (BullMQ workers: submit → SchedulingUnit + pods, kill) in the foreground')
    .option('--redis-url <url>', 'Redis URL (env REDIS_URL)', process.env.REDIS_URL)
    .option('--kubeconfig <file>', 'kubeconfig (env KUBECONFIG; in-cluster config when absent)', process.env.KUBECONFIG)
    .option('--prefix <prefix>', 'Redis key prefix shared with the gateway', 'loom:')
    .option(
      '--namespace <ns>',
      'namespace of the units and pods of YARN apps',
      process.env.LOOM_YARN_NAMESPACE ?? 'yarn',
    )
    .option('--concurrency <n>', 'jobs processed at once per queue', intIn(1, 1000), 8)
    .option(
      '--jobs-per-second <n>',
      'jobs started per second across all translators (apiserver load)',
      intIn(1, 100_000),
      50,
    )
    .option(
      '--images <pairs>',
      'AM/driver images: "spark=apache/spark:3.5.3;apache flink=flink:1.20;default=eclipse-temurin:17-jre"',
      'spark=apache/spark:3.5.3;apache flink=flink:1.20;mapreduce=apache/hadoop:3.4.1;default=eclipse-temurin:17-jre',
    )
    .option('--placeholder-image <image>', 'image of placeholder pods', 'registry.k8s.io/pause:3.10')
    .option('--unit-timeout-seconds <n>', 'how long a unit may wait for placement', intIn(1, 86_400), 300)
    .option('--resync-seconds <n>', 'how often live apps are re-derived from their pods', intIn(1, 3600), 10)
    .option(
      '--retention-seconds <n>',
      "how long a finished app's unit and pods stay (its YARN record stays)",
      intIn(0, 30 * 86_400),
      600,
    )
    .option(
      '--no-leader-elect',
      'run the status controller without holding the loom-translator Lease (one replica only)',
    )
    .option('--lease-namespace <ns>', 'namespace of the leader-election Lease', 'kube-system')
    .option('--metrics-port <port>', 'port of /metrics on 127.0.0.1 (0: any free port)', intIn(0, 65535), 0)
    .option('--no-metrics', 'serve no /metrics')
    .option('--log-level <level>', 'pino log level', process.env.LOG_LEVEL ?? 'info')
    .action(async (flags: TranslatorOptions & { redisUrl?: string; metrics: boolean }) => {
      if (!flags.redisUrl) throw new Error('--redis-url (or REDIS_URL) is required');
      const t = await (
        await import('../../translator/main.ts')
      ).runTranslator({ ...flags, redisUrl: flags.redisUrl, metricsPort: flags.metrics ? flags.metricsPort : -1 });
      const addr = t.metricsServer?.address();
      const port = addr && typeof addr === 'object' ? ` (metrics on http://127.0.0.1:${addr.port}/metrics)` : '';
      process.stderr.write(`loom translator running${port}\n`);
      const stop = (): void => {
        void t.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
