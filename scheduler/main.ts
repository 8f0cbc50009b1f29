import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { SCHEDULER_NAME } from '../api/names.ts';
import { assembleScheduler } from './assemble.ts';
import { keyOf } from './core/types.ts';
import { KubeBindSink } from './k8s/bind-sink.ts';
import { startClusterFeed } from './k8s/cluster-feed.ts';
import { loadKubeConfig } from '../api/k8s/kubeconfig.ts';
import { KeepAliveClient } from '../api/k8s/keepalive-client.ts';
import { LeaderElector } from '../api/k8s/leader-election.ts';
import { SchedulerMetrics } from './k8s/metrics.ts';
import { KubeUnitReporter } from './k8s/unit-reporter.ts';
import type { SchedulingPipeline } from './pipeline.ts';

/** Connections of the pending-reason reporter (conditions and events), apart from the Bindings' pool. */
const REPORT_CONNECTIONS = 4;

/** Options of `loom scheduler`. */
export interface SchedulerOptions {
  kubeconfig?: string;
  /** Also schedule pods whose schedulerName is `default-scheduler` (no other scheduler needed). */
  defaultScheduler: boolean;
  /** Client rate limit, like kube-scheduler's clientConnection.qps/burst. */
  kubeApiQps: number;
  kubeApiBurst: number;
  /** Bindings in flight at once (also the connection pool size). @defaultValue 64 */
  bindConcurrency: number;
  /** Logical scheduler workers per round. @defaultValue 1 */
  workers: number;
  /** A reclaimed-capacity report older than this counts as zero. @defaultValue 60 */
  reclaimedStaleSeconds: number;
  /** Port of /metrics on 127.0.0.1; -1 disables it. @defaultValue 0 (any free port) */
  metricsPort: number;
  /** Campaign for a Lease before scheduling (run several replicas safely). */
  leaderElect: boolean;
  leaseNamespace: string;
  /** Schedule only pods of these namespaces (all when empty); every pod still counts against its node. */
  namespaces?: string[];
  logLevel: string;
}

export interface RunningScheduler {
  pipeline: SchedulingPipeline;
  metricsServer?: Server;
  close(): Promise<void>;
}

/** Starts the scheduler: informers feed the pure pipeline; Bindings and reports go out over kept-alive connections. */
export async function runScheduler(
  o: SchedulerOptions,
  log: Logger = pino({ level: o.logLevel }),
): Promise<RunningScheduler> {
  const kc = loadKubeConfig(o.kubeconfig);
  const client = new KeepAliveClient(kc, {
    qps: o.kubeApiQps,
    burst: o.kubeApiBurst,
    maxSockets: Math.max(8, o.bindConcurrency + 8),
  });
  const metrics = new SchedulerMetrics();
  const sink = new KubeBindSink(client, (m, what, status, body) =>
    log.warn({ pod: keyOf(m), status, body }, `${what} failed`),
  );
  // Reasons and events travel on their own few connections: when 400 units fail at once their 800 writes must not
  // queue in front of the Bindings in the shared pool (measured: Bindings went from ~0.5 s to ~5 s, stalling ~8 s).
  const reportClient = new KeepAliveClient(kc, {
    qps: o.kubeApiQps,
    burst: o.kubeApiBurst,
    maxSockets: REPORT_CONNECTIONS,
  });
  const reporter = new KubeUnitReporter(reportClient, (what, err) => log.warn({ err }, `report failed: ${what}`));
  const { cache, pipeline } = assembleScheduler({
    sink,
    reporter,
    reclaimedStaleAfterMs: o.reclaimedStaleSeconds * 1000,
    options: { workers: o.workers, bindConcurrency: o.bindConcurrency },
    observer: metrics.observer,
  });

  const schedulerNames = new Set([SCHEDULER_NAME, ...(o.defaultScheduler ? ['default-scheduler'] : [])]);
  let feed: { stop(): Promise<void> } | undefined;
  const startScheduling = async (): Promise<void> => {
    feed = await startClusterFeed(
      kc,
      client,
      pipeline,
      cache,
      {
        schedulerNames,
        reclaimedStaleSeconds: o.reclaimedStaleSeconds,
        ...(o.namespaces?.length ? { namespaces: new Set(o.namespaces) } : {}),
      },
      log,
    );
    pipeline.start();
    log.info(
      {
        nodes: cache.nodeCount,
        schedulerNames: [...schedulerNames],
        sinceProcessStartMs: Math.round(performance.now()),
      },
      'scheduling',
    );
  };

  const gauges = setInterval(() => {
    const s = pipeline.stats;
    metrics.pendingUnits.set(s.pendingUnits);
    metrics.unschedulableUnits.set(s.unschedulableUnits);
    metrics.pendingPods.set(s.pendingMembers);
    metrics.bindQueue.set(s.bindQueue + s.inFlight);
  }, 1_000).unref();

  const metricsServer = o.metricsPort >= 0 ? await metrics.serve(o.metricsPort) : undefined;
  let elector: LeaderElector | undefined;
  if (o.leaderElect) {
    elector = new LeaderElector(client, {
      namespace: o.leaseNamespace,
      name: SCHEDULER_NAME,
      // kube-scheduler's form: unique per process start, so a restarted replica never mistakes the old lease for its own.
      identity: `${hostname()}_${randomUUID()}`,
      leaseDurationSeconds: 15,
      retryPeriodSeconds: 2,
    });
    await new Promise<void>((resolve, reject) => {
      elector?.run(
        () => {
          log.info('elected leader');
          startScheduling().then(resolve, reject);
        },
        () => {
          // kube-scheduler exits on lost leadership: another replica takes over with a clean cache.
          log.error('leadership lost; exiting');
          process.exit(1);
        },
      );
    });
  } else {
    await startScheduling();
  }

  return {
    pipeline,
    ...(metricsServer ? { metricsServer } : {}),
    close: async () => {
      pipeline.stop();
      clearInterval(gauges);
      await feed?.stop();
      await elector?.release().catch(() => undefined);
      metricsServer?.close();
      client.close();
      reportClient.close();
    },
  };
}
