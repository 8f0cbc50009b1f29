/**
 * Conformance check of Loom's YARN REST gateway against a real Hadoop 3.4.1 ResourceManager: sends the same requests
 * (hack/conformance/requests.ts) to both, normalises what differs by nature (normalize.ts), diffs the answers field
 * by field in JSON and XML (diff.ts) and sorts the differences into unexplained / expected / environment
 * (classify.ts): environment = how the two servers are set up here, or transport details of any two HTTP servers.
 *
 *   npx tsx hack/conformance/run.ts [--out FILE]
 *
 * Needs the local development cluster (`loom cluster up`): KUBECONFIG and REDIS_URL from the environment, else from
 * `node bin/loom.mjs cluster env` (LOOM_STATE_DIR). Starts the reference RM (hack/local-cluster/reference-rm.ts) and
 * an in-process gateway under a unique Redis prefix, and stops both — and deletes the prefix's keys — however it ends.
 * Exit status: 0 when nothing is unexplained, 1 when something is, 2 when the check itself failed.
 */
import { deleteRedisKeys, localClusterEnv } from '../local-cluster/env.ts';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultGatewayOptions, runGateway } from '../../gateway/main.ts';
import { startReferenceRm } from '../local-cluster/reference-rm.ts';
import { classify, type ClassifiedDiff, type DiffClass } from './classify.ts';
import { diffAnswers, type Answer } from './diff.ts';
import { normalizeBody, normalizeHeader, type NormContext } from './normalize.ts';
import { ENTRIES, WS, type Ctx, type Settle, type Step } from './requests.ts';
import { dig, parseBody, scalar, type Body } from './tree.ts';

const TMP = process.env.TMPDIR || tmpdir();
/** Response headers compared besides Content-Type (Date is not compared; Expires by presence only). */
const HEADERS = [
  'cache-control',
  'pragma',
  'expires',
  'x-content-type-options',
  'x-frame-options',
  'x-xss-protection',
  'vary',
  'location',
  'set-cookie',
  'allow',
  'www-authenticate',
];

interface RawResponse {
  status: number;
  headers: Record<string, string[]>;
  text: string;
}

/** One HTTP exchange with exactly the headers given (no implicit Accept or Accept-Encoding). */
function send(base: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = httpRequest(
      new URL(path, base),
      { method, headers: { ...headers, ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headersDistinct as Record<string, string[]>,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

interface Target {
  name: 'reference' | 'loom';
  url: string;
  ctx: Ctx;
  /** States an app passes through on its own on this server (waited out by `settle`). */
  transient: readonly string[];
}

const normContext = (t: Target): NormContext => ({
  clusterTimestamp: t.ctx.clusterTimestamp,
  apps: new Map([...t.ctx.ids].map(([name, id]) => [id, name])),
});

interface Exchange {
  request: { method: string; path: string; accept?: string; contentType?: string; body?: string };
  raw: RawResponse;
  body: Body;
  answer: Answer;
}

async function execute(step: Step, t: Target): Promise<Exchange> {
  const path = step.path(t.ctx);
  const body = step.body?.(t.ctx);
  const headers: Record<string, string> = {};
  if (step.accept) headers.Accept = step.accept;
  if (step.contentType) headers['Content-Type'] = step.contentType;
  const raw = await send(t.url, step.method, path, headers, body);
  const contentType = raw.headers['content-type']?.join(', ');
  const parsed = await parseBody(raw.text, contentType);
  if (step.capture) {
    const appId =
      scalar(dig(parsed.kind === 'json' || parsed.kind === 'xml' ? parsed.tree : undefined, 'application-id')) ??
      scalar(dig(parsed.kind === 'xml' ? parsed.tree : undefined, 'NewApplication', 'application-id'));
    if (!appId) throw new Error(`${t.name}: "${step.name}" answered ${raw.status} without an application-id`);
    t.ctx.ids.set(step.capture, appId);
  }
  const norm = normContext(t);
  const answerHeaders: Record<string, string> = {};
  for (const h of HEADERS) {
    const v = raw.headers[h];
    if (v?.length || h === 'expires') answerHeaders[h] = normalizeHeader(h, v ?? [], norm);
  }
  answerHeaders.framing = raw.headers['transfer-encoding']?.includes('chunked')
    ? 'chunked'
    : raw.headers['content-length']
      ? 'content-length'
      : 'none';
  return {
    request: {
      method: step.method,
      path,
      ...(step.accept ? { accept: step.accept } : {}),
      ...(step.contentType ? { contentType: step.contentType } : {}),
      ...(body !== undefined ? { body } : {}),
    },
    raw,
    body: parsed,
    answer: { status: raw.status, contentType, headers: answerHeaders, body: normalizeBody(parsed, norm) },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function appState(t: Target, appId: string): Promise<string | undefined> {
  const res = await send(t.url, 'GET', `${WS}/apps/${appId}/state`, {});
  const body = await parseBody(res.text, undefined);
  return body.kind === 'json' ? scalar(dig(body.tree, 'state')) : undefined;
}

/** Waits (≤ 20 s) until the named apps reach a settled state on `t`; logs and goes on when they do not. */
async function settle(s: Settle, t: Target, log: (m: string) => void): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (const name of s.settle) {
    const appId = t.ctx.ids.get(name);
    if (!appId) continue;
    let state: string | undefined;
    for (;;) {
      state = await appState(t, appId);
      const done = s.until ? state !== undefined && s.until.includes(state) : !t.transient.includes(state ?? 'NEW');
      if (done) break;
      if (Date.now() > deadline) {
        log(`  (${t.name}: ${name} still ${state ?? '?'} after 20 s; going on)`);
        break;
      }
      await sleep(250);
    }
  }
}

interface Record_ {
  step: string;
  request: { reference: Exchange['request']; loom: Exchange['request'] };
  reference: { status: number; contentType?: string | undefined; headers: Record<string, string[]>; body: string };
  loom: { status: number; contentType?: string | undefined; headers: Record<string, string[]>; body: string };
  diffs: ClassifiedDiff[];
}

const clip = (s: string, n = 200_000): string => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

function parseArgs(argv: string[]): { out: string } {
  let out = join(TMP, `loom-conformance-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' && argv[i + 1]) out = argv[++i]!;
    else if (a?.startsWith('--out=')) out = a.slice('--out='.length);
    else throw new Error(`usage: npx tsx hack/conformance/run.ts [--out FILE] (unknown argument ${a})`);
  }
  return { out };
}

const CLASS_MARK: Record<DiffClass, string> = { unexplained: '✗', expected: '~', environment: '·' };

function printExchange(r: Record_, print: (s: string) => void): void {
  const req = r.request.loom;
  const head = `${req.method} ${req.path}${req.accept ? `  Accept: ${req.accept}` : ''}${req.contentType ? `  Content-Type: ${req.contentType}` : ''}`;
  print(`\n=== ${r.step}\n    ${head}`);
  print(`    reference ${r.reference.status} ${r.reference.contentType ?? '(no Content-Type)'}`);
  print(`    loom      ${r.loom.status} ${r.loom.contentType ?? '(no Content-Type)'}`);
  if (r.diffs.length === 0) print('    identical after normalisation');
  for (const d of r.diffs) {
    const tag = d.class === 'unexplained' ? '' : ` [${d.class}]`;
    print(`    ${CLASS_MARK[d.class]} ${d.kind.padEnd(12)} ${d.path}${tag}`);
    print(`        reference: ${d.reference}`);
    print(`        loom:      ${d.loom}`);
  }
}

/** Differences that are the same once the app they are about is ignored, with the requests they occur in. */
interface Group {
  kind: string;
  path: string;
  reference: string;
  loom: string;
  reason?: string;
  steps: string[];
}

/** For grouping: which app, which queue and JSON vs XML quoting do not matter. */
const generic = (s: string): string =>
  s
    .replace(/<app:[^>]+>/g, '<app>')
    .replace(/apps\.app(\[[^\]]*\])?(?=\.|$)/g, 'apps.app[*]')
    .replace(/queue\[queueName=[^\]]*\]/g, 'queue[*]');
const unquote = (s: string): string => s.replace(/^"(.*)"$/s, '$1');

function groupDiffs(records: Record_[]): Record<DiffClass, Group[]> {
  const out: Record<DiffClass, Map<string, Group>> = {
    unexplained: new Map(),
    expected: new Map(),
    environment: new Map(),
  };
  const order: string[] = ['status', 'content-type', 'body-kind', 'prolog', 'header'];
  for (const r of records) {
    for (const d of r.diffs) {
      const g = {
        kind: d.kind,
        path: generic(d.path),
        reference: generic(d.reference),
        loom: generic(d.loom),
        ...(d.reason ? { reason: d.reason } : {}),
      };
      const key = JSON.stringify([g.kind, g.path, unquote(g.reference), unquote(g.loom)]);
      const found = out[d.class].get(key);
      if (found) {
        if (!found.steps.includes(r.step)) found.steps.push(r.step);
      } else out[d.class].set(key, { ...g, steps: [r.step] });
    }
  }
  const rank = (k: string): number => (order.includes(k) ? order.indexOf(k) : order.length);
  const sorted = (m: Map<string, Group>): Group[] =>
    [...m.values()].sort((a, b) => rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind));
  return { unexplained: sorted(out.unexplained), expected: sorted(out.expected), environment: sorted(out.environment) };
}

function printGroups(c: DiffClass, groups: Group[], print: (s: string) => void): void {
  print(`\n=== ${c.toUpperCase()} differences, grouped (${groups.length} distinct)`);
  let kind = '';
  for (const g of groups) {
    if (g.kind !== kind) {
      kind = g.kind;
      print(`  --- ${kind}`);
    }
    const steps = g.steps.length > 6 ? [...g.steps.slice(0, 6), `… ${g.steps.length - 6} more`] : g.steps;
    print(`    ${g.path}`);
    print(`        reference: ${g.reference}`);
    print(`        loom:      ${g.loom}`);
    if (g.reason) print(`        why:       ${g.reason}`);
    print(`        in (${g.steps.length}): ${steps.join(' | ')}`);
  }
}

async function main(): Promise<number> {
  const { out } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (m: string): void => void process.stderr.write(`[conformance] ${m}\n`);
  const cleanups: { name: string; run: () => Promise<unknown> }[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      for (const c of cleanups.reverse()) {
        try {
          log(`stopping: ${c.name}`);
          await c.run();
        } catch (err) {
          log(`stopping ${c.name} failed: ${(err as Error).message}`);
        }
      }
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    const env = localClusterEnv();
    const rmLog = join(TMP, 'loom-conformance-reference-rm.log');
    const rm = await startReferenceRm({ logFile: rmLog, log: (l) => log(l) });
    cleanups.push({ name: `reference RM (pid ${rm.pid})`, run: () => rm.stop() });

    const prefix = `conf-${randomBytes(4).toString('hex')}:`;
    cleanups.push({
      name: `Redis keys ${prefix}*`,
      run: async () => log(`deleted ${await deleteRedisKeys(env.redisUrl, prefix)} Redis keys ${prefix}*`),
    });
    const gw = await runGateway(
      defaultGatewayOptions({
        port: 0,
        redisUrl: env.redisUrl,
        kubeconfig: env.kubeconfig,
        prefix,
        logLevel: 'silent',
        version: 'conformance',
        ui: false,
      }),
    );
    cleanups.push({ name: `gateway ${gw.url}`, run: () => gw.close() });
    log(`gateway at ${gw.url} (Redis prefix ${prefix})`);

    const info = await send(gw.url, 'GET', `${WS}/info`, {});
    const loomTs = Number(/"id":(\d+)/.exec(info.text)?.[1]);
    if (!loomTs) throw new Error(`the gateway's /info has no id: ${info.text}`);
    const targets: Target[] = [
      {
        name: 'reference',
        url: rm.url,
        ctx: { clusterTimestamp: rm.clusterTimestamp, ids: new Map() },
        transient: ['NEW', 'NEW_SAVING', 'SUBMITTED'],
      },
      {
        name: 'loom',
        url: gw.url,
        ctx: { clusterTimestamp: loomTs, ids: new Map() },
        transient: ['NEW', 'NEW_SAVING'],
      },
    ];
    const [ref, loom] = targets as [Target, Target];

    const records: Record_[] = [];
    const names = new Set<string>();
    for (const entry of ENTRIES) {
      if ('settle' in entry) {
        for (const t of targets) await settle(entry, t, log);
        continue;
      }
      if (names.has(entry.name)) throw new Error(`duplicate step name: ${entry.name}`);
      names.add(entry.name);
      const a = await execute(entry, ref);
      const b = await execute(entry, loom);
      const diffs = classify(
        entry,
        a.answer,
        b.answer,
        diffAnswers(a.answer, b.answer, { positional: !!entry.positional }),
      );
      records.push({
        step: entry.name,
        request: { reference: a.request, loom: b.request },
        reference: {
          status: a.raw.status,
          contentType: a.answer.contentType,
          headers: a.raw.headers,
          body: clip(a.raw.text),
        },
        loom: {
          status: b.raw.status,
          contentType: b.answer.contentType,
          headers: b.raw.headers,
          body: clip(b.raw.text),
        },
        diffs,
      });
    }

    const print = (s: string): void => void process.stdout.write(`${s}\n`);
    for (const r of records) printExchange(r, print);
    const groups = groupDiffs(records);
    for (const c of ['unexplained', 'environment', 'expected'] as const) printGroups(c, groups[c], print);

    const all = records.flatMap((r) => r.diffs.map((d) => ({ step: r.step, ...d })));
    const count = (c: DiffClass): number => all.filter((d) => d.class === c).length;
    const byKind = (c: DiffClass): Record<string, number> => {
      const m: Record<string, number> = {};
      for (const d of all.filter((x) => x.class === c)) m[d.kind] = (m[d.kind] ?? 0) + 1;
      return m;
    };
    const summary = {
      exchanges: records.length,
      identical: records.filter((r) => r.diffs.length === 0).length,
      unexplained: count('unexplained'),
      expected: count('expected'),
      environment: count('environment'),
      unexplainedByKind: byKind('unexplained'),
      expectedByKind: byKind('expected'),
      environmentByKind: byKind('environment'),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    print('\n=== Summary');
    print(
      `    ${summary.exchanges} exchanges (each request sent to both), ${summary.identical} identical after normalisation`,
    );
    print(`    unexplained differences: ${summary.unexplained}  ${JSON.stringify(summary.unexplainedByKind)}`);
    print(
      `    expected (docs/gateway.md deliberate differences): ${summary.expected}  ${JSON.stringify(summary.expectedByKind)}`,
    );
    print(
      `    environment (setup of this check, transport): ${summary.environment}  ${JSON.stringify(summary.environmentByKind)}`,
    );
    const reasons = new Map<string, number>();
    for (const d of all) if (d.reason) reasons.set(d.reason, (reasons.get(d.reason) ?? 0) + 1);
    for (const [reason, n] of reasons) print(`      ${String(n).padStart(4)} × ${reason}`);
    print(`    ${summary.seconds} s; JSON report: ${out}`);

    writeFileSync(
      out,
      `${JSON.stringify(
        {
          generatedAt: new Date().toISOString(),
          reference: { url: ref.url, clusterTimestamp: ref.ctx.clusterTimestamp, ids: Object.fromEntries(ref.ctx.ids) },
          loom: { url: loom.url, clusterTimestamp: loom.ctx.clusterTimestamp, ids: Object.fromEntries(loom.ctx.ids) },
          summary,
          grouped: groups,
          exchanges: records,
        },
        null,
        2,
      )}\n`,
    );
    return summary.unexplained > 0 ? 1 : 0;
  } catch (err) {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 2;
  } finally {
    await cleanup();
  }
}

// Informers and sockets may keep the loop alive after close(): exit explicitly once everything is stopped.
process.exit(await main());
