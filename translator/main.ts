import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { RedisAppStore } from '../gateway/store/redis-app-store.ts';
import { KeepAliveClient } from '../api/k8s/keepalive-client.ts';
import { loadKubeConfig } from '../api/k8s/kubeconfig.ts';
import { LeaderElector } from '../api/k8s/leader-election.ts';
import { KubeClusterWriter } from './k8s/cluster-writer.ts';
import type { ObjectConfig } from './objects.ts';
import { MemberPodSource } from './k8s/member-pods.ts';
import { UnitStatusSource } from './k8s/unit-status.ts';
import { processSubmit } from './processors/submit.ts';
import { StatusController } from './status/controller.ts';
import { TranslatorMetrics } from './translator-metrics.ts';
import { startWorkers } from './worker.ts';

/** Options of `loom translator`. */
export interface TranslatorOptions {
  redisUrl: string;
  kubeconfig?: string;
  /** Redis key prefix shared with the gateway. @defaultValue 'loom:' */
  prefix: string;
  /** Namespace of the units and pods of YARN apps. @defaultValue 'yarn' */
  namespace: string;
  /** @defaultValue 8 */
  concurrency: number;
  /** @defaultValue 50 */
  jobsPerSecond: number;
  /** Image of the AM/driver containers; `type=image` pairs, `default` for the rest. */
  images: string;
  /** @defaultValue 'registry.k8s.io/pause:3.10' */
  placeholderImage: string;
  /** @defaultValue 300 */
  unitTimeoutSeconds: number;
  /** How often live apps are re-derived from their pods (usage figures). @defaultValue 10 */
  resyncSeconds?: number;
  /** How long a finished app's unit and pods stay (its YARN record stays in Redis). @defaultValue 600 */
  retentionSeconds?: number;
  /** Run the status controller only while holding the `loom-translator` Lease (several replicas). */
  leaderElect?: boolean;
  /** @defaultValue 'kube-system' */
  leaseNamespace?: string;
  /** Port of /metrics on 127.0.0.1 (0: any free port); absent or -1: none. */
  metricsPort?: number;
  logLevel: string;
}

const parseImages = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split(/[;,]/)
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const eq = p.indexOf('=');
        return [p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim()];
      }),
  );

export interface RunningTranslator {
  /** Whether this replica runs the status controller now (always, without leader election). */
  isLeader(): boolean;
  metricsServer?: Server;
  close(): Promise<void>;
}

/** Starts the translator's workers against Redis and the apiserver, and the status controller where it leads. */
export async function runTranslator(
  o: TranslatorOptions,
  log: Logger = pino({ level: o.logLevel, name: 'translator' }),
): Promise<RunningTranslator> {
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 3 });
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis'));
  const url = new URL(o.redisUrl);
  const store = new RedisAppStore(redis, o.prefix);
  const kc = loadKubeConfig(o.kubeconfig);
  const writer = new KubeClusterWriter(kc);
  const config: ObjectConfig = {
    namespace: o.namespace,
    images: parseImages(o.images),
    placeholderImage: o.placeholderImage,
    unitTimeoutSeconds: o.unitTimeoutSeconds,
  };
  await writer.ensureNamespace(o.namespace);
  const now = Date.now;
  const metrics = new TranslatorMetrics();
  const submitDeps = { store, writer, config, now, log };
  // The status controller runs on one replica at a time (the Lease holder); workers run on every replica, since
  // their jobs are idempotent and BullMQ hands each job to one of them.
  const startStatus = async (): Promise<{ stop(): Promise<void> }> => {
    const controller = new StatusController({
      store,
      podsOf: (id) => pods.podsOf(id),
      unitOf: (id, attempt) => units.unitOf(id, attempt),
      cleanup: (id) => writer.deleteApp(o.namespace, id),
      startAttempt: (id) => processSubmit(id, submitDeps),
      retentionMs: (o.retentionSeconds ?? 600) * 1000,
      observe: metrics.reconcile,
      now,
      log: log.child({ name: 'translator.status' }),
    });
    const pods = new MemberPodSource(
      kc,
      o.namespace,
      (id) => controller.enqueue(id),
      log.child({ name: 'translator.pods' }),
    );
    const units = new UnitStatusSource(
      kc,
      o.namespace,
      (id) => controller.enqueue(id),
      log.child({ name: 'translator.units' }),
    );
    await Promise.all([pods.start(), units.start()]);
    // Usage (MB·s, vcore·s) grows while nothing changes in Kubernetes: re-derive live apps now and then; apps that
    // ended but still have pods are revisited too, so their objects go once the retention has passed.
    const resync = setInterval(
      () => {
        void store
          .list({ states: new Set(['ACCEPTED', 'RUNNING']) })
          .then((apps) => {
            const ids = new Set([...apps.map((a) => a.id), ...pods.appIds()]);
            ids.forEach((id) => controller.enqueue(id));
          })
          .catch((err: unknown) => log.warn({ err }, 'status resync failed'));
      },
      (o.resyncSeconds ?? 10) * 1000,
    );
    metrics.leader.set(1);
    log.info('status controller active');
    return {
      stop: async () => {
        clearInterval(resync);
        metrics.leader.set(0);
        await pods.stop();
        await units.stop();
        await controller.idle();
      },
    };
  };
  let status: { stop(): Promise<void> } | undefined;
  let elector: LeaderElector | undefined;
  const client = o.leaderElect ? new KeepAliveClient(kc, { qps: 20, burst: 40, maxSockets: 2 }) : undefined;
  const campaign = (): void => {
    if (!client) return;
    elector = new LeaderElector(client, {
      namespace: o.leaseNamespace ?? 'kube-system',
      name: 'loom-translator',
      identity: `${hostname()}_${randomUUID()}`,
      leaseDurationSeconds: 15,
      retryPeriodSeconds: 2,
    });
    elector.run(
      () => {
        void startStatus().then(
          (s) => (status = s),
          (err: unknown) => log.error({ err }, 'status controller failed to start'),
        );
      },
      () => {
        // A standby again: stop reconciling at once (the new leader does), then campaign anew.
        log.warn('translator lease lost; status controller on standby');
        void status?.stop().finally(() => {
          status = undefined;
          if (!closing) campaign();
        });
      },
    );
  };
  if (o.leaderElect) campaign();
  else status = await startStatus();
  const workers = startWorkers(
    {
      connection: {
        host: url.hostname,
        port: Number(url.port || 6379),
        ...(url.password ? { password: url.password } : {}),
      },
      prefix: o.prefix.replace(/:$/, ''),
      concurrency: o.concurrency,
      jobsPerSecond: o.jobsPerSecond,
    },
    submitDeps,
    { store, writer, namespace: o.namespace, now, log },
    log,
    metrics.job,
  );
  const metricsServer = (o.metricsPort ?? -1) >= 0 ? await metrics.serve(o.metricsPort ?? 0) : undefined;
  log.info({ namespace: o.namespace }, 'translator started');
  let closing: Promise<void> | undefined;
  return {
    ...(metricsServer ? { metricsServer } : {}),
    isLeader: () => status !== undefined,
    close: () =>
      (closing ??= (async () => {
        await workers.close();
        await elector?.release().catch(() => undefined);
        await status?.stop();
        client?.close();
        metricsServer?.close();
        await redis.quit().catch(() => undefined);
      })()),
  };
}
