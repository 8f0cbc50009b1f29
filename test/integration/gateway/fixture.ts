import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { Queue } from 'bullmq';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createGateway } from '../../../gateway/app.ts';
import { parseAcl, type AuthConfig } from '../../../gateway/auth/principal.ts';
import { KubeClusterView } from '../../../gateway/k8s/kube-cluster-view.ts';
import { KubeUiClusterSource } from '../../../gateway/k8s/ui-cluster-source.ts';
import { startWebUi, type WebUiOptions } from '../../../gateway/ui/web-ui.ts';
import { AppService } from '../../../gateway/services/app-service.ts';
import { BullIntakeQueue } from '../../../gateway/store/intake-queue.ts';
import { RedisAppStore } from '../../../gateway/store/redis-app-store.ts';
import { KILL_QUEUE, SUBMIT_QUEUE, UPDATE_QUEUE } from '../../../api/yarn.ts';
import { clusterEnv } from '../harness.ts';

/**
 * A gateway wired exactly as `loom gateway` wires it (real Redis, real apiserver informers, BullMQ), under a
 * unique Redis prefix so test files never see each other's apps.
 */
export interface GatewayFixture {
  app: Express;
  /** Listening on 127.0.0.1 (supertest would otherwise bind every interface). */
  server: Server;
  redis: Redis;
  prefix: string;
  submitQueue: Queue;
  killQueue: Queue;
  updateQueue: Queue;
  close(): Promise<void>;
}

/** `ui`: serve the web UI at /ui as `loom gateway` does by default (off here unless asked, to keep other tests lean). */
export async function startGateway(o: { maxCompletedApps?: number; ui?: WebUiOptions } = {}): Promise<GatewayFixture> {
  const { redisUrl, kubeconfig } = clusterEnv();
  const prefix = `it-${randomUUID().slice(0, 8)}:`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const url = new URL(redisUrl);
  const connection = { host: url.hostname, port: Number(url.port) };
  const bullPrefix = prefix.replace(/:$/, '');
  const intake = new BullIntakeQueue(connection, bullPrefix);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const log = pino({ level: 'silent' });
  const cluster = new KubeClusterView({ kubeconfig: kc, log });
  await cluster.start();
  const auth: AuthConfig = {
    staticUser: 'dr.who',
    secret: randomBytes(32),
    tokenValiditySeconds: 36_000,
    adminAcl: parseAcl('admin'),
    proxyUsers: { hue: { users: parseAcl('*') } },
    groups: { carol: ['sparkops'] },
  };
  const now = Date.now;
  const store = new RedisAppStore(redis, prefix, o.maxCompletedApps ?? 1000);
  const apps = new AppService({ store, intake, cluster, auth, now, maxPriority: 10, maxAppAttempts: 2 });
  const ui = o.ui ? await startWebUi(new KubeUiClusterSource({ kubeconfig: kc, log }), { now, ...o.ui }) : undefined;
  const app = createGateway({
    apps,
    cluster,
    auth,
    log,
    now,
    startedOn: now(),
    loomVersion: 'test',
    ...(ui ? { ui } : {}),
  });
  const submitQueue = new Queue(SUBMIT_QUEUE, { connection, prefix: bullPrefix });
  const killQueue = new Queue(KILL_QUEUE, { connection, prefix: bullPrefix });
  const updateQueue = new Queue(UPDATE_QUEUE, { connection, prefix: bullPrefix });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    app,
    server,
    redis,
    prefix,
    submitQueue,
    killQueue,
    updateQueue,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await ui?.close();
      await cluster.stop();
      await submitQueue.obliterate({ force: true }).catch(() => undefined);
      await killQueue.obliterate({ force: true }).catch(() => undefined);
      await updateQueue.obliterate({ force: true }).catch(() => undefined);
      await Promise.allSettled([submitQueue.close(), killQueue.close(), updateQueue.close(), intake.close()]);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}

/** A minimal valid submission context for `id`. */
export const submission = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  'application-id': id,
  'application-name': 'pi',
  queue: 'spark',
  'application-type': 'SPARK',
  'application-tags': { tag: ['Loom', 'ref'] },
  resource: { memory: 1024, vCores: 1 },
  'am-container-spec': { commands: { command: 'sleep 3' } },
  ...extra,
});
