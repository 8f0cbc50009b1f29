import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { KWOK_NODE_ANNOTATION, LOCAL_NODE_LABEL } from '../../api/names.ts';
import { ensureBinaries, type BinaryPaths } from './binaries.ts';
import {
  LocalKubeClient,
  apiserverGet,
  applyCrds,
  applyManifests,
  createNodesWithKubectl,
  isNodeReady,
} from './kube-client.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { DEFAULT_NODE_SHAPE, nodeManifest, nodeName, type NodeShape } from './nodes.ts';
import { freePorts } from './ports.ts';
import { FatalWaitError, isRunning, startDetached, stopProcess, waitFor, type ManagedProcess } from './processes.ts';
import { ensureRedisServer, redisArgs, redisPing } from './redis.ts';
import { kwokConfigYaml } from './stages.ts';
import { readState, writeState, type ClusterState } from './state.ts';

/** Options of `loom cluster up`. */
export interface UpOptions {
  stateDir: string;
  /** Number of kwok nodes. @defaultValue 3 */
  nodes: number;
  shape: NodeShape;
  /** Also start the upstream kube-scheduler (the benchmark baseline). @defaultValue false */
  withKubeScheduler: boolean;
  log: (line: string) => void;
}

/** The processes a healthy local cluster always has; Loom's components and kube-scheduler come and go. */
export const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kwok', 'redis'] as const;

/** Loom's CRDs, generated from api/ (`npm run gen:crds`). */
export const CRD_DIR = join(import.meta.dirname, '..', '..', 'deploy', 'crds');

/** The local cluster's YARN queues (root.default/spark/flink), the same as the reference RM's. */
export const LOCAL_QUEUES = join(import.meta.dirname, '..', '..', 'deploy', 'queues', 'local.yaml');

const readyTimeoutMs = (nodes: number): number => 60_000 + nodes * 100;

/**
 * Brings the local cluster up, or converges a running one to the requested node count and components.
 * A cluster some of whose processes died is torn down and started afresh.
 */
export async function up(o: UpOptions): Promise<ClusterState> {
  const existing = readState(o.stateDir);
  if (existing) {
    const core = existing.processes.filter((p) => (CONTROL_PLANE as readonly string[]).includes(p.name));
    const healthy =
      core.every(isRunning) && (await apiserverGet(existing.ports.apiserver, '/readyz', tokenOf(existing))) === 200;
    if (healthy) {
      o.log(`cluster already running (state in ${o.stateDir}); converging`);
      return converge(existing, o);
    }
    o.log('found a cluster whose processes are not all running: stopping it and starting afresh');
    await down(o.stateDir, o.log);
  }
  const bins = await ensureBinaries(o.log);
  const redisServer = ensureRedisServer(o.log);
  const dirs = {
    pki: join(o.stateDir, 'pki'),
    etcd: join(o.stateDir, 'etcd'),
    logs: join(o.stateDir, 'logs'),
    redis: join(o.stateDir, 'redis'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });
  const [etcdPort, etcdPeer, apiPort, redisPort] = (await freePorts(4)) as [number, number, number, number];
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dirs.pki, 'tokens.csv'), `${token},admin,1,"system:masters"\n`, { mode: 0o600 });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dirs.pki, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });

  const state: ClusterState = {
    version: 1,
    stateDir: o.stateDir,
    kubeconfig: join(o.stateDir, 'kubeconfig'),
    server: `https://127.0.0.1:${apiPort}`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    ports: { etcd: etcdPort, etcdPeer, apiserver: apiPort, redis: redisPort },
    processes: [],
    nodes: { count: 0, shape: o.shape },
    startedAt: new Date().toISOString(),
  };
  const start = (name: string, binary: string, args: string[]): ManagedProcess => {
    const p = startDetached(name, binary, args, join(dirs.logs, `${name}.log`));
    state.processes.push(p);
    writeState(state);
    return p;
  };
  const alive = (p: ManagedProcess, what: string) => (): boolean => {
    if (!isRunning(p)) throw new FatalWaitError(`${p.name} exited while waiting for ${what}; see ${p.log}`);
    return false;
  };

  try {
    o.log(`starting etcd on 127.0.0.1:${etcdPort}`);
    const etcd = start('etcd', bins.etcd, etcdArgs(dirs.etcd, etcdPort, etcdPeer, o.nodes));
    await waitFor(
      'etcd health',
      async () => alive(etcd, 'health')() || (await httpOk(`http://127.0.0.1:${etcdPort}/health`)),
      30_000,
    );

    o.log(`starting kube-apiserver on https://127.0.0.1:${apiPort}`);
    const api = start('kube-apiserver', bins.kubeApiserver, apiserverArgs(dirs.pki, etcdPort, apiPort));
    await waitFor(
      'kube-apiserver /readyz',
      async () => alive(api, '/readyz')() || (await apiserverGet(apiPort, '/readyz', token)) === 200,
      90_000,
    );
    const caPem = readFileSync(join(dirs.pki, 'apiserver.crt'), 'utf8');
    writeFileSync(state.kubeconfig, renderKubeconfig({ server: state.server, caPem, token }), { mode: 0o600 });

    o.log('starting kube-controller-manager');
    start('kube-controller-manager', bins.kubeControllerManager, controllerManagerArgs(state.kubeconfig, dirs.pki));
    const kwokConfig = join(o.stateDir, 'kwok.yaml');
    writeFileSync(kwokConfig, kwokConfigYaml());
    o.log('starting kwok');
    start('kwok', bins.kwok, kwokArgs(state.kubeconfig, kwokConfig));

    o.log(`starting redis on 127.0.0.1:${redisPort}`);
    const redis = start('redis', redisServer, redisArgs(redisPort, dirs.redis));
    await waitFor('redis PING', async () => alive(redis, 'PING')() || (await redisPing(redisPort)), 20_000);

    return await converge(state, o, bins);
  } catch (err) {
    o.log(`cluster up failed: ${err instanceof Error ? err.message : String(err)}`);
    o.log(`logs are in ${dirs.logs}; stopping what was started`);
    for (const p of [...state.processes].reverse()) await stopProcess(p);
    state.processes = [];
    writeState(state);
    throw err;
  }
}

/** Installs CRDs, converges the node set to `o.nodes`, starts or stops kube-scheduler as asked, waits for Ready. */
async function converge(state: ClusterState, o: UpOptions, bins?: BinaryPaths): Promise<ClusterState> {
  const kube = new LocalKubeClient(state.kubeconfig);
  const paths = bins ?? (await ensureBinaries(o.log));
  await applyCrds(paths.kubectl, state.kubeconfig, CRD_DIR);
  await applyManifests(paths.kubectl, state.kubeconfig, LOCAL_QUEUES);

  const selector = `${LOCAL_NODE_LABEL}=true`;
  const present = new Set((await kube.listNodes(selector)).map((n) => n.metadata?.name ?? ''));
  const wanted = Array.from({ length: o.nodes }, (_, i) => nodeManifest(i, o.shape));
  const wantedNames = new Set(wanted.map((n) => n.metadata?.name ?? ''));
  const missing = wanted.filter((n) => !present.has(n.metadata?.name ?? ''));
  const extra = [...present].filter((n) => !wantedNames.has(n));
  if (missing.length) o.log(`creating ${missing.length} kwok nodes (${nodeName(0)}..${nodeName(o.nodes - 1)})`);
  const t0 = Date.now();
  await createNodesWithKubectl(paths.kubectl, state.kubeconfig, missing);
  if (extra.length) {
    o.log(`deleting ${extra.length} nodes beyond --nodes ${o.nodes}`);
    await kube.deleteNodes(extra);
  }
  state.nodes = { count: o.nodes, shape: o.shape };
  writeState(state);

  const scheduler = state.processes.find((p) => p.name === 'kube-scheduler');
  if (o.withKubeScheduler && !(scheduler && isRunning(scheduler))) {
    const config = join(state.stateDir, 'kube-scheduler.yaml');
    writeFileSync(config, kubeSchedulerConfig(state.kubeconfig));
    o.log('starting kube-scheduler (upstream baseline)');
    state.processes = state.processes.filter((p) => p.name !== 'kube-scheduler');
    state.processes.push(
      startDetached(
        'kube-scheduler',
        paths.kubeScheduler,
        ['--config', config, '--bind-address=127.0.0.1', '--secure-port=0'],
        join(state.stateDir, 'logs', 'kube-scheduler.log'),
      ),
    );
    writeState(state);
  } else if (!o.withKubeScheduler && scheduler) {
    o.log('stopping kube-scheduler (not requested)');
    await stopProcess(scheduler);
    state.processes = state.processes.filter((p) => p !== scheduler);
    writeState(state);
  }

  let lastReport = 0;
  await waitFor(
    `${o.nodes} Ready nodes`,
    async () => {
      const kwok = state.processes.find((p) => p.name === 'kwok');
      if (kwok && !isRunning(kwok)) throw new FatalWaitError(`kwok exited; see ${kwok.log}`);
      const nodes = await kube.listNodes(selector);
      const ready = nodes.filter(isNodeReady).length;
      if (Date.now() - lastReport > 3_000 && o.nodes > 0) {
        lastReport = Date.now();
        o.log(`nodes Ready: ${ready}/${o.nodes}`);
      }
      return ready === o.nodes && nodes.length === o.nodes;
    },
    readyTimeoutMs(o.nodes),
    500,
  );
  if (missing.length)
    o.log(`${o.nodes} nodes Ready (${((Date.now() - t0) / 1000).toFixed(1)}s after creating ${missing.length})`);
  return state;
}

/** Stops every process the state records (reverse start order) and removes the state folder. */
export async function down(stateDir: string, log: (line: string) => void): Promise<boolean> {
  const state = readState(stateDir);
  if (!state) {
    if (existsSync(stateDir)) rmSync(stateDir, { recursive: true, force: true });
    return false;
  }
  for (const p of [...state.processes].reverse()) {
    if (isRunning(p)) log(`stopping ${p.name} (pid ${p.pid})`);
    await stopProcess(p);
  }
  rmSync(stateDir, { recursive: true, force: true });
  return true;
}

/** One line per component: name, pid, running or not, where it listens. */
export interface ComponentStatus {
  name: string;
  pid: number;
  running: boolean;
  endpoint: string;
  log: string;
}

export function componentStatus(state: ClusterState): ComponentStatus[] {
  const endpoints: Record<string, string> = {
    etcd: `http://127.0.0.1:${state.ports.etcd}`,
    'kube-apiserver': state.server,
    redis: state.redisUrl,
    ...(state.gatewayUrl ? { gateway: state.gatewayUrl } : {}),
  };
  return state.processes.map((p) => ({
    name: p.name,
    pid: p.pid,
    running: isRunning(p),
    endpoint: endpoints[p.name] ?? '-',
    log: p.log,
  }));
}

function tokenOf(state: ClusterState): string {
  const line = readFileSync(join(state.stateDir, 'pki', 'tokens.csv'), 'utf8');
  return line.split(',')[0] ?? '';
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

export function etcdArgs(dataDir: string, port: number, peerPort: number, nodes: number): string[] {
  return [
    '--name=loom-local',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=http://127.0.0.1:${port}`,
    `--advertise-client-urls=http://127.0.0.1:${port}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=loom-local=http://127.0.0.1:${peerPort}`,
    '--listen-metrics-urls=',
    // Local and disposable: durability is not worth an fsync per write.
    '--unsafe-no-fsync=true',
    `--quota-backend-bytes=${nodes > 1000 ? 8 * 1024 ** 3 : 2 * 1024 ** 3}`,
    '--auto-compaction-mode=periodic',
    '--auto-compaction-retention=5m',
    '--log-level=warn',
  ];
}

export function apiserverArgs(pki: string, etcdPort: number, port: number): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${pki}`,
    `--token-auth-file=${join(pki, 'tokens.csv')}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${join(pki, 'sa.key')}`,
    `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--authorization-mode=Node,RBAC',
    '--allow-privileged=true',
    '--endpoint-reconciler-type=none',
    // One user on two cores: flow control and in-flight caps only slow the scale tests down.
    '--enable-priority-and-fairness=false',
    '--max-requests-inflight=0',
    '--max-mutating-requests-inflight=0',
    '--profiling=false',
    '--v=1',
  ];
}

export function controllerManagerArgs(kubeconfig: string, pki: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    '--secure-port=0',
    `--service-account-private-key-file=${join(pki, 'sa.key')}`,
    `--root-ca-file=${join(pki, 'apiserver.crt')}`,
    '--use-service-account-credentials=false',
    // Node IPAM is off (nodes carry their own podCIDR); the node lifecycle controller stays on, or new nodes keep
    // the not-ready taint forever.
    '--controllers=*,-nodeipam',
    '--node-monitor-grace-period=3m20s',
    '--node-monitor-period=25s',
    '--kube-api-qps=500',
    '--kube-api-burst=1000',
    '--v=1',
  ];
}

export function kwokArgs(kubeconfig: string, config: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--config=${config}`,
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
    '--server-address=127.0.0.1:0',
    '--node-lease-duration-seconds=40',
    '--cidr=10.0.0.1/8',
    '--node-ip=10.255.0.1',
  ];
}

export function kubeSchedulerConfig(kubeconfig: string): string {
  return stringify({
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    clientConnection: { kubeconfig, qps: 5000, burst: 5000 },
    leaderElection: { leaderElect: false },
  });
}

export { DEFAULT_NODE_SHAPE };
