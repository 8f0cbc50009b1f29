import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { RedisAppStore } from '../gateway/store/redis-app-store.ts';
import { loadKubeConfig } from '../api/k8s/kubeconfig.ts';
import { KubeClusterWriter } from './k8s/cluster-writer.ts';
import type { ObjectConfig } from './objects.ts';
import { MemberPodSource } from './k8s/member-pods.ts';
import { UnitStatusSource } from './k8s/unit-status.ts';
import { processSubmit } from './processors/submit.ts';
import { StatusController } from './status/controller.ts';
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

/** Starts the translator's workers against Redis and the apiserver. */
export async function runTranslator(
  o: TranslatorOptions,
  log: Logger = pino({ level: o.logLevel, name: 'translator' }),
): Promise<{ close(): Promise<void> }> {
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
  const submitDeps = { store, writer, config, now, log };
  const controller = new StatusController({
    store,
    podsOf: (id) => pods.podsOf(id),
    unitOf: (id, attempt) => units.unitOf(id, attempt),
    cleanup: (id) => writer.deleteApp(o.namespace, id),
    startAttempt: (id) => processSubmit(id, submitDeps),
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
  // Usage (MB·s, vcore·s) grows while nothing changes in Kubernetes: re-derive live apps now and then.
  const resync = setInterval(
    () => {
      void store
        .list({ states: new Set(['ACCEPTED', 'RUNNING']) })
        .then((apps) => apps.forEach((a) => controller.enqueue(a.id)))
        .catch((err: unknown) => log.warn({ err }, 'status resync failed'));
    },
    (o.resyncSeconds ?? 10) * 1000,
  );
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
  );
  log.info({ namespace: o.namespace }, 'translator started');
  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= (async () => {
        clearInterval(resync);
        await workers.close();
        await pods.stop();
        await units.stop();
        await controller.idle();
        await redis.quit().catch(() => undefined);
      })()),
  };
}
