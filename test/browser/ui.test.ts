import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  API_VERSION,
  GROUP,
  SCHEDULER_NAME,
  SCHEDULING_UNIT,
  UNIT_LABEL,
  UNIT_ROLE_LABEL,
  VERSION,
} from '../../api/names.ts';
import { sparkSubmission } from '../../cli/submission-builders.ts';
import type { PendingUnitView, UtilizationSnapshot } from '../../gateway/ui/model.ts';
import { eventually, kube, kubectl } from '../integration/harness.ts';
import { startYarnPipeline, type YarnPipeline } from '../integration/yarn-pipeline.ts';

/**
 * The web UI in a real browser (Debian's chromium driven by playwright-core) against a gateway with the whole
 * pipeline behind it. "Numbers match the API" is checked two ways: the figures the page shows equal the JSON the
 * page itself fetched (captured from the network, so volatile figures compare exactly), and the stable ones (node
 * count and names, allocatable, app counts and fields, queue capacities) equal what this test asks the API itself.
 */
const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
const namespace = `ui-${randomBytes(3).toString('hex')}`;
const stops: (() => Promise<void>)[] = [];
let pipeline: YarnPipeline;
let base = '';
let browser: Browser;

/** Debian installs chromium here (`hack/ensure-chromium.sh`); CHROMIUM_PATH overrides. */
function chromiumPath(): string {
  const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (p): p is string => !!p && existsSync(p),
  );
  if (!found) throw new Error('no chromium: run `bash hack/ensure-chromium.sh` (or set CHROMIUM_PATH)');
  return found;
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: { Accept: 'application/json' } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as T;
}

/** Opens `path` and waits for the page's first completed refresh. */
async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${base}${path}`);
  await page.waitForSelector('body[data-refreshes]', { timeout: 10_000 });
  assert.deepEqual(errors, [], 'no script errors and no CSP violations');
  return page;
}

const shot = (page: Page, name: string): Promise<Buffer> =>
  page.screenshot({ path: `${ARTIFACTS}ui-${name}.png`, fullPage: true });

/** Attributes of every element matching `selector`. */
const attrs = (page: Page, selector: string, names: string[]): Promise<Record<string, string | null>[]> =>
  page.evaluate(
    ([sel, ns]) =>
      [...(globalThis as unknown as PageGlobals).document.querySelectorAll(sel)].map((e) =>
        Object.fromEntries(ns.map((n): [string, string | null] => [n, e.getAttribute(n)])),
      ),
    [selector, names] as [string, string[]],
  );

type Metrics = { clusterMetrics: Record<string, number> };

/** The DOM members the page-side callbacks use (the tsconfig has no DOM lib; those callbacks run in chromium). */
interface El {
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): Iterable<El>;
  textContent: string | null;
}
type PageGlobals = { document: El; __xss?: number };

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  stops.push(() => browser.close());
  pipeline = await startYarnPipeline(namespace, { ui: { sampleIntervalMs: 1_000 } });
  stops.push(() => pipeline.close());
  base = pipeline.rmUrl;
});

after(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
});

describe('web UI', () => {
  it('overview: node count, totals and per-node bars are the API’s', async () => {
    const page = await open('/ui/');
    // What the page fetched, captured as it arrives, to compare volatile figures exactly.
    const seen: { metrics?: Metrics; util?: UtilizationSnapshot } = {};
    page.on('response', (res) => {
      const url = res.url();
      if (url.endsWith('/ws/v1/cluster/metrics')) void res.json().then((b: Metrics) => (seen.metrics = b));
      if (url.endsWith('/ui/api/utilization')) void res.json().then((b: UtilizationSnapshot) => (seen.util = b));
    });

    // Independent of the page: node count and names agree between Kubernetes, /metrics and /ui/api/utilization.
    const k8sNodes = (await kube().core.listNode()).items.map((n) => n.metadata?.name ?? '').sort();
    const metrics = (await api<Metrics>('/ws/v1/cluster/metrics')).clusterMetrics;
    const util = await api<UtilizationSnapshot>('/ui/api/utilization');
    assert.equal(metrics.totalNodes, k8sNodes.length);
    assert.deepEqual(
      util.nodes.map((n) => n.name),
      k8sNodes,
    );
    const c = util.cluster;
    assert.equal(c.online + c.batch + c.reclaimableUnused + c.idle, c.allocatable, 'the four parts add up');

    // The page, against the same (stable) figures.
    assert.equal(await page.getAttribute('[data-metric="totalNodes"]', 'data-value'), String(metrics.totalNodes));
    assert.equal(await page.textContent('[data-metric="totalNodes"] .stat-value'), String(metrics.totalNodes));
    assert.equal(await page.getAttribute('[data-total="allocatable"]', 'data-value'), String(c.allocatable));
    assert.equal(await page.textContent('[data-total="allocatable"] .stat-value'), (c.allocatable / 1000).toFixed(1));
    const rows = await attrs(page, '[data-node]', ['data-node', 'data-allocatable']);
    assert.deepEqual(
      rows.map((r) => r['data-node']),
      k8sNodes,
      'one bar per node',
    );
    for (const r of rows) {
      const n = util.nodes.find((x) => x.name === r['data-node']);
      assert.equal(r['data-allocatable'], String(n?.allocatable));
    }
    assert.equal(await page.locator('[data-node] svg.bar rect').count(), k8sNodes.length * 4);

    // Volatile figures (usage moves every half second): the page shows exactly what it last fetched.
    await eventually(
      'the page to show the figures of its last fetch',
      async () => {
        const m = seen.metrics?.clusterMetrics;
        const u = seen.util;
        if (!m || !u) return false;
        // No named functions inside: tsx wraps them in a helper that does not exist in the page.
        const shown = await page.evaluate(() => {
          const document = (globalThis as unknown as PageGlobals).document;
          const metric = Object.fromEntries(
            [...document.querySelectorAll('[data-metric][data-value]')].map((e): [string, number] => [
              e.getAttribute('data-metric') ?? '',
              Number(e.getAttribute('data-value')),
            ]),
          );
          const totals = Object.fromEntries(
            [...document.querySelectorAll('[data-total][data-value]')].map((e): [string, number] => [
              e.getAttribute('data-total') ?? '',
              Number(e.getAttribute('data-value')),
            ]),
          );
          const bars = [...document.querySelectorAll('[data-node]')].map((row) => ({
            name: row.getAttribute('data-node'),
            parts: Object.fromEntries(
              [...row.querySelectorAll('rect[data-part]')].map((r): [string, number] => [
                r.getAttribute('data-part') ?? '',
                Number(r.getAttribute('data-value')),
              ]),
            ),
          }));
          return { metric, totals, bars };
        });
        for (const [k, v] of Object.entries(shown.metric)) if (m[k] !== v) return false;
        const parts = ['online', 'batch', 'reclaimableUnused', 'idle'] as const;
        if (shown.totals.allocatable !== u.cluster.allocatable) return false;
        if (parts.some((p) => shown.totals[p] !== u.cluster[p])) return false;
        return (
          shown.bars.length === u.nodes.length &&
          shown.bars.every((b) => {
            const n = u.nodes.find((x) => x.name === b.name);
            return n !== undefined && parts.every((p) => b.parts[p] === n[p]);
          })
        );
      },
      10_000,
    );

    // Queues: guaranteed and max are the scheduler's absolute capacities.
    const sched = await api<{ scheduler: { schedulerInfo: { queues: { queue: Record<string, unknown>[] } } } }>(
      '/ws/v1/cluster/scheduler',
    );
    for (const q of sched.scheduler.schedulerInfo.queues.queue) {
      const row = `[data-queue="${String(q.queuePath)}"]`;
      assert.equal(await page.getAttribute(`${row} [data-col="guaranteed"]`, 'data-value'), String(q.absoluteCapacity));
      assert.equal(await page.getAttribute(`${row} [data-col="max"]`, 'data-value'), String(q.absoluteMaxCapacity));
    }
    assert.ok(Number(await page.getAttribute('[data-testid="utilization-chart"]', 'data-points')) >= 1);
    await shot(page, 'overview');
    await page.close();
  });

  it('a submitted app appears, runs, finishes; its detail page shows attempts, containers, diagnostics', async () => {
    const user = 'alice';
    const name = `<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> ui & "test"`;
    const created = await fetch(`${base}/ws/v1/cluster/apps/new-application?user.name=${user}`, { method: 'POST' });
    const id = ((await created.json()) as { 'application-id': string })['application-id'];
    const body = sparkSubmission(id, {
      name,
      queue: 'spark',
      amMemoryMiB: 1024,
      amVcores: 1,
      mainClass: 'org.apache.spark.examples.SparkPi',
      jar: 'local:///opt/spark/examples.jar',
      args: ['10'],
      executors: 2,
      executorMemory: '1g',
      executorCores: 1,
      duration: '5s',
    });
    const submitted = await fetch(`${base}/ws/v1/cluster/apps?user.name=${user}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(submitted.status, 202);

    const page = await open('/ui/apps');
    const row = `[data-app="${id}"]`;
    await page.waitForSelector(row, { timeout: 10_000 });
    // The name is text, exactly as submitted: no element came out of it and nothing ran.
    assert.equal(await page.textContent(`${row} [data-col="name"]`), name);
    assert.equal(await page.locator(`${row} [data-col="name"] *`).count(), 0);
    await page.waitForSelector(`${row}[data-state="RUNNING"], ${row}[data-state="FINISHED"]`, { timeout: 30_000 });
    await shot(page, 'apps-running');
    // While it runs, its pods hold reclaimed cores: the overview's batch-on-reclaimed is no longer zero.
    await eventually(
      'batch-on-reclaimed above zero while the app runs',
      async () => (await api<UtilizationSnapshot>('/ui/api/utilization')).cluster.batch > 0,
      10_000,
    );
    const overview = await open('/ui/');
    await shot(overview, 'overview-running');
    await overview.close();
    await page.waitForSelector(`${row}[data-state="FINISHED"]`, { timeout: 45_000 });
    await page.waitForFunction(
      (sel) =>
        (globalThis as unknown as PageGlobals).document.querySelector(`${sel} [data-col="finalStatus"]`)
          ?.textContent === 'SUCCEEDED',
      row,
      { timeout: 5_000 },
    );
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).__xss), undefined);

    // Each cell is the API's field.
    const app = (await api<{ app: Record<string, string | number> }>(`/ws/v1/cluster/apps/${id}`)).app;
    for (const col of ['user', 'name', 'applicationType', 'queue', 'state', 'finalStatus'])
      assert.equal(await page.textContent(`${row} [data-col="${col}"]`), String(app[col]), col);
    assert.equal(await page.getAttribute(`${row} [data-col="progress"]`, 'data-value'), String(app.progress));
    const metrics = (await api<Metrics>('/ws/v1/cluster/metrics')).clusterMetrics;
    assert.equal(await page.textContent('[data-testid="apps-count"]'), `${metrics.appsSubmitted} application(s)`);
    await shot(page, 'apps');

    // The state filter is the API's.
    await page.goto(`${base}/ui/apps?state=RUNNING`);
    await page.waitForSelector('body[data-refreshes]');
    assert.equal(await page.locator(row).count(), 0);
    await page.goto(`${base}/ui/apps?state=FINISHED`);
    await page.waitForSelector(row);

    // Detail page.
    await page.click(`${row} [data-col="id"] a`);
    await page.waitForURL(`${base}/ui/app/${id}`);
    await page.waitForSelector('[data-testid="attempts"] [data-attempt]');
    assert.equal(await page.textContent('[data-testid="app-name"]'), name);
    const attempts = (
      await api<{ appAttempts: { appAttempt: { appAttemptId: string; appAttemptState: string }[] } }>(
        `/ws/v1/cluster/apps/${id}/appattempts`,
      )
    ).appAttempts.appAttempt;
    assert.deepEqual(
      (await attrs(page, '[data-attempt]', ['data-attempt'])).map((a) => a['data-attempt']),
      attempts.map((a) => a.appAttemptId),
    );
    const current = attempts.at(-1)?.appAttemptId ?? '';
    const attempt = await api<{ diagnosticsInfo?: string; appAttempt?: { diagnosticsInfo?: string } }>(
      `/ws/v1/cluster/apps/${id}/appattempts/${current}`,
    );
    const attemptDiag = (attempt.appAttempt ?? attempt).diagnosticsInfo || '—';
    assert.equal(await page.textContent('[data-testid="attempt-diagnostics"]'), attemptDiag);
    assert.equal(await page.textContent('[data-testid="app-diagnostics"]'), String(app.diagnostics || '—'));
    const containers = await api<{ container?: { containerId: string }[] }>(
      `/ws/v1/cluster/apps/${id}/appattempts/${current}/containers`,
    );
    assert.deepEqual(
      (await attrs(page, '[data-container]', ['data-container'])).map((c) => c['data-container']),
      (containers.container ?? []).map((c) => c.containerId),
    );
    assert.equal(await page.textContent('[data-field="state"]'), 'FINISHED');
    await shot(page, 'app-detail');
    await page.close();
  });

  it('pending units are listed with the scheduler’s reason', async () => {
    const unit = 'ui-too-big';
    await kube().custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: SCHEDULING_UNIT.plural,
      body: {
        apiVersion: API_VERSION,
        kind: SCHEDULING_UNIT.kind,
        metadata: { name: unit, namespace },
        spec: { queue: 'default', minMember: 1, roles: [{ name: 'worker', count: 1, requests: { cpu: '1000' } }] },
      },
    });
    await kubectl(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${unit}-0`, namespace, labels: { [UNIT_LABEL]: unit, [UNIT_ROLE_LABEL]: 'worker' } },
        spec: {
          schedulerName: SCHEDULER_NAME,
          containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '1000' } } }],
        },
      }),
    );
    const listed = await eventually('the unit to be listed with the scheduler’s reason', async () => {
      const p = await api<{ units: PendingUnitView[] }>('/ui/api/pending-units');
      return p.units.find((u) => u.namespace === namespace && u.name === unit && u.reason === 'Unschedulable');
    });
    assert.ok(listed.message.length > 0, 'the Scheduled condition’s message');
    const page = await open('/ui/');
    const row = `[data-unit="${namespace}/${unit}"]`;
    await page.waitForSelector(row);
    assert.equal(await page.textContent(`${row} [data-col="reason"]`), 'Unschedulable');
    assert.equal(await page.textContent(`${row} [data-col="message"]`), listed.message);
    await page.locator('[data-testid="pending-units"]').scrollIntoViewIfNeeded();
    await shot(page, 'pending-units');
    await page.close();
  });
});
