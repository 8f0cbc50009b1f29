import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { createGateway } from './app.ts';
import { parseAcl, type AuthConfig } from './auth/principal.ts';
import { loadKubeConfig } from '../api/k8s/kubeconfig.ts';
import { KubeClusterView } from './k8s/kube-cluster-view.ts';
import { KubeUiClusterSource } from './k8s/ui-cluster-source.ts';
import { startWebUi } from './ui/web-ui.ts';
import { AppService } from './services/app-service.ts';
import { BullIntakeQueue } from './store/intake-queue.ts';
import { RedisAppStore } from './store/redis-app-store.ts';

/** Options of `loom gateway` (flags and environment). */
export interface GatewayOptions {
  /** @defaultValue '127.0.0.1' */
  host: string;
  /** The RM's web port. @defaultValue 8088 */
  port: number;
  redisUrl: string;
  /** kubeconfig path; in-cluster config when absent. */
  kubeconfig?: string;
  /** Redis key prefix shared by every replica. @defaultValue 'loom:' */
  prefix: string;
  /** @defaultValue 'dr.who' */
  staticUser: string;
  /** `yarn.admin.acl`. @defaultValue 'admin' */
  adminAcl: string;
  /** `user=acl;user=acl`: who may impersonate whom with doAs. */
  proxyUsers: string;
  /** `user=group,group;user=group`: static group mapping. */
  groups: string;
  /** @defaultValue 1000 */
  maxCompletedApps: number;
  /** @defaultValue 10 */
  maxPriority: number;
  /** @defaultValue 2 */
  maxAppAttempts: number;
  /** @defaultValue 8192 */
  maxAllocationMb: number;
  /** @defaultValue 32 */
  maxAllocationVcores: number;
  logLevel: string;
  version: string;
  /** Serve the web UI at /ui (and run its informers and sampler). @defaultValue true */
  ui?: boolean;
}

/** The defaults of `loom gateway` (YARN's own defaults where YARN has one), for embedding the gateway. */
export function defaultGatewayOptions(o: Pick<GatewayOptions, 'redisUrl'> & Partial<GatewayOptions>): GatewayOptions {
  return {
    host: '127.0.0.1',
    port: 8088,
    prefix: 'loom:',
    staticUser: 'dr.who',
    adminAcl: 'admin',
    proxyUsers: '',
    groups: '',
    maxCompletedApps: 1000,
    maxPriority: 10,
    maxAppAttempts: 2,
    maxAllocationMb: 8192,
    maxAllocationVcores: 4,
    logLevel: 'info',
    version: 'embedded',
    ui: true,
    ...o,
  };
}

const pairs = (text: string): [string, string][] =>
  text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=');
      return [p.slice(0, eq).trim(), p.slice(eq + 1)] as [string, string];
    });

/** A running gateway. */
export interface RunningGateway {
  url: string;
  close(): Promise<void>;
}

/** Starts the gateway: Redis, the cluster view's informers, then the HTTP listener. */
export async function runGateway(
  o: GatewayOptions,
  log: Logger = pino({ level: o.logLevel, name: 'gateway' }),
): Promise<RunningGateway> {
  // Requests fail fast (503) when Redis is down instead of queueing forever. Auto-pipelining: the commands of
  // concurrent requests issued in one tick go out in one write (one syscall and one wake-up of Redis, not one each).
  const redis = new Redis(o.redisUrl, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
    enableAutoPipelining: true,
  });
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis'));
  const url = new URL(o.redisUrl);
  const intake = new BullIntakeQueue(
    { host: url.hostname, port: Number(url.port || 6379), ...(url.password ? { password: url.password } : {}) },
    o.prefix.replace(/:$/, ''),
  );
  const secretKey = `${o.prefix}rm:auth-secret`;
  await redis.set(secretKey, randomBytes(32).toString('hex'), 'NX');
  const secret = Buffer.from((await redis.get(secretKey)) ?? '', 'hex');

  const kc = loadKubeConfig(o.kubeconfig);
  const cluster = new KubeClusterView({
    kubeconfig: kc,
    log: log.child({ name: 'gateway.cluster-view' }),
    maximumAllocation: { memory: o.maxAllocationMb, vCores: o.maxAllocationVcores },
  });
  await cluster.start();

  const auth: AuthConfig = {
    staticUser: o.staticUser,
    secret,
    tokenValiditySeconds: 36_000,
    adminAcl: parseAcl(o.adminAcl),
    proxyUsers: Object.fromEntries(pairs(o.proxyUsers).map(([u, acl]) => [u, { users: parseAcl(acl) }])),
    groups: Object.fromEntries(
      pairs(o.groups).map(([u, g]) => [
        u,
        g
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ]),
    ),
  };
  const now = Date.now;
  const store = new RedisAppStore(redis, o.prefix, o.maxCompletedApps);
  const apps = new AppService({
    store,
    intake,
    cluster,
    auth,
    now,
    maxPriority: o.maxPriority,
    maxAppAttempts: o.maxAppAttempts,
  });
  await apps.clusterTimestamp();
  // On unless turned off: the extra informers (every bound pod, units) and the sampler run only for the UI.
  const ui =
    o.ui === false
      ? undefined
      : await startWebUi(new KubeUiClusterSource({ kubeconfig: kc, log: log.child({ name: 'gateway.ui' }) }), { now });
  const app = createGateway({
    apps,
    cluster,
    auth,
    log,
    now,
    startedOn: now(),
    loomVersion: o.version,
    ...(ui ? { ui } : {}),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(o.port, o.host, () => resolve(s));
    s.on('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const base = `http://${o.host}:${port}`;
  log.info({ url: base, ui: ui ? `${base}/ui/` : 'off' }, 'gateway listening');
  let closing: Promise<void> | undefined;
  return {
    url: base,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((r) => server.close(() => r()));
        await ui?.close();
        await cluster.stop();
        await intake.close();
        await redis.quit().catch(() => undefined);
      })()),
  };
}
