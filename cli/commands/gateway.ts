import cluster from 'node:cluster';
import type { Command } from 'commander';
import type { GatewayOptions } from '../../gateway/main.ts';
import { intIn } from '../options.ts';

/** `loom gateway`: the YARN RM REST API in the foreground (what the Deployment in deploy/ runs). */
export function registerGatewayCommand(program: Command, version: string): void {
  program
    .command('gateway')
    .description('run the YARN ResourceManager REST gateway in the foreground')
    .option('--host <host>', 'address to listen on', process.env.LOOM_GATEWAY_HOST ?? '127.0.0.1')
    .option(
      '--port <port>',
      'port to listen on (the RM web port)',
      intIn(0, 65535),
      Number(process.env.LOOM_GATEWAY_PORT ?? 8088),
    )
    .option('--redis-url <url>', 'Redis URL (env REDIS_URL)', process.env.REDIS_URL)
    .option('--kubeconfig <file>', 'kubeconfig (env KUBECONFIG; in-cluster config when absent)', process.env.KUBECONFIG)
    .option('--prefix <prefix>', 'Redis key prefix shared by all replicas', 'loom:')
    .option('--static-user <user>', 'user of anonymous reads (hadoop.http.staticuser.user)', 'dr.who')
    .option('--admin-acl <acl>', 'cluster administrators (yarn.admin.acl)', 'admin')
    .option('--proxy-users <rules>', 'who may impersonate whom with doAs: "hue=*;livy=alice,bob"', '')
    .option('--groups <mapping>', 'static group mapping: "alice=analysts,dev;bob=ops"', '')
    .option(
      '--max-completed-apps <n>',
      'completed apps kept (yarn.resourcemanager.max-completed-applications)',
      intIn(1, 10_000_000),
      1000,
    )
    .option('--max-priority <n>', 'yarn.cluster.max-application-priority', intIn(0, 1_000_000), 10)
    .option('--max-app-attempts <n>', 'yarn.resourcemanager.am.max-attempts', intIn(1, 1000), 2)
    .option('--max-allocation-mb <mb>', 'yarn.scheduler.maximum-allocation-mb', intIn(1, 1 << 30), 8192)
    .option('--max-allocation-vcores <n>', 'yarn.scheduler.maximum-allocation-vcores', intIn(1, 1 << 20), 4)
    .option('--log-level <level>', 'pino log level', process.env.LOG_LEVEL ?? 'info')
    .option('--no-ui', 'do not serve the web UI at /ui (nor watch the pods and units it shows)')
    .option(
      '--workers <n>',
      'gateway processes sharing the port (node:cluster; like replicas on one Redis, one address)',
      intIn(1, 64),
      1,
    )
    .action(async (flags: Omit<GatewayOptions, 'version'> & { redisUrl?: string; workers: number }) => {
      if (!flags.redisUrl) throw new Error('--redis-url (or REDIS_URL) is required');
      const { workers, ...options } = flags;
      if (workers > 1 && cluster.isPrimary) {
        await superviseWorkers(workers);
        return;
      }
      const gw = await (
        await import('../../gateway/main.ts')
      ).runGateway({ ...options, redisUrl: flags.redisUrl, version });
      if (cluster.isWorker) {
        // The primary prints the address once every worker listens.
        process.send?.({ listening: gw.url });
      } else {
        process.stderr.write(`loom gateway listening on ${gw.url}\n`);
      }
      const stop = (): void => {
        void gw.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}

/**
 * The primary of `--workers N`: forks N gateways that share the listening socket (the primary hands out
 * connections round-robin), so they are N replicas on one Redis behind one address — what two gateway Deployments
 * replicas already are. A worker that dies is replaced; SIGTERM/SIGINT stop them all, then the primary.
 */
async function superviseWorkers(n: number): Promise<void> {
  let stopping = false;
  let announced = false;
  const listening = new Set<number>();
  const fork = (): void => {
    const w = cluster.fork();
    w.on('message', (m: { listening?: string }) => {
      if (!m.listening) return;
      listening.add(w.id);
      if (!announced && listening.size >= n) {
        announced = true;
        process.stderr.write(`loom gateway listening on ${m.listening} (${n} workers)\n`);
      }
    });
  };
  cluster.on('exit', (w, code, signal) => {
    listening.delete(w.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    process.stderr.write(`loom gateway: worker ${w.process.pid} exited (${signal ?? code}); starting another\n`);
    fork();
  });
  const stop = (): void => {
    stopping = true;
    const live = Object.values(cluster.workers ?? {});
    if (live.length === 0) process.exit(0);
    for (const w of live) w?.process.kill('SIGTERM');
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  for (let i = 0; i < n; i++) fork();
  await new Promise<void>(() => undefined);
}
