// Loom's YARN gateway against a real Hadoop 3.4.1 ResourceManager, side by side in one run, same client, same
// concurrency: submissions per second (new-application + submit) counted when admitted (ACCEPTED: both admit into
// the leaf queue before any container exists, ADR 0003) and the latency of the three read paths
// (GET /apps, GET /apps?states=…&limit=100, GET /apps/{id}) with N apps stored.
//
//   npx tsx bench/gateway.ts [--sizes 1000,4000] [--concurrency 32] [--read-concurrency 8] [--reads 200]
//                            [--accepted 500] [--accepted-timeout 300] [--gateway-workers 2]
//
// Needs the local development cluster (`loom cluster up`): KUBECONFIG and REDIS_URL from the environment, else from
// `node bin/loom.mjs cluster env`. Phases run one after the other, never at once: the reference RM
// (hack/local-cluster/reference-rm.ts, its own JVM, -Xmx2g unless LOOM_RM_HEAP says otherwise) alone, then a gateway alone (`loom gateway --workers N` in its
// own processes, as the RM has its own JVM; unique Redis prefix, no translator), then a second gateway with an
// in-process translator creating every app's unit and pods alongside (its own prefix and namespace), to show what the
// translator's share of the cores costs the admitted rate.
// Everything it starts is stopped, its Redis keys and namespace deleted, however it ends.
// Sizes grow cumulatively: with --sizes 1000,4000 the first 1000 apps are measured, then 3000 more are submitted.
// Both configure root.default with maximum-applications 20000 (hack/yarn-rm, deploy/queues/local.yaml; YARN's
// derivation would give 4000), so 10,000 apps fit on both.
import { deleteRedisKeys, localClusterEnv } from '../hack/local-cluster/env.ts';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startReferenceRm } from '../hack/local-cluster/reference-rm.ts';
import { runTranslator } from '../translator/main.ts';
import { benchLifecycle } from './bench-lifecycle.ts';

const WS = '/ws/v1/cluster';
const USER = 'bench';
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,4000' },
    concurrency: { type: 'string', default: '32' },
    'read-concurrency': { type: 'string', default: '8' },
    reads: { type: 'string', default: '200' },
    accepted: { type: 'string', default: '500' },
    'accepted-timeout': { type: 'string', default: '300' },
    'gateway-workers': { type: 'string', default: '2' },
  },
});
const sizes = (values.sizes ?? '').split(',').map(Number).filter(Boolean);
const concurrency = Number(values.concurrency);
const readConcurrency = Number(values['read-concurrency']);
const reads = Number(values.reads);
const acceptedCount = Number(values.accepted);
const acceptedTimeoutMs = Number(values['accepted-timeout']) * 1000;
const gatewayWorkers = Number(values['gateway-workers']);
/** GET /apps of every app: fewer requests as the body grows (the RM's is ~3.5 KB per app). */
const listReads = (size: number): number => Math.max(30, Math.min(reads, Math.round(100_000 / size)));
/** One request may take this long before the run fails. */
const REQUEST_TIMEOUT_MS = 600_000;
/** No measurement runs longer than this; it reports how many requests it managed. */
const MEASURE_BOUND_MS = 180_000;

const { log, print, using, run } = benchLifecycle('bench/gateway');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- the client: node:http keep-alive, no Accept-Encoding (neither server compresses then), JSON -------------

interface Res {
  status: number;
  bytes: number;
  ms: number;
  text?: string;
}

function makeClient(base: string, sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const send = (method: string, path: string, body?: string, keepText = false): Promise<Res> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const headers: Record<string, string | number> = { Accept: 'application/json' };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = Buffer.byteLength(body);
      }
      const req = httpRequest(new URL(path, base), { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (keepText) chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            ms: performance.now() - t0,
            ...(keepText ? { text: Buffer.concat(chunks).toString('utf8') } : {}),
          }),
        );
        res.on('error', reject);
      });
      // The RM's GET /apps of 10,000 apps takes well over a minute with 8 in flight: wait, and count it.
      req.setTimeout(REQUEST_TIMEOUT_MS, () =>
        req.destroy(new Error(`${method} ${path}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)),
      );
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}
type Client = ReturnType<typeof makeClient>;

/** Runs task(0..n-1) with at most `width` in flight; starts nothing new after `boundMs`. Returns how many ran. */
async function pool(n: number, width: number, task: (i: number) => Promise<void>, boundMs: number): Promise<number> {
  let next = 0;
  let done = 0;
  const stopAt = performance.now() + boundMs;
  const worker = async (): Promise<void> => {
    while (next < n && performance.now() < stopAt) {
      const i = next++;
      await task(i);
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
  return done;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;

/** The same small generic app for both servers. */
const submission = (appId: string, i: number): string =>
  JSON.stringify({
    'application-id': appId,
    'application-name': `bench-${i}`,
    queue: 'default',
    'am-container-spec': { commands: { command: 'sleep 30' } },
    'unmanaged-AM': false,
    'max-app-attempts': 2,
    resource: { memory: 1024, vCores: 1 },
    'application-type': 'YARN',
  });

async function submitOne(c: Client, i: number): Promise<string> {
  const na = await c.send('POST', `${WS}/apps/new-application?user.name=${USER}`, '', true);
  const appId = /"application-id"\s*:\s*"([^"]+)"/.exec(na.text ?? '')?.[1];
  if (na.status !== 200 || !appId) throw new Error(`new-application answered ${na.status}: ${na.text?.slice(0, 300)}`);
  const sub = await c.send('POST', `${WS}/apps?user.name=${USER}`, submission(appId, i), true);
  if (sub.status !== 202) throw new Error(`submit ${appId} answered ${sub.status}: ${sub.text?.slice(0, 300)}`);
  return appId;
}

/** Sum of /appstatistics counts over `states` (the RM counts its app map; Loom reads its per-state indexes). */
async function countStates(c: Client, states: string): Promise<number> {
  const r = await c.send('GET', `${WS}/appstatistics?states=${states}`, undefined, true);
  if (r.status !== 200) throw new Error(`appstatistics answered ${r.status}: ${r.text?.slice(0, 300)}`);
  return [...(r.text ?? '').matchAll(/"count"\s*:\s*(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
}

interface SubmitResult {
  count: number;
  ackSeconds: number;
  visibleSeconds: number;
  /** Apps visible when the wait ended (less than target when it timed out). */
  visible: number;
}

/**
 * Submits `count` apps with `concurrency` clients while polling (every 100 ms, own connection) how many apps are in
 * `visibleStates`; the clock starts at the first request. ack = last 202; visible = the poll seeing all of them.
 */
async function submitPhase(
  base: string,
  count: number,
  visibleStates: string,
  ids: string[],
  timeoutMs: number,
): Promise<SubmitResult> {
  const c = makeClient(base, concurrency);
  const poller = makeClient(base, 1);
  try {
    const before = await countStates(poller, visibleStates);
    const target = before + count;
    const offset = ids.length;
    const t0 = performance.now();
    let ackSeconds = NaN;
    const acks = pool(
      count,
      concurrency,
      async (i) => {
        ids[offset + i] = await submitOne(c, offset + i);
      },
      timeoutMs,
    ).then((n) => {
      ackSeconds = (performance.now() - t0) / 1000;
      if (n < count) throw new Error(`only ${n} of ${count} submissions within ${timeoutMs / 1000} s`);
    });
    let visible = before;
    let failed: unknown;
    acks.catch((e: unknown) => (failed = e));
    let acked = false;
    void acks.then(() => (acked = true)).catch(() => undefined);
    let changedAt = performance.now();
    // Stops early when the count stalls for 30 s after the last 202 (e.g. the RM's queue refusing more apps).
    while (visible < target && performance.now() - t0 < timeoutMs && failed === undefined) {
      await sleep(100);
      const now = await countStates(poller, visibleStates);
      if (now !== visible) changedAt = performance.now();
      visible = now;
      if (acked && performance.now() - changedAt > 30_000) break;
    }
    const visibleSeconds = (performance.now() - t0) / 1000;
    await acks;
    return { count, ackSeconds, visibleSeconds: visible >= target ? visibleSeconds : NaN, visible: visible - before };
  } finally {
    c.close();
    poller.close();
  }
}

interface Latency {
  n: number;
  p50: number;
  p99: number;
  bytes: number;
}

/** `n` GETs (paths from `path(i)`) with `readConcurrency` clients after 3 unmeasured ones; status must be 200. */
async function measure(base: string, n: number, path: (i: number) => string): Promise<Latency> {
  const c = makeClient(base, readConcurrency);
  try {
    for (let i = 0; i < 3; i++) await c.send('GET', path(i));
    const ms: number[] = [];
    const bytes: number[] = [];
    await pool(
      n,
      readConcurrency,
      async (i) => {
        const r = await c.send('GET', path(i));
        if (r.status !== 200) throw new Error(`GET ${path(i)} answered ${r.status}`);
        ms.push(r.ms);
        bytes.push(r.bytes);
      },
      MEASURE_BOUND_MS,
    );
    ms.sort((a, b) => a - b);
    bytes.sort((a, b) => a - b);
    return { n: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99), bytes: percentile(bytes, 50) };
  } finally {
    c.close();
  }
}

interface SizeResult {
  size: number;
  submit: SubmitResult;
  list: Latency;
  filtered: Latency;
  single: Latency;
}

const FILTER = 'states=SUBMITTED,ACCEPTED,RUNNING&limit=100';

/** Grows the server to each size in turn and measures it there. */
async function runServer(name: string, base: string, visibleStates: string): Promise<SizeResult[]> {
  const ids: string[] = [];
  const out: SizeResult[] = [];
  for (const size of sizes) {
    const count = size - ids.length;
    log(`${name}: submitting ${count} apps (concurrency ${concurrency}) to reach ${size}`);
    const submit = await submitPhase(base, count, visibleStates, ids, 600_000);
    log(
      `${name}: ${count} acked in ${submit.ackSeconds.toFixed(1)} s, visible (${visibleStates}) after ${submit.visibleSeconds.toFixed(1)} s`,
    );
    // One unmeasured check that the listing holds every app.
    const check = makeClient(base, 1);
    const all = await check.send('GET', `${WS}/apps`, undefined, true);
    check.close();
    const listed = (JSON.parse(all.text ?? '{}') as { apps?: { app?: unknown[] } }).apps?.app?.length ?? 0;
    if (listed !== size) throw new Error(`${name}: GET /apps lists ${listed} apps, expected ${size}`);
    const stored = ids.slice(0, size);
    const pick = (i: number): string => stored[(i * 7919) % stored.length]!;
    const list = await measure(base, listReads(size), () => `${WS}/apps`);
    log(`${name} @${size}: GET /apps ×${list.n}: p50 ${list.p50.toFixed(1)} ms, p99 ${list.p99.toFixed(1)} ms`);
    const filtered = await measure(base, reads, () => `${WS}/apps?${FILTER}`);
    log(`${name} @${size}: GET /apps?${FILTER} ×${filtered.n}: p50 ${filtered.p50.toFixed(1)} ms`);
    const single = await measure(base, reads, (i) => `${WS}/apps/${pick(i)}`);
    log(`${name} @${size}: GET /apps/{id} ×${single.n}: p50 ${single.p50.toFixed(1)} ms`);
    out.push({ size, submit, list, filtered, single });
  }
  return out;
}

/**
 * `loom gateway --workers N` as its own process tree, started as users start it (`bin/loom.mjs`, its bundle), stopped
 * with SIGTERM. The client then never shares a thread with the server, as with the RM's JVM.
 */
async function startGatewayProcess(
  env: ReturnType<typeof localClusterEnv>,
  prefix: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, '..', 'bin', 'loom.mjs'),
      'gateway',
      ...['--port', '0', '--redis-url', env.redisUrl, '--kubeconfig', env.kubeconfig, '--prefix', prefix],
      // The RM has no operators' UI: compare the REST API alone.
      ...['--log-level', 'warn', '--no-ui', '--workers', String(gatewayWorkers)],
    ],
    { stdio: ['ignore', 'inherit', 'pipe'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('the gateway did not listen within 180 s')), 180_000);
    child.stderr.on('data', (c: Buffer) => {
      process.stderr.write(c);
      seen += c.toString('utf8');
      const m = /loom gateway listening on (http:\/\/\S+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`the gateway exited (${code}) before listening`)));
  });
  return {
    url,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(t);
    },
  };
}

// ---- output -----------------------------------------------------------------------------------------------------

const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(x >= 100 ? 0 : 1) : 'n/a');
const ratio = (loom: number, rm: number): string => (Number.isFinite(loom / rm) ? `${(loom / rm).toFixed(2)}×` : 'n/a');
const mib = (b: number): string =>
  b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MiB` : `${(b / 1024).toFixed(0)} KiB`;

function table(rm: SizeResult, loom: SizeResult, accepted?: { rm: SubmitResult; loom?: SubmitResult }): string[] {
  const rate = (s: SubmitResult, secs: number): number => s.count / secs;
  const rows: [string, number, number][] = [
    [`submissions acked/s (${rm.submit.count} apps)`, rate(rm.submit, rm.submit.ackSeconds), 0],
    ['admitted (ACCEPTED)/s', rate(rm.submit, rm.submit.visibleSeconds), rate(loom.submit, loom.submit.visibleSeconds)],
  ];
  rows[0]![2] = rate(loom.submit, loom.submit.ackSeconds);
  if (accepted?.loom)
    rows.push([
      `admitted (ACCEPTED)/s, Loom with a translator creating objects alongside (${accepted.loom.count} apps)`,
      rate(accepted.rm, accepted.rm.visibleSeconds),
      rate(accepted.loom, accepted.loom.visibleSeconds),
    ]);
  const lat = (label: string, a: Latency, b: Latency): [string, number, number][] => [
    [`${label} p50 ms (n=${a.n}/${b.n})`, a.p50, b.p50],
    [`${label} p99 ms`, a.p99, b.p99],
  ];
  rows.push(...lat('GET /apps', rm.list, loom.list));
  rows.push(...lat(`GET /apps?${FILTER}`, rm.filtered, loom.filtered));
  rows.push(...lat('GET /apps/{id}', rm.single, loom.single));
  const out = [
    `| ${rm.size} apps | RM 3.4.1 | Loom | Loom/RM |`,
    '| --- | --- | --- | --- |',
    ...rows.map(([l, a, b]) => `| ${l} | ${f1(a)} | ${f1(b)} | ${ratio(b, a)} |`),
    `| GET /apps body | ${mib(rm.list.bytes)} | ${mib(loom.list.bytes)} | ${ratio(loom.list.bytes, rm.list.bytes)} |`,
  ];
  return out;
}

// ---- main -------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  const env = localClusterEnv();
  log(
    `${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const rmLog = join(process.env.TMPDIR || tmpdir(), 'loom-bench-gateway-reference-rm.log');
  // 2 GB of heap rather than hack/yarn-rm's 512 MB: 8 concurrent 10,000-app GET /apps answers (~40 MB each, built in
  // memory by Jersey) do not fit in 512 MB.
  process.env.LOOM_RM_HEAP ??= '2g';
  log(`reference RM heap -Xmx${process.env.LOOM_RM_HEAP}`);
  const rm = await startReferenceRm({ logFile: rmLog, log });
  const rmResults = await using(
    `reference RM (pid ${rm.pid})`,
    () => rm.stop(),
    () => runServer('rm', rm.url, 'ACCEPTED,RUNNING'),
  );

  const prefix = `bench-gw-${randomBytes(4).toString('hex')}:`;
  const loomResults = await using(
    `Redis keys ${prefix}*`,
    async () => log(`deleted ${await deleteRedisKeys(env.redisUrl, prefix)} Redis keys ${prefix}*`),
    async () => {
      const gw = await startGatewayProcess(env, prefix);
      log(`gateway at ${gw.url} (${gatewayWorkers} workers, Redis prefix ${prefix}, no translator)`);
      return using(
        `gateway ${gw.url}`,
        () => gw.close(),
        () => runServer('loom', gw.url, 'ACCEPTED,RUNNING'),
      );
    },
  );

  // The same admission with a translator creating each app's SchedulingUnit + pods through the apiserver on the same
  // cores: a fresh prefix and namespace.
  let loomAccepted: SubmitResult | undefined;
  if (acceptedCount > 0) {
    const prefix2 = `bench-gw-${randomBytes(4).toString('hex')}:`;
    const namespace = `bench-gw-${randomBytes(4).toString('hex')}`;
    loomAccepted = await using(
      `namespace ${namespace}`,
      () =>
        promisify(execFile)(
          'kubectl',
          ['--kubeconfig', env.kubeconfig, 'delete', 'namespace', namespace, '--ignore-not-found', '--timeout=180s'],
          { timeout: 200_000 },
        ),
      () =>
        using(
          `Redis keys ${prefix2}*`,
          async () => log(`deleted ${await deleteRedisKeys(env.redisUrl, prefix2)} Redis keys ${prefix2}*`),
          async () => {
            const gw = await startGatewayProcess(env, prefix2);
            return using(
              `gateway ${gw.url}`,
              () => gw.close(),
              async () => {
                const tr = await runTranslator({
                  redisUrl: env.redisUrl,
                  kubeconfig: env.kubeconfig,
                  prefix: prefix2,
                  namespace,
                  concurrency: 8,
                  jobsPerSecond: 50,
                  images: 'default=eclipse-temurin:17-jre',
                  placeholderImage: 'registry.k8s.io/pause:3.10',
                  unitTimeoutSeconds: 300,
                  logLevel: 'warn',
                });
                return using(
                  'translator',
                  () => tr.close(),
                  async () => {
                    log(
                      `loom+translator: submitting ${acceptedCount} apps, waiting ≤ ${acceptedTimeoutMs / 1000} s for ACCEPTED`,
                    );
                    const r = await submitPhase(gw.url, acceptedCount, 'ACCEPTED,RUNNING', [], acceptedTimeoutMs);
                    log(
                      `loom+translator: ${r.visible}/${acceptedCount} ACCEPTED after ${r.visibleSeconds.toFixed(1)} s`,
                    );
                    return r;
                  },
                );
              },
            );
          },
        ),
    );
  }

  const seconds = Math.round((Date.now() - started) / 1000);
  print(
    `\nbench/gateway: ${cpus().length} cores, concurrency ${concurrency} (submit) / ${readConcurrency} (reads), Loom gateway workers ${gatewayWorkers}, ${seconds} s`,
  );
  for (let k = 0; k < rmResults.length; k++) {
    const a = rmResults[k]!;
    const b = loomResults[k]!;
    print('');
    const accepted = k === 0 && loomAccepted ? { rm: a.submit, loom: loomAccepted } : undefined;
    for (const line of table(a, b, accepted)) print(line);
  }
  if (loomAccepted && !Number.isFinite(loomAccepted.visibleSeconds))
    print(
      `\n(Loom+translator: only ${loomAccepted.visible}/${acceptedCount} ACCEPTED within ${acceptedTimeoutMs / 1000} s)`,
    );
}

await run(main);
