import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { LOCAL_NODE_LABEL, SCHEDULER_NAME } from '../api/names.ts';
import { binaryPaths } from '../hack/local-cluster/binaries.ts';
import { kubeSchedulerConfig } from '../hack/local-cluster/cluster.ts';
import { freePort } from '../hack/local-cluster/ports.ts';
import { bindRoundRobin, type BindResult } from './ceiling-binder.ts';
import { KeepAliveClient } from '../api/k8s/keepalive-client.ts';
import { spawnScheduler, type SchedulerProcess } from './scheduler-process.ts';

export const CONTENDER_NAMES = ['kube-scheduler', 'ceiling', 'loom'] as const;
export type ContenderName = (typeof CONTENDER_NAMES)[number];

/** A schedulerName nobody serves: the ceiling's pods are left alone by every real scheduler. */
export const CEILING_SCHEDULER_NAME = 'bench-ceiling';

/** What every contender gets: the same cluster, the same client limits. */
export interface ContenderEnv {
  kc: KubeConfig;
  kubeconfig: string;
  stateDir: string;
  qps: number;
  burst: number;
  /** In-flight bindings of the ceiling binder. */
  concurrency: number;
  /** Extra arguments of `loom scheduler`, after the common ones. */
  loomArgs: string[];
  logDir: string;
  log: (m: string) => void;
}

/** A contender once started. */
export interface RunningContender {
  /** performance.now() at the start of its clock: just before the process is spawned (or the binder starts). */
  startedAt: number;
  /** When it said it is ready (undefined if it has no such signal or has not said so). */
  readyAt: () => number | undefined;
  /** Why it cannot bind any more (process exited, binder failed), else undefined. */
  failed: () => string | undefined;
  /** It failed before it was ever ready: further runs are pointless. */
  failedToStart: () => boolean;
  stop: () => Promise<void>;
}

export interface Contender {
  name: ContenderName;
  /** The schedulerName of the pods it is measured with, in part (b) and part (c). */
  schedulerName: { b: string; c: string };
  /** `tag` names its log and config files. */
  start(env: ContenderEnv, namespace: string, tag: string): Promise<RunningContender>;
}

const LOOM_BIN = join(import.meta.dirname, '..', 'bin', 'loom.mjs');
/** What `loom scheduler` prints on stderr once it serves. */
export const LOOM_READY_LINE = 'loom scheduler running';

function fromProcess(name: string, p: SchedulerProcess): RunningContender {
  const failed = (): string | undefined => {
    const e = p.exit();
    if (!e) return undefined;
    const how = e.signal ? `signal ${e.signal}` : `code ${e.code}`;
    // The first error lines say more than the help text a CLI prints after them.
    const lines = p.tail(50).split('\n');
    const errors = lines.filter((l) => /\b(error|fatal|panic|unknown)\b/i.test(l));
    const tail = (errors.length ? errors.slice(0, 3) : lines.slice(-4)).map((l) => l.trim()).join(' ⏎ ');
    return `${name} exited (${how}) after ${((performance.now() - p.spawnedAt) / 1000).toFixed(1)} s: ${tail}`;
  };
  return {
    startedAt: p.spawnedAt,
    readyAt: () => p.readyAt(),
    failed,
    failedToStart: () => p.exit() !== undefined && p.readyAt() === undefined,
    stop: () => p.stop(),
  };
}

/** Upstream kube-scheduler v1.34 (built by hack/), leader election off, HTTPS on 127.0.0.1 only. */
export const kubeScheduler: Contender = {
  name: 'kube-scheduler',
  schedulerName: { b: 'default-scheduler', c: 'default-scheduler' },
  async start(env, _namespace, tag) {
    const config = parse(kubeSchedulerConfig(env.kubeconfig)) as { clientConnection: Record<string, unknown> };
    config.clientConnection = { ...config.clientConnection, qps: env.qps, burst: env.burst };
    const configFile = join(env.logDir, `kube-scheduler-${tag}.yaml`);
    writeFileSync(configFile, stringify(config));
    const port = await freePort();
    const p = spawnScheduler(
      binaryPaths().kubeScheduler,
      ['--config', configFile, '--bind-address=127.0.0.1', `--secure-port=${port}`],
      join(env.logDir, `kube-scheduler-${tag}.log`),
    );
    env.log(`kube-scheduler pid ${p.pid}, https://127.0.0.1:${port}, qps ${env.qps} burst ${env.burst}`);
    return fromProcess('kube-scheduler', p);
  },
};

/** The trivial in-process binder (bench/ceiling-binder.ts) with the same qps/burst. */
export const ceiling: Contender = {
  name: 'ceiling',
  schedulerName: { b: CEILING_SCHEDULER_NAME, c: CEILING_SCHEDULER_NAME },
  start(env, namespace) {
    const startedAt = performance.now();
    const abort = new AbortController();
    const client = new KeepAliveClient(env.kc, { qps: env.qps, burst: env.burst, maxSockets: env.concurrency });
    let error: string | undefined;
    let result: BindResult | undefined;
    const work = bindRoundRobin(client, {
      namespace,
      schedulerName: CEILING_SCHEDULER_NAME,
      nodeSelector: `${LOCAL_NODE_LABEL}=true`,
      concurrency: env.concurrency,
      signal: abort.signal,
    }).then(
      (r) => {
        result = r;
        if (r.failures.size) env.log(`ceiling: failed bindings ${JSON.stringify([...r.failures])}`);
      },
      (err: unknown) => void (error = `ceiling binder failed: ${err instanceof Error ? err.message : String(err)}`),
    );
    return Promise.resolve({
      startedAt,
      readyAt: () => startedAt,
      failed: () =>
        error ??
        (result && result.bound < result.pending
          ? `${result.pending - result.bound} of ${result.pending} bindings failed: ${JSON.stringify([...result.failures])}`
          : undefined),
      failedToStart: () => error !== undefined,
      stop: async () => {
        abort.abort();
        await work;
        client.close();
      },
    });
  },
};

/**
 * Loom's scheduler: `node bin/loom.mjs scheduler --kubeconfig … --default-scheduler --kube-api-qps … --kube-api-burst …`
 * plus `env.loomArgs`, in the foreground, serving `default-scheduler` as well as `loom-scheduler`. Part (b) pods say
 * `default-scheduler`, part (c) pods `loom-scheduler`. Ready when it prints {@link LOOM_READY_LINE}.
 */
export const loom: Contender = {
  name: 'loom',
  schedulerName: { b: 'default-scheduler', c: SCHEDULER_NAME },
  start(env, _namespace, tag) {
    const args = [
      LOOM_BIN,
      'scheduler',
      '--kubeconfig',
      env.kubeconfig,
      '--default-scheduler',
      '--kube-api-qps',
      String(env.qps),
      '--kube-api-burst',
      String(env.burst),
      ...env.loomArgs,
    ];
    const p = spawnScheduler(process.execPath, args, join(env.logDir, `loom-${tag}.log`), LOOM_READY_LINE, {
      ...process.env,
      KUBECONFIG: env.kubeconfig,
      LOOM_STATE_DIR: env.stateDir,
    });
    env.log(`loom scheduler pid ${p.pid}: node bin/loom.mjs ${args.slice(1).join(' ')}`);
    return Promise.resolve(fromProcess('loom scheduler', p));
  },
};

export const CONTENDERS: Record<ContenderName, Contender> = { 'kube-scheduler': kubeScheduler, ceiling, loom };
