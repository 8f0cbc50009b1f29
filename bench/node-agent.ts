// The node agent's own cost per node at 100 pods (cpu and memory of the process), and the time from an online spike
// to the eviction of batch pods, for the shapes it runs in, side by side on one local cluster. The issue's goal:
// under 1 % of a core per node.
//
//   npx tsx bench/node-agent.ts [--nodes 10] [--pods-per-node 100] [--online-share 0.6] [--window 60]
//       [--warmup 10] [--repeats 5] [--intervals 1,2,5] [--shapes daemonset,cgroup,fleet]
//       [--node-cpu 32] [--node-memory 128Gi] [--keep]
//
// The cluster is the bench's own (`up` from hack/local-cluster/cluster.ts in a temp state folder, no scheduler, no
// Loom components; torn down however the run ends unless --keep). Its --nodes kwok nodes are tainted
// `bench.loom.dev/node-agent=only:NoSchedule`, and every pod is bound directly (spec.nodeName) with the toleration,
// so nothing else lands and no scheduler is involved. Per node: --online-share of --pods-per-node online pods
// (200m / 256Mi requested, `sim.loom.dev/usage-base` 0.3 with ±0.03 noise, memory 0.6 of the request) and the rest
// `reclaimed_cores` pods (requests = limits of reclaimed_millicpu / reclaimed_memory), sized to 80 % of what the agent
// publishes beside that online load, so online + reclaimed usage stays well under the 95 % eviction threshold and
// nothing is evicted at steady state (the tables count evictions during the window to show it).
//
// Contenders, one after another against the same cluster and pods, each spawned as a user runs it
// (`node bin/loom.mjs node-agent --kubeconfig <file> ... --interval <s>`, own process group, stopped after its run):
//   daemonset  `--node-name <node 0> --source simulated`: one process for one node, what each node pays in the
//              DaemonSet shape (Node.js baseline included).
//   cgroup     `--node-name <node 0> --source cgroup --cgroup-root <tree> --enforce` (the DaemonSet's flags): the
//              same with the real cgroup v2 source reading a generated kubepods tree (systemd driver) holding that
//              node's pods by their real uids: cpu.stat, memory.current and memory.stat per pod cgroup, PSI at the
//              root, the BestEffort slice's cpu.stat/cpu.weight/cpu.max. The bench advances every pod's usage_usec
//              once a second at the modelled rate, so the agent computes real rates. Default interval only.
//   fleet      `--fleet loom.dev/local-node=true --source simulated`: one process for all --nodes nodes (what
//              `loom up` runs); per node = total / nodes.
// daemonset and fleet run at every --intervals value, cgroup at 2 s (the default) when 2 is among them.
//
// Cost: after the ready line and --warmup seconds, cpu over --window seconds from /proc/<pid>/stat utime+stime of
// every process of the agent's process group (node and tsx's esbuild service) plus their reaped children, in clock
// ticks (`getconf CLK_TCK`): the window's mean, and the median of its 10-second slices (a GC or JIT burst moves the
// mean, not the median); RSS = Σ VmRSS of the group, sampled every 5 s (median and max). The mean tick time comes
// from the agent's own /metrics (loom_node_agent_tick_duration_seconds), read just before and after the window. A
// fresh Node process keeps compiling and collecting for a minute or two, more so at long intervals (few ticks): for
// steady-state figures give a longer --warmup (e.g. `--warmup 90 --shapes daemonset --repeats 0`).
//
// Spike → eviction (daemonset and fleet, every interval): --repeats times, after a pause that walks the spike's phase
// through the agent's sampling period, one online pod is created on a node (the agent's node; for fleet, the nodes in
// turn) with a cpu request and `usage-base` 1 (no noise) large enough that online + reclaimed usage passes 95 % of
// allocatable by about 2.5 reclaimed pods. Timed from the create call returning to the first reclaimed pod on that
// node seen (by a watch) marked `reason: Evicted` or deleted, and to the first `Evicted` event from
// `loom-node-agent`. Then the spike pod is deleted, evicted pods are replaced by fresh ones on the same node, and the
// agent gets one interval + 1 s to settle. The agent needs two samples over the threshold (--cpu-evict-samples 2),
// so expect between one and two intervals.
//
// Runs take about (window + warmup + ~8 s start) per contender plus the spikes: ~15 minutes with the defaults. Every
// wait has a timeout. Logs of the agents stay in a temp folder printed at the end. Prints Markdown tables; asserts
// nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { KeepAliveClient } from '../api/k8s/keepalive-client.ts';
import {
  LOCAL_NODE_LABEL,
  QOS_LEVEL_ANNOTATION,
  RECLAIMED_MEMORY,
  RECLAIMED_MILLICPU,
  SIM_USAGE_ANNOTATIONS,
} from '../api/names.ts';
import { parseBytes, parseMilliCpu } from '../api/quantity.ts';
import { binaryPaths } from '../hack/local-cluster/binaries.ts';
import { DEFAULT_NODE_SHAPE, down, up } from '../hack/local-cluster/cluster.ts';
import { createWithKubectl } from '../hack/local-cluster/kube-client.ts';
import { nodeName, type NodeShape } from '../hack/local-cluster/nodes.ts';
import { createNamespace } from './bench-namespace.ts';
import { spawnScheduler, type SchedulerProcess } from './scheduler-process.ts';
import { benchLifecycle } from './bench-lifecycle.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10' },
    'pods-per-node': { type: 'string', default: '100' },
    'online-share': { type: 'string', default: '0.6' },
    window: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    repeats: { type: 'string', default: '5' },
    intervals: { type: 'string', default: '1,2,5' },
    shapes: { type: 'string', default: 'daemonset,cgroup,fleet' },
    'node-cpu': { type: 'string', default: DEFAULT_NODE_SHAPE.cpu },
    'node-memory': { type: 'string', default: DEFAULT_NODE_SHAPE.memory },
    keep: { type: 'boolean', default: false },
  },
});

const positive = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!(n > 0)) throw new Error(`--${name} must be a positive number, got ${v}`);
  return n;
};
const SHAPES = ['daemonset', 'cgroup', 'fleet'] as const;
type Shape = (typeof SHAPES)[number];

const nodeCount = Math.floor(positive('nodes', values.nodes));
const podsPerNode = Math.floor(positive('pods-per-node', values['pods-per-node']));
const onlineShare = positive('online-share', values['online-share']);
const windowMs = positive('window', values.window) * 1000;
const nonNegative = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!(n >= 0)) throw new Error(`--${name} must be a number ≥ 0, got ${v}`);
  return n;
};
const warmupMs = nonNegative('warmup', values.warmup) * 1000;
const repeats = Math.floor(nonNegative('repeats', values.repeats));
const intervals = (values.intervals ?? '').split(',').map((s) => positive('intervals', s));
const shapes = (values.shapes ?? '').split(',').map((s) => {
  if (!(SHAPES as readonly string[]).includes(s)) throw new Error(`unknown shape ${s} (known: ${SHAPES.join(', ')})`);
  return s as Shape;
});
const shape: NodeShape = {
  ...DEFAULT_NODE_SHAPE,
  cpu: values['node-cpu'] ?? '32',
  memory: values['node-memory'] ?? '',
};
if (podsPerNode + 1 > shape.pods)
  throw new Error(`--pods-per-node must leave room for the spike pod (≤ ${shape.pods - 1})`);
if (!(onlineShare < 1)) throw new Error('--online-share must be below 1 (some pods must be reclaimed_cores)');

const bench = benchLifecycle('bench/node-agent');
const { log, print, using } = bench;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- workload ------------------------------------------------------------------------------------------------------

const NAMESPACE = 'bench-node-agent';
const TAINT_KEY = 'bench.loom.dev/node-agent';
const ROLE_LABEL = 'bench.loom.dev/role';
type Role = 'online' | 'reclaimed' | 'spike';
const Mi = 1024 ** 2;
const THRESHOLD = 0.95;
const ONLINE = { milliCpu: 200, memory: 256 * Mi, base: 0.3, noise: 0.03, memoryShare: 0.6 };

/** Pod sizes for the node shape: reclaimed pods fill 80 % of what the agent publishes beside the online load. */
function sizing(): {
  online: number;
  reclaimed: number;
  reclaimedMilliCpu: number;
  reclaimedMemory: number;
  spikeMilliCpu: number;
  /** Reclaimed pods the spike should evict, with the online noise at its low and high end. */
  victims: [number, number];
} {
  const allocMilliCpu = Number(parseMilliCpu(shape.cpu));
  const allocMemory = Number(parseBytes(shape.memory));
  const online = Math.round(podsPerNode * onlineShare);
  const reclaimed = podsPerNode - online;
  // The policy's estimate of the online load at its noisiest, with the default margins and reserve.
  const onlineCpuHigh = online * ONLINE.milliCpu * (ONLINE.base + ONLINE.noise);
  const onlineCpuLow = online * ONLINE.milliCpu * (ONLINE.base - ONLINE.noise);
  const onlineMemory = online * ONLINE.memory * ONLINE.memoryShare;
  const publishedCpu = allocMilliCpu * 0.95 - onlineCpuHigh * 1.25;
  const publishedMemory = allocMemory * 0.95 - onlineMemory * 1.1;
  const reclaimedMilliCpu = Math.floor((0.8 * publishedCpu) / reclaimed / 10) * 10;
  const reclaimedMemory = Math.floor((0.8 * publishedMemory) / reclaimed / Mi) * Mi;
  if (reclaimedMilliCpu <= 0 || reclaimedMemory <= 0) throw new Error('the online pods leave no reclaimed capacity');
  // Over the threshold by ~2.5 reclaimed pods even when the noise is low; the other online pods alone stay under it.
  const over = allocMilliCpu * THRESHOLD - onlineCpuLow - reclaimed * reclaimedMilliCpu + 2.5 * reclaimedMilliCpu;
  const spikeMilliCpu = Math.ceil(over / 100) * 100;
  if (onlineCpuHigh + spikeMilliCpu > allocMilliCpu * THRESHOLD)
    throw new Error('the spike would evict every batch pod');
  const victims = (onlineCpu: number): number =>
    Math.ceil(
      (onlineCpu + spikeMilliCpu + reclaimed * reclaimedMilliCpu - allocMilliCpu * THRESHOLD) / reclaimedMilliCpu,
    );
  return {
    online,
    reclaimed,
    reclaimedMilliCpu,
    reclaimedMemory,
    spikeMilliCpu,
    victims: [victims(onlineCpuLow), victims(onlineCpuHigh)],
  };
}
const size = sizing();

const tolerations = [{ key: TAINT_KEY, operator: 'Exists', effect: 'NoSchedule' }];
const PAUSE = 'registry.k8s.io/pause:3.10';

/** An online pod; the spike is one too, with a large request, `usage-base` 1 and no noise. */
function onlinePod(
  name: string,
  node: string,
  o = { milliCpu: ONLINE.milliCpu, base: ONLINE.base, noise: ONLINE.noise },
) {
  const role: Role = o.milliCpu === ONLINE.milliCpu && o.base === ONLINE.base ? 'online' : 'spike';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NAMESPACE,
      labels: { [ROLE_LABEL]: role },
      annotations: {
        [SIM_USAGE_ANNOTATIONS.base]: String(o.base),
        [SIM_USAGE_ANNOTATIONS.noise]: String(o.noise),
        [SIM_USAGE_ANNOTATIONS.memory]: String(ONLINE.memoryShare),
      },
    },
    spec: {
      nodeName: node,
      tolerations,
      containers: [
        { name: 'web', image: PAUSE, resources: { requests: { cpu: `${o.milliCpu}m`, memory: `${ONLINE.memory}` } } },
      ],
    },
  };
}

function reclaimedPod(name: string, node: string) {
  const r = { [RECLAIMED_MILLICPU]: String(size.reclaimedMilliCpu), [RECLAIMED_MEMORY]: String(size.reclaimedMemory) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NAMESPACE,
      labels: { [ROLE_LABEL]: 'reclaimed' },
      annotations: { [QOS_LEVEL_ANNOTATION]: 'reclaimed_cores' },
    },
    // Extended resources need limits equal to requests.
    spec: {
      nodeName: node,
      tolerations,
      containers: [{ name: 'executor', image: PAUSE, resources: { requests: r, limits: r } }],
    },
  };
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const nodes = Array.from({ length: nodeCount }, (_, i) => nodeName(i));

// ---- the bench's view of evictions ---------------------------------------------------------------------------------

interface PodObject {
  metadata?: {
    uid?: string;
    name?: string;
    resourceVersion?: string;
    deletionTimestamp?: unknown;
    labels?: Record<string, string>;
  };
  spec?: { nodeName?: string };
  status?: { reason?: string; phase?: string };
}
interface EventObject {
  metadata?: { uid?: string; resourceVersion?: string };
  reason?: string;
  source?: { component?: string; host?: string };
  involvedObject?: { uid?: string; name?: string };
}
/** When the bench first saw something happen to a pod, on which node. */
interface Seen {
  at: number;
  node: string;
  name: string;
}

/**
 * Two watches on the bench namespace: reclaimed pods marked `reason: Evicted` or deleted (the agent marks the status
 * first, then calls the Eviction API), and `Evicted` events from `loom-node-agent`. Each pod is stamped once, the
 * first time it is seen so (performance.now()); a watch that ends is resumed from the last resourceVersion seen.
 */
class EvictionWatch {
  readonly marked = new Map<string, Seen>();
  readonly events = new Map<string, Seen>();
  resumes = 0;
  private readonly aborts: AbortController[] = [];
  private stopped = false;

  constructor(
    private readonly kc: KubeConfig,
    private readonly admin: KeepAliveClient,
  ) {}

  async start(): Promise<void> {
    await this.watch('pods', (type, o: PodObject) => {
      if (o.metadata?.labels?.[ROLE_LABEL] !== 'reclaimed') return;
      const uid = o.metadata.uid ?? '';
      if (this.marked.has(uid)) return;
      if (type === 'DELETED' || o.metadata.deletionTimestamp || o.status?.reason === 'Evicted')
        this.marked.set(uid, { at: performance.now(), node: o.spec?.nodeName ?? '', name: o.metadata.name ?? '' });
    });
    await this.watch('events', (type, o: EventObject) => {
      if (type !== 'ADDED' || o.reason !== 'Evicted' || o.source?.component !== 'loom-node-agent') return;
      const uid = o.involvedObject?.uid ?? o.metadata?.uid ?? '';
      if (!this.events.has(uid))
        this.events.set(uid, { at: performance.now(), node: o.source.host ?? '', name: o.involvedObject?.name ?? '' });
    });
  }

  stop(): void {
    this.stopped = true;
    for (const a of this.aborts) a.abort();
  }

  /** What was seen on `node` at or after `from` (performance.now()), oldest first. */
  since(what: 'marked' | 'events', node: string, from: number, to = Infinity): Seen[] {
    return [...this[what].values()].filter((s) => s.node === node && s.at >= from && s.at <= to).sort(byAt);
  }

  /** Everything marked between two instants, on any node. */
  count(from: number, to: number): number {
    return [...this.marked.values()].filter((s) => s.at >= from && s.at <= to).length;
  }

  private async watch<T extends { metadata?: { resourceVersion?: string } }>(
    resource: 'pods' | 'events',
    handle: (type: string, o: T) => void,
  ): Promise<void> {
    const path = `/api/v1/namespaces/${NAMESPACE}/${resource}`;
    const listed = await this.admin.request<{ metadata?: { resourceVersion?: string } }>('GET', `${path}?limit=1`);
    if (listed.status !== 200) throw new Error(`listing ${resource} answered ${listed.status}`);
    let rv = listed.body.metadata?.resourceVersion ?? '';
    const from = async (): Promise<void> => {
      let gone = false;
      const abort = await new Watch(this.kc).watch(
        path,
        { resourceVersion: rv, allowWatchBookmarks: true },
        (type: string, o: T & { code?: number }) => {
          if (type === 'ERROR') {
            if (o.code === 410) gone = true;
            return;
          }
          if (o.metadata?.resourceVersion) rv = o.metadata.resourceVersion;
          if (type !== 'BOOKMARK') handle(type, o);
        },
        () => {
          if (this.stopped) return;
          this.resumes++;
          // After 410 Gone: from now on (a pod stamped late is better than a watch that stops).
          if (gone) rv = '';
          setTimeout(() => void from().catch((e: unknown) => log(`watch ${resource}: ${String(e)}`)), 50);
        },
      );
      this.aborts.push(abort);
    };
    await from();
  }
}
const byAt = (a: Seen, b: Seen): number => a.at - b.at;

// ---- a generated kubepods tree (systemd driver) --------------------------------------------------------------------

interface TreePod {
  uid: string;
  qos: 'burstable' | 'besteffort';
  /** Modelled cpu use, millicores (a noise of ±`noise` of the request is drawn every second). */
  milliCpu: number;
  noise: number;
  workingSet: number;
  usageUsec: number;
  dir: string;
}

const cpuStat = (usageUsec: number, throttle = { periods: 0, throttled: 0, usec: 0 }): string => {
  const user = Math.floor(usageUsec * 0.8);
  return (
    `usage_usec ${usageUsec}\nuser_usec ${user}\nsystem_usec ${usageUsec - user}\ncore_sched.force_idle_usec 0\n` +
    `nr_periods ${throttle.periods}\nnr_throttled ${throttle.throttled}\nthrottled_usec ${throttle.usec}\n` +
    'nr_bursts 0\nburst_usec 0\n'
  );
};
/** A memory.stat with the keys (and the length) of a 6.x kernel's. */
const memoryStat = (current: number, inactiveFile: number): string => {
  const file = Math.floor(current / 2);
  const lines: [string, number][] = [
    ['anon', current - file],
    ['file', file],
    ['kernel', 1572864],
    ['kernel_stack', 147456],
    ['pagetables', 425984],
    ['sec_pagetables', 0],
    ['percpu', 2016],
    ['sock', 0],
    ['vmalloc', 8192],
    ['shmem', 0],
    ['zswap', 0],
    ['zswapped', 0],
    ['file_mapped', 12288000],
    ['file_dirty', 4096],
    ['file_writeback', 0],
    ['swapcached', 0],
    ['anon_thp', 0],
    ['file_thp', 0],
    ['shmem_thp', 0],
    ['inactive_anon', current - file],
    ['active_anon', 4096],
    ['inactive_file', inactiveFile],
    ['active_file', Math.max(0, file - inactiveFile)],
    ['unevictable', 0],
    ['slab_reclaimable', 823296],
    ['slab_unreclaimable', 431248],
    ['slab', 1254544],
    ['workingset_refault_anon', 0],
    ['workingset_refault_file', 120],
    ['workingset_activate_anon', 0],
    ['workingset_activate_file', 17],
    ['workingset_restore_anon', 0],
    ['workingset_restore_file', 0],
    ['workingset_nodereclaim', 0],
    ['pgscan', 0],
    ['pgsteal', 0],
    ['pgscan_kswapd', 0],
    ['pgscan_direct', 0],
    ['pgsteal_kswapd', 0],
    ['pgsteal_direct', 0],
    ['pgfault', 492611],
    ['pgmajfault', 208],
    ['pgrefill', 0],
    ['pgactivate', 17],
    ['pgdeactivate', 0],
    ['pglazyfree', 0],
    ['pglazyfreed', 0],
    ['thp_fault_alloc', 0],
    ['thp_collapse_alloc', 0],
  ];
  return lines.map(([k, v]) => `${k} ${v}\n`).join('');
};
const PSI_IDLE = 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n';

/** Writes a file whole (write then rename), so the agent never reads half of it. */
async function put(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

/**
 * The pod cgroups of one node as the kubelet lays them out with the systemd driver on cgroup v2: online pods (cpu
 * and memory requests, no limits) under kubepods-burstable.slice, reclaimed pods (no cpu/memory requests) under
 * kubepods-besteffort.slice. {@link advance} adds each pod's modelled use to its usage_usec.
 */
class CgroupTree {
  private readonly pods: TreePod[] = [];
  private last = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(readonly root: string) {}

  async build(pods: { uid: string; role: Role; milliCpu: number; memory: number; noise: number }[]): Promise<void> {
    const kp = join(this.root, 'kubepods.slice');
    const burstable = join(kp, 'kubepods-burstable.slice');
    const besteffort = join(kp, 'kubepods-besteffort.slice');
    for (const d of [burstable, besteffort, join(this.root, 'system.slice')]) await mkdir(d, { recursive: true });
    await put(join(this.root, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
    await put(join(this.root, 'cpu.pressure'), PSI_IDLE);
    await put(join(this.root, 'memory.pressure'), PSI_IDLE);
    await put(join(besteffort, 'cpu.stat'), cpuStat(0, { periods: 0, throttled: 0, usec: 0 }));
    await put(join(besteffort, 'cpu.weight'), '2\n');
    await put(join(besteffort, 'cpu.max'), 'max 100000\n');
    for (const p of pods) {
      const qos = p.role === 'reclaimed' ? 'besteffort' : 'burstable';
      const dir = join(kp, `kubepods-${qos}.slice`, `kubepods-${qos}-pod${p.uid.replaceAll('-', '_')}.slice`);
      await mkdir(dir, { recursive: true });
      const workingSet = Math.round(p.role === 'reclaimed' ? p.memory : p.memory * ONLINE.memoryShare);
      const pod: TreePod = { uid: p.uid, qos, milliCpu: p.milliCpu, noise: p.noise, workingSet, usageUsec: 0, dir };
      this.pods.push(pod);
      const inactive = Math.round(workingSet * 0.1);
      await put(join(dir, 'memory.current'), `${workingSet + inactive}\n`);
      await put(join(dir, 'memory.stat'), memoryStat(workingSet + inactive, inactive));
      await put(join(dir, 'cpu.stat'), cpuStat(0));
    }
  }

  get podCount(): number {
    return this.pods.length;
  }

  /** Advances every pod's usage_usec once a second until {@link stop}. */
  start(): void {
    this.last = performance.now();
    this.timer = setInterval(() => {
      this.writing ??= this.advance().finally(() => (this.writing = undefined));
    }, 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
  }

  private async advance(): Promise<void> {
    const now = performance.now();
    const ms = now - this.last;
    this.last = now;
    for (const p of this.pods) {
      const share = 1 + (p.noise ? ((Math.random() * 2 - 1) * p.noise) / ONLINE.base : 0);
      p.usageUsec += Math.round(p.milliCpu * share * ms);
      await put(join(p.dir, 'cpu.stat'), cpuStat(p.usageUsec));
    }
  }
}

// ---- measuring a process group -------------------------------------------------------------------------------------

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** The processes of process group `pgid`, with their cpu (utime+stime+cutime+cstime, ticks) and VmRSS (bytes). */
function groupUsage(pgid: number): { ticks: number; rss: number; mainRss: number; processes: number } {
  let ticks = 0;
  let rss = 0;
  let mainRss = 0;
  let processes = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    // cutime cstime ...
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[2]) !== pgid) continue;
    processes++;
    ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    try {
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      const bytes = Number(kb ?? 0) * 1024;
      rss += bytes;
      if (Number(entry) === pgid) mainRss = bytes;
    } catch {
      /* gone meanwhile */
    }
  }
  return { ticks, rss, mainRss, processes };
}

/** GET /metrics of an agent: the tick histogram's sum and count, evictions so far, V8 heap in use. */
function scrape(
  port: number,
): Promise<{ tickSum: number; tickCount: number; evictions: number; heapUsed: number } | undefined> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/metrics', timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const one = (name: string): number => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
        let evictions = 0;
        for (const m of text.matchAll(/^loom_node_evictions_total\{[^}]*\} ([0-9.e+-]+)$/gm)) evictions += Number(m[1]);
        resolve({
          tickSum: one('loom_node_agent_tick_duration_seconds_sum'),
          tickCount: one('loom_node_agent_tick_duration_seconds_count'),
          evictions,
          heapUsed: one('loom_node_agent_nodejs_heap_size_used_bytes'),
        });
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

// ---- one contender -------------------------------------------------------------------------------------------------

interface Contender {
  shape: Shape;
  interval: number;
  /** Nodes this process serves. */
  serves: string[];
  args: string[];
  spikes: boolean;
}

interface Trial {
  node: string;
  /** Seconds from the spike's create call returning to the first pod marked/deleted and to the first event. */
  marked?: number;
  event?: number;
  /** Reclaimed pods of that node marked or deleted within the trial. */
  evicted: number;
}

interface RunResult {
  c: Contender;
  failed?: string;
  readySeconds?: number;
  cpuPercent?: number;
  /** Median of the window's 10-second slices. */
  cpuSliceMedian?: number;
  rssMedian?: number;
  rssMax?: number;
  mainRssMedian?: number;
  /** V8 heap in use at the end of the window (the agent's /metrics). */
  heapUsed?: number;
  processes?: number;
  tickMs?: number;
  ticksPerSecond?: number;
  windowEvictions?: number;
  trials: Trial[];
}

interface Bench {
  kc: KubeConfig;
  kubeconfig: string;
  admin: KeepAliveClient;
  watch: EvictionWatch;
  logDir: string;
  /** Counter for the names of replacement pods. */
  serial: number;
}

const LOOM = join(import.meta.dirname, '..', 'bin', 'loom.mjs');
const READY_LINE = 'loom node-agent running for';

async function runContender(b: Bench, c: Contender): Promise<RunResult> {
  const tag = `${c.shape}-${c.interval}s`;
  const result: RunResult = { c, trials: [] };
  const tree = c.shape === 'cgroup' ? new CgroupTree(mkdtempSync(join(tmpdir(), 'loom-bench-cgroup-'))) : undefined;
  const args = [LOOM, 'node-agent', '--kubeconfig', b.kubeconfig, ...c.args, '--interval', String(c.interval)];
  if (tree) args.push('--cgroup-root', tree.root);
  const env = { ...process.env };
  for (const k of ['NODE_NAME', 'KUBECONFIG', 'LOG_LEVEL']) delete env[k];
  return using(
    `${tag}${tree ? ` (cgroup tree ${tree.root})` : ''}`,
    async () => {
      await tree?.stop();
      if (tree) rmSync(tree.root, { recursive: true, force: true });
    },
    async () => {
      if (tree) {
        await buildTree(b, tree, c.serves[0] ?? '');
        tree.start();
      }
      log(`${tag}: node ${args.slice(1).join(' ')}`);
      const p = spawnScheduler(process.execPath, args, join(b.logDir, `${tag}.log`), READY_LINE, env);
      return using(
        `agent ${tag} (pid ${p.pid})`,
        () => p.stop(),
        async () => {
          const failed = (): string | undefined => {
            const e = p.exit();
            return e ? `exited (code ${e.code}, signal ${e.signal}): ${p.tail(3)}` : undefined;
          };
          const deadline = performance.now() + 90_000;
          while (p.readyAt() === undefined && !failed() && !bench.interrupted && performance.now() < deadline)
            await sleep(100);
          const readyAt = p.readyAt();
          if (readyAt === undefined) {
            result.failed = failed() ?? 'no ready line within 90 s';
            log(`${tag}: ${result.failed}`);
            return result;
          }
          result.readySeconds = (readyAt - p.spawnedAt) / 1000;
          const port = Number(/metrics on http:\/\/127\.0\.0\.1:(\d+)\//.exec(p.tail(50))?.[1] ?? NaN);
          log(`${tag}: ready after ${result.readySeconds.toFixed(1)} s (metrics port ${port}); warming up`);
          await sleep(warmupMs);
          await measure(b, p, port, result, tag);
          const why = failed();
          if (why) result.failed = why;
          else if (c.spikes && repeats > 0) await spikes(b, p, c, result, tag);
          if (!result.failed && failed()) result.failed = failed();
          return result;
        },
      );
    },
  );
}

async function buildTree(b: Bench, tree: CgroupTree, node: string): Promise<void> {
  type List = { items?: (PodObject & { metadata?: { annotations?: Record<string, string> } })[] };
  const r = await b.admin.request<List>(
    'GET',
    `/api/v1/namespaces/${NAMESPACE}/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${node}`)}`,
  );
  if (r.status !== 200) throw new Error(`listing the pods of ${node} answered ${r.status}`);
  const pods = (r.body.items ?? [])
    .filter((p) => !p.metadata?.deletionTimestamp)
    .map((p) => {
      const role = (p.metadata?.labels?.[ROLE_LABEL] ?? 'online') as Role;
      const online = role !== 'reclaimed';
      return {
        uid: p.metadata?.uid ?? '',
        role,
        milliCpu: online ? ONLINE.milliCpu * ONLINE.base : size.reclaimedMilliCpu,
        memory: online ? ONLINE.memory : size.reclaimedMemory,
        noise: online ? ONLINE.noise : 0,
      };
    });
  await tree.build(pods);
  log(`cgroup tree for ${node}: ${tree.podCount} pod cgroups in ${tree.root}`);
}

async function measure(b: Bench, p: SchedulerProcess, port: number, result: RunResult, tag: string): Promise<void> {
  const m0 = await scrape(port);
  const u0 = groupUsage(p.pid);
  const t0 = performance.now();
  const rss: number[] = [];
  const mainRss: number[] = [];
  // cpu ticks every 5 s: the window's 10-second slices, whose median a GC or JIT burst does not move.
  const points = [{ at: t0, ticks: u0.ticks }];
  let processes = u0.processes;
  while (performance.now() - t0 < windowMs && !p.exit() && !bench.interrupted) {
    await sleep(Math.min(5_000, windowMs - (performance.now() - t0)));
    const u = groupUsage(p.pid);
    points.push({ at: performance.now(), ticks: u.ticks });
    rss.push(u.rss);
    mainRss.push(u.mainRss);
    processes = Math.max(processes, u.processes);
  }
  const u1 = groupUsage(p.pid);
  const t1 = performance.now();
  const m1 = await scrape(port);
  const seconds = (t1 - t0) / 1000;
  result.cpuPercent = ((u1.ticks - u0.ticks) / CLK_TCK / seconds) * 100;
  const slices: number[] = [];
  for (let i = 2; i < points.length; i += 2) {
    const [a, z] = [points[i - 2]!, points[i]!];
    slices.push(((z.ticks - a.ticks) / CLK_TCK / ((z.at - a.at) / 1000)) * 100);
  }
  result.cpuSliceMedian = median(slices);
  result.rssMedian = median(rss);
  result.rssMax = Math.max(...rss);
  result.mainRssMedian = median(mainRss);
  result.processes = processes;
  if (m0 && m1) {
    result.tickMs = ((m1.tickSum - m0.tickSum) / (m1.tickCount - m0.tickCount)) * 1000;
    result.ticksPerSecond = (m1.tickCount - m0.tickCount) / seconds;
    result.heapUsed = m1.heapUsed;
  }
  result.windowEvictions = b.watch.count(t0, t1);
  log(
    `${tag}: ${f2(result.cpuPercent)} % of a core over ${f1(seconds)} s (10 s slices: ` +
      `${slices.map(f2).join(' ')}), RSS median ${mib(result.rssMedian)} MiB (${processes} processes), ` +
      `tick ${f1(result.tickMs ?? NaN)} ms, ${result.windowEvictions} evictions`,
  );
}

async function spikes(b: Bench, p: SchedulerProcess, c: Contender, result: RunResult, tag: string): Promise<void> {
  const timeoutMs = Math.max(20_000, c.interval * 8_000);
  for (let k = 0; k < repeats && !p.exit() && !bench.interrupted; k++) {
    const node = c.serves[k % c.serves.length] ?? '';
    // Spread the spike's phase over the sampling period (golden-ratio steps: even, and the same on every run).
    await sleep(((k * 0.618034) % 1) * c.interval * 1000);
    const name = `spike-${tag.replace('.', '_')}-${k}`;
    const spike = onlinePod(name, node, { milliCpu: size.spikeMilliCpu, base: 1, noise: 0 });
    const created = await b.admin.request('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, spike);
    const t0 = performance.now();
    if (created.status !== 201) {
      result.failed = `creating ${name} answered ${created.status}`;
      log(`${tag}: ${result.failed}`);
      return;
    }
    const trial: Trial = { node, evicted: 0 };
    while (performance.now() - t0 < timeoutMs && !bench.interrupted) {
      const marked = b.watch.since('marked', node, t0)[0];
      const event = b.watch.since('events', node, t0)[0];
      if (marked) trial.marked = (marked.at - t0) / 1000;
      if (event) trial.event = (event.at - t0) / 1000;
      if (marked && event) break;
      await sleep(20);
    }
    // One more sample: a second round of evictions for the same spike would be over-eviction.
    await sleep(c.interval * 1000 + 500);
    const evicted = b.watch.since('marked', node, t0);
    trial.evicted = evicted.length;
    result.trials.push(trial);
    log(
      `${tag}: spike ${k + 1}/${repeats} on ${node}: marked after ${f2(trial.marked ?? NaN)} s, event after ` +
        `${f2(trial.event ?? NaN)} s, ${trial.evicted} evicted`,
    );
    // Restore: the spike goes, the evicted batch pods come back as new pods on the same node.
    const gone = await b.admin.request('DELETE', `/api/v1/namespaces/${NAMESPACE}/pods/${name}`, {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
    });
    if (gone.status >= 300 && gone.status !== 404) log(`${tag}: deleting ${name} answered ${gone.status}`);
    for (let i = 0; i < evicted.length; i++) {
      const replacement = reclaimedPod(`rc-${node.slice(-4)}-x${pad(++b.serial, 4)}`, node);
      const r = await b.admin.request('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, replacement);
      if (r.status !== 201) log(`${tag}: re-creating a reclaimed pod answered ${r.status}`);
    }
    await waitFor(`${name} gone`, 30_000, async () => {
      const r = await b.admin.request('GET', `/api/v1/namespaces/${NAMESPACE}/pods/${name}`);
      return r.status === 404;
    });
    await sleep(c.interval * 1000 + 1000);
  }
}

async function waitFor(what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && !bench.interrupted) {
    if (await done()) return true;
    await sleep(250);
  }
  log(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
  return false;
}

// ---- output helpers ------------------------------------------------------------------------------------------------

const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const max = (xs: number[]): number => (xs.some(Number.isFinite) ? Math.max(...xs.filter(Number.isFinite)) : NaN);
const fx = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const f1 = (x: number): string => fx(x, 1);
const f2 = (x: number): string => fx(x, 2);
const mib = (bytes: number | undefined): string => f1((bytes ?? NaN) / Mi);
const label = (c: Contender): string =>
  ({
    daemonset: 'DaemonSet, simulated',
    cgroup: 'DaemonSet, cgroup v2 tree',
    fleet: `fleet (${c.serves.length} nodes), simulated`,
  })[c.shape];

function costTable(results: RunResult[]): string[] {
  const out = [
    '| agent | interval | nodes served | % of a core (process) | **% of a core per node** | per node, median of 10 s slices | vs goal (1 %) | RSS MiB median / max (process group) | RSS MiB per node | V8 heap used (MiB) | mean tick (ms) | ticks/s | evictions in window | start → ready (s) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const n = r.c.serves.length;
    if (r.failed && r.cpuPercent === undefined) {
      out.push(
        `| ${label(r.c)} | ${r.c.interval} s | ${n} | failed: ${r.failed.replaceAll('|', '\\|')} | | | | | | | | | | |`,
      );
      continue;
    }
    const perNode = (r.cpuPercent ?? NaN) / n;
    out.push(
      `| ${label(r.c)} | ${r.c.interval} s | ${n} | ${f2(r.cpuPercent ?? NaN)} | **${f2(perNode)}** | ` +
        `${f2((r.cpuSliceMedian ?? NaN) / n)} | ${f2(perNode)}× | ` +
        `${mib(r.rssMedian)} / ${mib(r.rssMax)} | ${mib((r.rssMedian ?? NaN) / n)} | ${mib(r.heapUsed)} | ${f1(r.tickMs ?? NaN)} | ` +
        `${f2(r.ticksPerSecond ?? NaN)} | ${r.windowEvictions ?? 'n/a'} | ${f1(r.readySeconds ?? NaN)} |`,
    );
  }
  return out;
}

function spikeTable(results: RunResult[]): string[] {
  const [low, high] = size.victims;
  const out = [
    `| agent | interval | spikes | → first pod marked Evicted, median / max (s) | → Evicted event, median / max (s) | median ÷ interval | reclaimed pods evicted per spike (median; ${low}–${high} expected) | no eviction within the timeout |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results.filter((r) => r.c.spikes)) {
    const marked = r.trials.map((t) => t.marked ?? NaN);
    const events = r.trials.map((t) => t.event ?? NaN);
    const missed = r.trials.filter((t) => t.marked === undefined).length;
    out.push(
      `| ${label(r.c)} | ${r.c.interval} s | ${r.trials.length} | ${f2(median(marked))} / ${f2(max(marked))} | ` +
        `${f2(median(events))} / ${f2(max(events))} | ${f2(median(marked) / r.c.interval)} | ` +
        `${fx(median(r.trials.map((t) => t.evicted)), 0)} | ${missed}${r.failed ? ` (${r.failed.replaceAll('|', '\\|')})` : ''} |`,
    );
  }
  return out;
}

/** CPU per node against reaction time, interval by interval, for the two simulated shapes. */
function tradeTable(results: RunResult[]): string[] {
  const find = (shape: Shape, i: number): RunResult | undefined =>
    results.find((r) => r.c.shape === shape && r.c.interval === i);
  const out = [
    '| interval | DaemonSet: % of a core per node | DaemonSet: spike → eviction median (s) | fleet: % of a core per node | fleet: spike → eviction median (s) | DaemonSet ÷ fleet cpu per node |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const i of intervals) {
    const d = find('daemonset', i);
    const f = find('fleet', i);
    const dc = d?.cpuPercent ?? NaN;
    const fc = (f?.cpuPercent ?? NaN) / (f?.c.serves.length ?? NaN);
    const sp = (r: RunResult | undefined): number => median((r?.trials ?? []).map((t) => t.marked ?? NaN));
    out.push(`| ${i} s | ${f2(dc)} | ${f2(sp(d))} | ${f2(fc)} | ${f2(sp(f))} | ${f1(dc / fc)}× |`);
  }
  return out;
}

// ---- main ----------------------------------------------------------------------------------------------------------

function contenders(): Contender[] {
  const node0 = nodes[0] ?? '';
  const ordered = [...new Set([2, ...intervals])].filter((i) => intervals.includes(i));
  const out: Contender[] = [];
  for (const interval of ordered) {
    if (shapes.includes('daemonset'))
      out.push({
        shape: 'daemonset',
        interval,
        serves: [node0],
        args: ['--node-name', node0, '--source', 'simulated'],
        spikes: true,
      });
    if (shapes.includes('cgroup') && interval === 2)
      out.push({
        shape: 'cgroup',
        interval,
        serves: [node0],
        args: ['--node-name', node0, '--source', 'cgroup', '--enforce'],
        spikes: false,
      });
    if (shapes.includes('fleet'))
      out.push({
        shape: 'fleet',
        interval,
        serves: nodes,
        args: ['--fleet', `${LOCAL_NODE_LABEL}=true`, '--source', 'simulated'],
        spikes: true,
      });
  }
  return out;
}

function machine(): string {
  const git = (...a: string[]): string => {
    try {
      return execFileSync('git', a, { cwd: join(import.meta.dirname, '..'), encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  };
  const dirty = git('status', '--porcelain', '--untracked-files=no') ? ' (uncommitted changes)' : '';
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return (
    `${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${load} at start; Node ${process.version}; ` +
    `commit ${git('rev-parse', '--short', 'HEAD')}${dirty}; CLK_TCK ${CLK_TCK}`
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const header = machine();
  log(header);
  const logDir = mkdtempSync(join(tmpdir(), 'loom-bench-node-agent-logs-'));
  const stateDir = mkdtempSync(join(tmpdir(), 'loom-bench-node-agent-'));
  const kubectl = binaryPaths().kubectl;
  const plan = contenders();
  log(
    `${plan.length} contender runs; per node ${size.online} online pods (${ONLINE.milliCpu}m / 256Mi) and ` +
      `${size.reclaimed} reclaimed pods (${size.reclaimedMilliCpu} millicpu / ${size.reclaimedMemory / Mi}Mi); spike ` +
      `pod ${size.spikeMilliCpu}m at usage-base 1; logs in ${logDir}`,
  );
  const results: RunResult[] = [];
  await using(
    `cluster ${stateDir}`,
    async () => {
      if (values.keep)
        log(`--keep: cluster left running; stop it with: node bin/loom.mjs --state-dir ${stateDir} cluster down`);
      else await down(stateDir, log);
    },
    async () => {
      const t = performance.now();
      const state = await up({ stateDir, nodes: nodeCount, shape, withKubeScheduler: false, log });
      log(`cluster with ${nodeCount} Ready nodes in ${f1((performance.now() - t) / 1000)} s`);
      execFileSync(kubectl, [
        '--kubeconfig',
        state.kubeconfig,
        'taint',
        'nodes',
        '-l',
        `${LOCAL_NODE_LABEL}=true`,
        `${TAINT_KEY}=only:NoSchedule`,
        '--overwrite',
      ]);
      const kc = new KubeConfig();
      kc.loadFromFile(state.kubeconfig);
      const admin = new KeepAliveClient(kc, { qps: Infinity, burst: 1, maxSockets: 16 });
      await using(
        'admin client',
        () => Promise.resolve(admin.close()),
        async () => {
          await createNamespace(admin, NAMESPACE);
          const pods = nodes.flatMap((node, n) => [
            ...Array.from({ length: size.online }, (_, k) => onlinePod(`on-${pad(n, 4)}-${pad(k, 3)}`, node)),
            ...Array.from({ length: size.reclaimed }, (_, k) => reclaimedPod(`rc-${pad(n, 4)}-${pad(k, 3)}`, node)),
          ]);
          const tc = performance.now();
          await createWithKubectl(kubectl, state.kubeconfig, pods, { parallel: 4, timeoutMs: 300_000 });
          await waitFor(`${pods.length} pods Running`, 300_000, async () => {
            const r = await admin.request<{ items?: unknown[] }>(
              'GET',
              `/api/v1/namespaces/${NAMESPACE}/pods?fieldSelector=${encodeURIComponent('status.phase!=Running')}&limit=1`,
            );
            return r.status === 200 && (r.body.items?.length ?? 1) === 0;
          });
          log(`${pods.length} pods created and Running in ${f1((performance.now() - tc) / 1000)} s`);
          const watch = new EvictionWatch(kc, admin);
          await watch.start();
          const b: Bench = { kc, kubeconfig: state.kubeconfig, admin, watch, logDir, serial: 0 };
          await using(
            'eviction watch',
            () => Promise.resolve(watch.stop()),
            async () => {
              for (const c of plan) {
                if (bench.interrupted) break;
                results.push(await runContender(b, c));
              }
              if (watch.resumes) log(`eviction watches resumed ${watch.resumes}×`);
            },
          );
        },
      );
    },
  );

  const minutes = (Date.now() - started) / 60_000;
  print(`bench/node-agent: ${header}`);
  print(
    `${nodeCount} kwok nodes of ${shape.cpu} cpu / ${shape.memory}; per node ${size.online} online pods ` +
      `(${ONLINE.milliCpu}m / 256Mi requested, usage-base ${ONLINE.base} ± ${ONLINE.noise}, memory ${ONLINE.memoryShare}) ` +
      `and ${size.reclaimed} reclaimed_cores pods (${size.reclaimedMilliCpu} millicpu / ${size.reclaimedMemory / Mi}Mi); ` +
      `window ${windowMs / 1000} s after ${warmupMs / 1000} s warm-up; spike pod ${size.spikeMilliCpu}m at usage-base 1, ` +
      `${repeats} spikes per run; ${f1(minutes)} min in all`,
  );
  print('');
  print('Agent cost at steady state (cpu: utime+stime of the process group over the window; RSS: Σ VmRSS)');
  print('');
  for (const l of costTable(results)) print(l);
  if (repeats > 0 && results.some((r) => r.c.spikes)) {
    print('');
    print('Online spike → eviction (from the spike pod’s create call returning, seen by a watch)');
    print('');
    for (const l of spikeTable(results)) print(l);
    print('');
    print('CPU against reaction time');
    print('');
    for (const l of tradeTable(results)) print(l);
  }
  const node = results.find((r) => r.mainRssMedian !== undefined && r.c.shape === 'daemonset');
  if (node)
    print(
      `\nRSS of the node process alone (DaemonSet, simulated, ${node.c.interval} s): ${mib(node.mainRssMedian)} MiB of ` +
        `${mib(node.rssMedian)} MiB (${node.processes ?? '?'} processes in the group). Logs: ${logDir}`,
    );
}

await bench.run(main);
