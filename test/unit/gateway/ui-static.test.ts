import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UI_STATIC_DIR } from '../../../gateway/ui/router.ts';
import { barSegments, stackedAreas, ticks } from '../../../gateway/ui/static/js/chart-geometry.mjs';
import {
  asList,
  cores,
  dateTime,
  elapsed,
  isAppId,
  percent,
  progress,
  safeHref,
  share,
} from '../../../gateway/ui/static/js/format.mjs';
import { queueRows } from '../../../gateway/ui/static/js/queues.mjs';

/** The browser modules are plain ES modules: node runs the same files the browser loads. */
describe('UI formatting', () => {
  it('cores, percentages and progress', () => {
    assert.equal(cores(12_345), '12.3');
    assert.equal(cores(0), '0.0');
    assert.equal(percent(20.6), '21%');
    assert.equal(percent(Number.NaN), '0%');
    assert.equal(share(1, 4), 25);
    assert.equal(share(1, 0), 0);
    assert.equal(progress(45), '45.0%');
  });

  it('elapsed time reads like the RM UI', () => {
    assert.equal(elapsed(4_999), '4sec');
    assert.equal(elapsed(65_000), '1mins, 05sec');
    assert.equal(elapsed(2 * 3_600_000 + 3 * 60_000 + 5_000), '2hrs, 03mins, 05sec');
    assert.equal(elapsed(-1), 'N/A');
  });

  it('times: 0 is the RM’s “never”', () => {
    assert.equal(dateTime(0), 'N/A');
    assert.match(dateTime(Date.UTC(2026, 0, 2, 3, 4, 5)), /^2026-01-0[12] \d\d:04:05$/);
  });

  it('only http(s) URLs become links; only app ids reach API paths', () => {
    assert.equal(safeHref('http://node-1:8042/logs'), 'http://node-1:8042/logs');
    assert.equal(safeHref(' https://x/y '), 'https://x/y');
    assert.equal(safeHref('javascript:alert(1)'), undefined);
    assert.equal(safeHref('JaVaScRiPt:alert(1)'), undefined);
    assert.equal(safeHref('data:text/html,<script>'), undefined);
    assert.equal(safeHref('//evil.example/x'), undefined);
    assert.equal(safeHref(undefined), undefined);
    assert.equal(isAppId('application_1795790249824_0001'), true);
    assert.equal(isAppId('application_1_0001/../../metrics'), false);
  });

  it('lists as the RM renders them: absent, one, many', () => {
    assert.deepEqual(asList(undefined), []);
    assert.deepEqual(asList({ a: 1 }), [{ a: 1 }]);
    assert.deepEqual(asList([1, 2]), [1, 2]);
  });
});

describe('UI chart geometry', () => {
  const keys = ['online', 'batch', 'reclaimableUnused', 'idle'];

  it('stacks the parts bottom-up, the top of the stack at the top of the box', () => {
    const points = [
      { t: 0, online: 1, batch: 1, reclaimableUnused: 1, idle: 1 },
      { t: 10, online: 2, batch: 0, reclaimableUnused: 1, idle: 1 },
    ];
    const a = stackedAreas(points, keys, 100, 40);
    assert.equal(a.max, 4);
    assert.deepEqual([a.t0, a.t1], [0, 10]);
    assert.deepEqual(
      a.paths.map((p) => p.key),
      keys,
    );
    // online: from y=40 (0) up to 30 (1) at t=0 and 20 (2) at t=10.
    assert.equal(a.paths[0]?.d, 'M0,30L100,20L100,40L0,40Z');
    // idle is the top layer: its upper edge is the whole stack (4 → y=0).
    assert.equal(a.paths[3]?.d, 'M0,0L100,0L100,10L0,10Z');
  });

  it('draws one sample as a band over the whole width, and nothing without samples', () => {
    const one = stackedAreas([{ t: 5, online: 1, batch: 0, reclaimableUnused: 0, idle: 1 }], keys, 50, 10);
    assert.equal(one.paths[0]?.d, 'M0,5L50,5L50,10L0,10Z');
    const none = stackedAreas([], keys, 50, 10);
    assert.ok(none.paths.every((p) => p.d === ''));
  });

  it('bar segments cover the bar in order; negatives count as zero', () => {
    const segs = barSegments({ online: 1, batch: 1, reclaimableUnused: 2, idle: -3 }, keys);
    assert.deepEqual(
      segs.map((s) => [s.key, s.x, s.width, s.value]),
      [
        ['online', 0, 25, 1],
        ['batch', 25, 25, 1],
        ['reclaimableUnused', 50, 50, 2],
        ['idle', 100, 0, 0],
      ],
    );
    assert.ok(barSegments({}, keys).every((s) => s.width === 0));
  });

  it('round ticks', () => {
    assert.deepEqual(ticks(128), [0, 50, 100]);
    assert.deepEqual(ticks(8), [0, 2, 4, 6, 8]);
    assert.deepEqual(ticks(0), [0]);
  });
});

describe('UI queues table', () => {
  it('takes capacities and pending apps from /scheduler and usage from the running apps', () => {
    const scheduler = {
      capacity: 100,
      maxCapacity: 100,
      queueName: 'root',
      queuePath: 'root',
      queues: {
        queue: [
          {
            queuePath: 'root.spark',
            queueName: 'spark',
            absoluteCapacity: 40,
            absoluteMaxCapacity: 100,
            numApplications: 3,
            numPendingApplications: 1,
            state: 'RUNNING',
          },
          {
            queuePath: 'root.etl',
            queueName: 'etl',
            absoluteCapacity: 60,
            absoluteMaxCapacity: 80,
            numApplications: 0,
            state: 'RUNNING',
            queues: {
              queue: {
                queuePath: 'root.etl.nightly',
                queueName: 'nightly',
                absoluteCapacity: 30,
                absoluteMaxCapacity: 80,
                numApplications: 2,
                numPendingApplications: 2,
                state: 'STOPPED',
              },
            },
          },
        ],
      },
    };
    const running = [
      { queue: 'root.spark', allocatedVCores: 3 },
      { queue: 'root.spark', allocatedVCores: 2 },
      { queue: 'root.etl.nightly', allocatedVCores: 5 },
      { queue: 'root.etl.nightly', allocatedVCores: -1 },
    ];
    const rows = queueRows(scheduler, running, 20);
    assert.deepEqual(
      rows.map((r) => [r.path, r.depth, r.leaf, r.guaranteed, r.max, r.apps, r.pendingApps, r.usedVCores, r.used]),
      [
        ['root', 0, false, 100, 100, 5, 3, 10, 50],
        ['root.spark', 1, true, 40, 100, 3, 1, 5, 25],
        ['root.etl', 1, false, 60, 80, 2, 2, 5, 25],
        ['root.etl.nightly', 2, true, 30, 80, 2, 2, 5, 25],
      ],
    );
    assert.equal(rows[3]?.state, 'STOPPED');
    assert.deepEqual(queueRows(undefined, [], 0), []);
  });
});

describe('UI static files', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
    );
  const sources = files(UI_STATIC_DIR).filter((f) => /\.(mjs|html|css)$/.test(f));

  it('never parse data as markup', () => {
    for (const f of sources.filter((x) => x.endsWith('.mjs'))) {
      const code = readFileSync(f, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      assert.doesNotMatch(
        code,
        /innerHTML|outerHTML|insertAdjacentHTML|createContextualFragment|document\.write|eval\(/,
        f,
      );
    }
  });

  it('load nothing from another host (no CDN) and run no inline script', () => {
    for (const f of sources) {
      const text = readFileSync(f, 'utf8');
      assert.doesNotMatch(text, /(src|href)=["']?(https?:)?\/\//i, f);
      assert.doesNotMatch(text, /@import\s+url\(\s*["']?https?:/i, f);
      if (f.endsWith('.html')) assert.doesNotMatch(text, /<script(?![^>]*\bsrc=)[^>]*>/i, f);
    }
  });
});
