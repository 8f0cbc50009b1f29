// Scheduler throughput and gang placement: the upstream kube-scheduler v1.34.3, a binder with no scheduling logic
// (the ceiling) and Loom's scheduler, one after another on the same local cluster: same kube-apiserver, same kwok
// nodes, same client QPS/burst for every contender. Each node count gets its own cluster (own state folder under
// the temp dir, torn down however the run ends).
//
//   npx tsx bench/scheduler.ts [--nodes 1000,5000] [--pods 10000] [--contenders kube-scheduler,ceiling,loom]
//       [--parts a,b,c] [--runs 1] [--qps 5000] [--burst 5000] [--concurrency 64] [--timeout 600]
//       [--gangs 1000] [--gang-size 10] [--fill 0.7] [--gang-fit 0.6] [--gang-order shuffled] [--seed 1]
//       [--stall 30] [--create-parallel 8] [--loom-args '--no-leader-elect']
//
// Contenders: kube-scheduler (hack/'s build, KubeSchedulerConfiguration from hack/local-cluster/cluster.ts with
// clientConnection qps/burst set to --qps/--burst, leader election off, HTTPS on 127.0.0.1:<free port>); ceiling
// (bench/ceiling-binder.ts in-process, bench/keepalive-client.ts with the same qps/burst, --concurrency bindings in
// flight); loom (`node bin/loom.mjs scheduler --kubeconfig <file> --default-scheduler --kube-api-qps <qps>
// --kube-api-burst <burst>` plus --loom-args, by default --no-leader-elect as kube-scheduler runs without leader
// election). A contender whose process exits early is reported as failed; the others still run.
//
// (a) core alone: the scheduling core without an apiserver. Not wired yet: see coreAlone().
// (b) throughput: --pods plain pods (one pause container, 10m / 16Mi) are created first (parallel `kubectl create`
//     of Lists) in a fresh namespace, then the contender starts; the clock runs from its spawn until a watch sees
//     every pod with spec.nodeName. Also reported: first → last binding. Pods say `default-scheduler` for
//     kube-scheduler and loom, `bench-ceiling` (served by nobody else) for the ceiling. The namespace is emptied
//     and deleted between runs, so every run starts on empty nodes.
// (c) gangs: every node is filled to --fill of its cpu and memory by one pod bound by the ceiling binder (once, the
//     same for every contender), then --gangs SchedulingUnits (minMember --gang-size, one role) and their pods are
//     created, pods sized so that only about --gang-fit of the gangs fit. kube-scheduler places pods one by one
//     (no gang support); loom gets `loom-scheduler` pods. A run ends when every pod is bound or when no new binding
//     arrived for --stall seconds; then complete, partial (0 < bound < size) and empty gangs are counted. The
//     ceiling does not take part: it ignores capacity. --gang-order: `shuffled` (default) names and creates the
//     members of all gangs in one seeded random order, as when many jobs' pods are pending at once; `grouped` names
//     each gang's members consecutively, and since kube-scheduler queues the pending pods in the order its initial
//     list returns them (by name), it then places whole gangs by accident: its best case.
//
// Timings are taken here, at the client side. Every phase has a timeout; scheduler processes run in their own
// process group and are stopped after their run. Logs and generated configs stay in a temp folder printed at the
// end. Prints Markdown tables; asserts nothing.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { LOCAL_NODE_LABEL } from '../api/names.ts';
import { parseBytes, parseMilliCpu } from '../api/quantity.ts';
import { binaryPaths } from '../hack/local-cluster/binaries.ts';
import { DEFAULT_NODE_SHAPE, down, up } from '../hack/local-cluster/cluster.ts';
import { createWithKubectl } from '../hack/local-cluster/kube-client.ts';
import type { NodeShape } from '../hack/local-cluster/nodes.ts';
import type { ClusterState } from '../hack/local-cluster/state.ts';
import { createNamespace, deleteNamespace } from './bench-namespace.ts';
import { BindTracker, type WaitOutcome } from './bind-tracker.ts';
import { bindRoundRobin } from './ceiling-binder.ts';
import { KeepAliveClient } from '../api/k8s/keepalive-client.ts';
import {
  CEILING_SCHEDULER_NAME,
  CONTENDER_NAMES,
  CONTENDERS,
  type Contender,
  type ContenderEnv,
  type ContenderName,
} from './scheduler-contenders.ts';
import { runCoreAlone } from './scheduler-core.ts';
import { benchLifecycle } from './bench-lifecycle.ts';
import {
  BENCH_QUEUE,
  GANG_ORDERS,
  benchPod,
  benchQueue,
  gangWorkload,
  plainPods,
  type GangOrder,
} from './scheduler-workloads.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000,5000' },
    pods: { type: 'string', default: '10000' },
    contenders: { type: 'string', default: CONTENDER_NAMES.join(',') },
    parts: { type: 'string', default: 'a,b,c' },
    runs: { type: 'string', default: '1' },
    qps: { type: 'string', default: '5000' },
    burst: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '64' },
    timeout: { type: 'string', default: '600' },
    gangs: { type: 'string', default: '1000' },
    'gang-size': { type: 'string', default: '10' },
    fill: { type: 'string', default: '0.7' },
    'gang-fit': { type: 'string', default: '0.6' },
    'gang-order': { type: 'string', default: 'shuffled' },
    seed: { type: 'string', default: '1' },
    stall: { type: 'string', default: '30' },
    'create-parallel': { type: 'string', default: '8' },
    'loom-args': { type: 'string', default: '--no-leader-elect' },
  },
});

const positive = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!(n > 0)) throw new Error(`--${name} must be a positive number, got ${v}`);
  return n;
};
const sizes = (values.nodes ?? '').split(',').map((s) => positive('nodes', s));
const podCount = positive('pods', values.pods);
const contenderNames = (values.contenders ?? '').split(',').map((s) => {
  if (!(CONTENDER_NAMES as readonly string[]).includes(s))
    throw new Error(`unknown contender ${s} (known: ${CONTENDER_NAMES.join(', ')})`);
  return s as ContenderName;
});
const parts = new Set((values.parts ?? '').split(','));
const runs = positive('runs', values.runs);
const qps = positive('qps', values.qps);
const burst = positive('burst', values.burst);
const concurrency = positive('concurrency', values.concurrency);
const runTimeoutMs = positive('timeout', values.timeout) * 1000;
const gangs = positive('gangs', values.gangs);
const gangSize = positive('gang-size', values['gang-size']);
const fillFraction = positive('fill', values.fill);
const gangFit = positive('gang-fit', values['gang-fit']);
const gangOrder = values['gang-order'] as GangOrder;
if (!GANG_ORDERS.includes(gangOrder)) throw new Error(`--gang-order is one of ${GANG_ORDERS.join(', ')}`);
const seed = Number(values.seed);
const stallMs = positive('stall', values.stall) * 1000;
const createParallel = positive('create-parallel', values['create-parallel']);
const loomArgs = (values['loom-args'] ?? '').split(/\s+/).filter(Boolean);

const bench = benchLifecycle('bench/scheduler');
const { log, print, using } = bench;

// ---- one cluster per node count -----------------------------------------------------------------------------------

interface BenchCluster {
  nodes: number;
  shape: NodeShape;
  state: ClusterState;
  kubectl: string;
  /** The benchmark's own client (namespaces, fill, cleanup): not rate-limited. */
  admin: KeepAliveClient;
  env: ContenderEnv;
}

/** Contenders that could not start once are not started again (same binary, same flags). */
const startFailures = new Map<ContenderName, string>();

/** One measured run: the objects exist before the contender starts; the watch decides when it ends. */
interface RunRecord {
  outcome: WaitOutcome | { kind: 'skipped'; reason: string };
  total: number;
  bound: number;
  /** Seconds from the contender's start (spawn) to: its ready line, the first binding, the last binding. */
  readyAfter?: number;
  firstBindAfter?: number;
  lastBindAfter?: number;
  perUnit: Map<string, number>;
  /** Part (c): the SchedulingUnits' status.phase counts and most frequent condition message at the end. */
  unitStatus?: string;
}

async function measureRun(
  c: BenchCluster,
  contender: Contender,
  tag: string,
  objects: (namespace: string) => { units: object[]; pods: object[] },
  stall?: number,
): Promise<RunRecord> {
  const skipped = startFailures.get(contender.name);
  if (skipped) log(`${tag}: ${contender.name} skipped (failed to start in an earlier run)`);
  if (skipped) return { outcome: { kind: 'skipped', reason: skipped }, total: 0, bound: 0, perUnit: new Map() };
  const namespace = `bench-${tag}`;
  return using(
    `namespace ${namespace}`,
    async () => {
      if (bench.interrupted) return; // the cluster goes down next
      const t = performance.now();
      const gone = await deleteNamespace(c.admin, namespace, { extraResources: [unitsPath(namespace)] });
      log(`${tag}: namespace ${gone ? 'deleted' : 'NOT deleted (timeout)'} in ${seconds(t)} s`);
    },
    async () => {
      await createNamespace(c.admin, namespace);
      const { units, pods } = objects(namespace);
      let t = performance.now();
      if (units.length) {
        // The queue is cluster-scoped and outlives a run's namespace: created once, AlreadyExists is fine.
        const q = await c.admin.request('POST', '/apis/scheduling.loom.dev/v1alpha1/queues', benchQueue());
        if (q.status !== 201 && q.status !== 409) throw new Error(`queue ${BENCH_QUEUE}: ${q.status}`);
        await createWithKubectl(c.kubectl, c.state.kubeconfig, units, {
          parallel: createParallel,
          timeoutMs: runTimeoutMs,
        });
        log(`${tag}: ${units.length} SchedulingUnits created in ${seconds(t)} s`);
        t = performance.now();
      }
      await createWithKubectl(c.kubectl, c.state.kubeconfig, pods, {
        parallel: createParallel,
        timeoutMs: runTimeoutMs,
      });
      log(`${tag}: ${pods.length} pods created in ${seconds(t)} s (${rate(pods.length, seconds(t))}/s)`);
      const tracker = new BindTracker(c.env.kc, c.admin, namespace, log);
      await tracker.start();
      if (tracker.count > 0) log(`${tag}: WARNING ${tracker.count} pods were bound before the contender started`);
      return using(
        `bind tracker ${namespace}`,
        () => Promise.resolve(tracker.stop()),
        async () => {
          const running = await contender.start(c.env, namespace, tag);
          const outcome = await using(`${contender.name} (${tag})`, running.stop, () =>
            tracker.waitFor(pods.length, {
              timeoutMs: runTimeoutMs,
              ...(stall !== undefined ? { stallMs: stall } : {}),
              failed: () => (bench.interrupted ? 'interrupted' : running.failed()),
              label: `${tag} ${contender.name}`,
            }),
          );
          if (outcome.kind === 'failed' && running.failedToStart()) startFailures.set(contender.name, outcome.reason);
          const after = (at: number | undefined): number | undefined =>
            at === undefined ? undefined : (at - running.startedAt) / 1000;
          const record: RunRecord = {
            outcome,
            total: pods.length,
            bound: tracker.count,
            readyAfter: after(running.readyAt()),
            firstBindAfter: after(tracker.firstBindAt),
            lastBindAfter: after(tracker.lastBindAt),
            perUnit: tracker.boundPerUnit(),
          };
          // Without a controller writing it (kube-scheduler's runs), a unit has no status worth a note.
          const unitStatus = units.length ? await unitStatusSummary(c.admin, namespace) : undefined;
          if (unitStatus && !/^no status \d+$/.test(unitStatus)) {
            record.unitStatus = unitStatus;
            log(`${tag} ${contender.name}: SchedulingUnits at the end: ${unitStatus}`);
          }
          log(
            `${tag} ${contender.name}: ${outcome.kind}, ${record.bound}/${record.total} bound, ` +
              (record.readyAfter !== undefined && contender.name !== 'ceiling'
                ? `ready ${f1(record.readyAfter)} s, `
                : '') +
              `first bind ${f1(record.firstBindAfter ?? NaN)} s, last ${f1(record.lastBindAfter ?? NaN)} s after start` +
              (tracker.resumes ? ` (watch resumed ${tracker.resumes}×)` : '') +
              (outcome.kind === 'failed' ? `: ${outcome.reason}` : ''),
          );
          return record;
        },
      );
    },
  );
}

const unitsPath = (namespace: string): string =>
  `/apis/scheduling.loom.dev/v1alpha1/namespaces/${namespace}/schedulingunits`;

/** "Pending 40, Scheduled 60; most frequent condition message (40×): …", or why it could not be read. */
async function unitStatusSummary(admin: KeepAliveClient, namespace: string): Promise<string> {
  type Unit = { status?: { phase?: string; conditions?: { message?: string }[] } };
  const r = await admin.request<{ items?: Unit[] }>('GET', unitsPath(namespace));
  if (r.status !== 200) return `(listing SchedulingUnits answered ${r.status})`;
  const phases = new Map<string, number>();
  const messages = new Map<string, number>();
  for (const u of r.body.items ?? []) {
    const phase = u.status?.phase ?? 'no status';
    phases.set(phase, (phases.get(phase) ?? 0) + 1);
    for (const m of u.status?.conditions ?? [])
      if (m.message) messages.set(m.message, (messages.get(m.message) ?? 0) + 1);
  }
  const top = [...messages].sort((a, b) => b[1] - a[1])[0];
  return (
    [...phases].map(([p, n]) => `${p} ${n}`).join(', ') +
    (top ? `; most frequent condition message (${top[1]}×): ${top[0].slice(0, 200)}` : '')
  );
}

// ---- (a) ------------------------------------------------------------------------------------------------------------

/** Part (a), the scheduling core alone (no apiserver), at 1k, 5k and 10k nodes whatever the cluster sizes. */
async function coreAlone(o: { pods: number }): Promise<void> {
  await runCoreAlone([1000, 5000, 10_000], o.pods, 3, print);
}

// ---- (b) ------------------------------------------------------------------------------------------------------------

async function throughput(c: BenchCluster): Promise<string[]> {
  const rows: { name: ContenderName; records: RunRecord[] }[] = contenderNames.map((name) => ({ name, records: [] }));
  const perRun: string[] = [];
  // Round-robin with the order rotated every run: whoever runs first meets a quieter apiserver (no namespace of 10,000
  // pods being deleted), so a fixed order would favour one contender in every run.
  for (let run = 1; run <= runs; run++) {
    const order = rows.map((_, i) => rows[(i + run - 1) % rows.length]!);
    for (const row of order) {
      const contender = CONTENDERS[row.name];
      log(`(b) ${c.nodes} nodes: ${row.name}, run ${run}/${runs}`);
      const r = await measureRun(c, contender, `b-${row.name}-${run}`, (ns) => ({
        units: [],
        pods: plainPods(podCount, ns, contender.schedulerName.b),
      }));
      row.records.push(r);
      const rate = r.outcome.kind === 'all-bound' ? `${f0(r.total / r.lastBindAfter!)} pods/s` : describeFailure(r);
      perRun.push(`run ${run}: ${row.name} ${rate} (first bind after ${f1(r.firstBindAfter ?? NaN)} s)`);
    }
  }
  const summary = rows.map(({ name, records }) => {
    const failed = records.find((r) => r.outcome.kind !== 'all-bound');
    const ok = records.filter((r) => r.outcome.kind === 'all-bound');
    return {
      name,
      failed,
      spawnRate: median(ok.map((r) => r.total / r.lastBindAfter!)),
      bindRate: median(ok.map((r) => r.total / (r.lastBindAfter! - r.firstBindAfter!))),
      seconds: median(ok.map((r) => r.lastBindAfter!)),
      firstBind: median(ok.map((r) => r.firstBindAfter!)),
    };
  });
  const base = (n: ContenderName): number => summary.find((s) => s.name === n && !s.failed)?.spawnRate ?? NaN;
  const out = [
    `(b) ${c.nodes} nodes, ${podCount} pods (10m / 16Mi) created before the scheduler starts; client qps ${qps} / ` +
      `burst ${burst}; ceiling concurrency ${concurrency}; median of ${runs} run(s), contender order rotated per run`,
    '',
    ...perRun.map((line) => `- ${line}`),
    '',
    '| contender | pods/s (spawn → all bound) | pods/s (first → last bind) | seconds (spawn → all bound) | first bind after (s) | vs kube-scheduler | vs ceiling |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of summary) {
    if (s.failed) {
      out.push(`| ${s.name} | ${describeFailure(s.failed)} | | | | | |`);
      continue;
    }
    out.push(
      `| ${s.name} | ${f0(s.spawnRate)} | ${f0(s.bindRate)} | ${f1(s.seconds)} | ${f1(s.firstBind)} | ` +
        `${ratio(s.spawnRate, base('kube-scheduler'))} | ${ratio(s.spawnRate, base('ceiling'))} |`,
    );
  }
  return out;
}

// ---- (c) ------------------------------------------------------------------------------------------------------------

/** Fill pod and gang member sizes for a node shape. */
function gangSizing(nodes: number, shape: NodeShape) {
  const nodeMilli = Number(parseMilliCpu(shape.cpu));
  const nodeMi = Number(parseBytes(shape.memory) / 1048576n);
  const fillMilli = Math.round(nodeMilli * fillFraction);
  const fillMi = Math.round(nodeMi * fillFraction);
  const freeMilli = nodeMilli - fillMilli;
  const freeMi = nodeMi - fillMi;
  // Members per node so that about gangFit of all members fit, at least one, within the pod limit.
  const wanted = Math.min(shape.pods - 1, Math.max(1, Math.round((gangFit * gangs * gangSize) / nodes)));
  const podMilli = Math.floor(freeMilli / wanted);
  const podMi = Math.min(1024, Math.floor(freeMi / wanted));
  const perNode = Math.min(shape.pods - 1, Math.floor(freeMilli / podMilli), Math.floor(freeMi / podMi));
  return { fillMilli, fillMi, podMilli, podMi, perNode, fitPods: perNode * nodes };
}

async function gangPlacement(c: BenchCluster): Promise<string[]> {
  const sizing = gangSizing(c.nodes, c.shape);
  const fitGangs = Math.min(gangs, Math.floor(sizing.fitPods / gangSize));
  // The fill: one pod per node, bound round-robin by the ceiling binder (pod i → node i), kept for every contender.
  const fillNs = 'bench-fill';
  await createNamespace(c.admin, fillNs);
  const t = performance.now();
  const fill = Array.from({ length: c.nodes }, (_, i) =>
    benchPod(`fill-${String(i).padStart(5, '0')}`, fillNs, CEILING_SCHEDULER_NAME, {
      cpu: `${sizing.fillMilli}m`,
      memory: `${sizing.fillMi}Mi`,
    }),
  );
  await createWithKubectl(c.kubectl, c.state.kubeconfig, fill, {
    parallel: createParallel,
    timeoutMs: runTimeoutMs,
  });
  const binder = new KeepAliveClient(c.env.kc, { qps, burst, maxSockets: concurrency });
  const filled = await bindRoundRobin(binder, {
    namespace: fillNs,
    schedulerName: CEILING_SCHEDULER_NAME,
    nodeSelector: `${LOCAL_NODE_LABEL}=true`,
    concurrency,
  }).finally(() => binder.close());
  if (filled.bound !== c.nodes)
    throw new Error(`fill: ${filled.bound}/${c.nodes} bound (${JSON.stringify([...filled.failures])})`);
  log(`(c) fill: ${c.nodes} pods of ${sizing.fillMilli}m / ${sizing.fillMi}Mi created and bound in ${seconds(t)} s`);

  const rows: { name: ContenderName; records: RunRecord[] }[] = [];
  for (const name of contenderNames.filter((n) => n !== 'ceiling')) {
    const contender = CONTENDERS[name];
    const records: RunRecord[] = [];
    for (let run = 1; run <= runs; run++) {
      log(`(c) ${c.nodes} nodes: ${name}, run ${run}/${runs}`);
      records.push(
        await measureRun(
          c,
          contender,
          `c-${name}-${run}`,
          (ns) =>
            gangWorkload({
              gangs,
              size: gangSize,
              namespace: ns,
              schedulerName: contender.schedulerName.c,
              requests: { cpu: `${sizing.podMilli}m`, memory: `${sizing.podMi}Mi` },
              order: gangOrder,
              seed,
              timeoutSeconds: Math.ceil((runTimeoutMs + 600_000) / 1000),
            }),
          stallMs,
        ),
      );
    }
    rows.push({ name, records });
  }

  const out = [
    `(c) ${c.nodes} nodes, each filled to ${pct(fillFraction)} of cpu and memory by one pod (${sizing.fillMilli}m / ` +
      `${sizing.fillMi}Mi) bound by the ceiling binder; ${gangs} gangs × ${gangSize} pods (${sizing.podMilli}m / ` +
      `${sizing.podMi}Mi), room for ${sizing.fitPods} members = ${fitGangs} whole gangs (${pct(fitGangs / gangs)}); ` +
      `members named and created in ${gangOrder} order${gangOrder === 'shuffled' ? ` (seed ${seed})` : ''}; a run ` +
      `ends when all are bound or after ${stallMs / 1000} s without a new binding; median of ${runs} run(s)`,
    '',
    '| contender | end | pods bound | complete gangs | partial gangs | pods in partial gangs | empty gangs | seconds (spawn → last bind) | seconds (first → last bind) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { name, records } of rows) {
    const failed = records.find((r) => r.outcome.kind === 'failed' || r.outcome.kind === 'skipped');
    if (failed) {
      out.push(`| ${name} | ${describeFailure(failed)} | | | | | | | |`);
      continue;
    }
    const stats = records.map((r) => {
      const counts = [...r.perUnit.values()];
      const partial = counts.filter((n) => n > 0 && n < gangSize);
      return {
        bound: r.bound,
        complete: counts.filter((n) => n >= gangSize).length,
        partial: partial.length,
        inPartial: partial.reduce((a, b) => a + b, 0),
        empty: gangs - counts.filter((n) => n > 0).length,
        last: r.lastBindAfter ?? NaN,
        span: (r.lastBindAfter ?? NaN) - (r.firstBindAfter ?? NaN),
      };
    });
    const m = (f: (s: (typeof stats)[number]) => number): number => median(stats.map(f));
    const ends = [...new Set(records.map((r) => r.outcome.kind))].join(', ');
    out.push(
      `| ${name} | ${ends} | ${f0(m((s) => s.bound))} | ${f0(m((s) => s.complete))} | ${f0(m((s) => s.partial))} | ` +
        `${f0(m((s) => s.inPartial))} | ${f0(m((s) => s.empty))} | ${f1(m((s) => s.last))} | ${f1(m((s) => s.span))} |`,
    );
  }
  const notes = rows.flatMap(({ name, records }) =>
    records.flatMap((r, i) =>
      r.unitStatus ? [`- ${name}, run ${i + 1}, SchedulingUnits at the end: ${r.unitStatus}`] : [],
    ),
  );
  if (notes.length) out.push('', ...notes);
  return out;
}

// ---- output helpers -----------------------------------------------------------------------------------------------

const seconds = (since: number): number => (performance.now() - since) / 1000;
const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');
const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const rate = (n: number, s: number): string => f0(n / s);
const pct = (x: number): string => `${Math.round(x * 100)} %`;
const ratio = (a: number, b: number): string => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : 'n/a');
function describeFailure(r: RunRecord): string {
  const o = r.outcome;
  const why =
    o.kind === 'skipped'
      ? 'skipped (failed to start in an earlier run, see above)'
      : o.kind === 'failed'
        ? `failed: ${o.reason}`
        : o.kind === 'timeout'
          ? `timed out after ${o.seconds} s`
          : o.kind;
  const progress = o.kind === 'skipped' ? '' : ` (${r.bound}/${r.total} bound)`;
  return `${why}${progress}`.replaceAll('|', '\\|');
}

// ---- main ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  const logDir = mkdtempSync(join(tmpdir(), 'loom-bench-scheduler-logs-'));
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  log(`${cpus().length} cores, load average ${load}; logs and configs in ${logDir}`);
  const kubectl = binaryPaths().kubectl;
  for (const nodes of sizes) {
    const stateDir = mkdtempSync(join(tmpdir(), `loom-bench-sched-${nodes}-`));
    const shape = DEFAULT_NODE_SHAPE;
    await using(
      `cluster ${stateDir}`,
      () => down(stateDir, log),
      async () => {
        const t = performance.now();
        const state = await up({ stateDir, nodes, shape, withKubeScheduler: false, log });
        log(`cluster with ${nodes} Ready nodes in ${seconds(t)} s (state ${stateDir})`);
        const kc = new KubeConfig();
        kc.loadFromFile(state.kubeconfig);
        const admin = new KeepAliveClient(kc, { qps: Infinity, burst: 1, maxSockets: 32 });
        const sizeLogs = join(logDir, String(nodes));
        mkdirSync(sizeLogs, { recursive: true });
        const c: BenchCluster = {
          nodes,
          shape,
          state,
          kubectl,
          admin,
          env: { kc, kubeconfig: state.kubeconfig, stateDir, qps, burst, concurrency, loomArgs, logDir: sizeLogs, log },
        };
        await using(
          'admin client',
          () => Promise.resolve(admin.close()),
          async () => {
            if (parts.has('a') && nodes === sizes[0]) await coreAlone({ pods: podCount });
            for (const [part, fn] of [
              ['b', throughput],
              ['c', gangPlacement],
            ] as const) {
              if (!parts.has(part)) continue;
              const table = await fn(c);
              print('');
              for (const line of table) print(line);
            }
          },
        );
      },
    );
  }
  print(
    `\nbench/scheduler: ${cpus().length} cores, load average at start ${load}, ${Math.round((Date.now() - started) / 1000)} s; logs in ${logDir}`,
  );
}

await bench.run(main);
