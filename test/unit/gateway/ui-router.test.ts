import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { API_VERSION, SCHEDULING_UNIT } from '../../../api/names.ts';
import type { SchedulingUnit } from '../../../api/scheduling-unit.ts';
import { nodeUtilization } from '../../../api/utilization.ts';
import type { UiNode, UtilizationSnapshot } from '../../../gateway/ui/model.ts';
import { uiRouter } from '../../../gateway/ui/router.ts';
import { UtilizationSampler } from '../../../gateway/ui/sampler.ts';
import type { UiClusterSource } from '../../../gateway/ui/source.ts';

const nodes: UiNode[] = [
  {
    name: 'n1',
    ...nodeUtilization({ allocatable: 8000, onlineUsage: 2000, onlineRequests: 4000, batch: 1000, reclaimable: 5000 }),
    pods: { online: 2, batch: 1 },
  },
];
const waiting: SchedulingUnit = {
  apiVersion: API_VERSION,
  kind: SCHEDULING_UNIT.kind,
  metadata: { name: 'u1', namespace: 'ns' },
  spec: { queue: 'default', priority: 0, minMember: 1, timeoutSeconds: 300, mode: 'hard' },
  status: {
    phase: 'Pending',
    conditions: [{ type: 'Scheduled', status: 'False', reason: 'Unschedulable', message: 'm' }],
  },
};

function app(o: { unavailable?: string } = {}): express.Express {
  const source: UiClusterSource = {
    nodes: () => nodes,
    pendingUnits: () => [waiting],
    pendingUnitsUnavailable: () => o.unavailable,
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
  let t = 1000;
  const now = (): number => t;
  const sampler = new UtilizationSampler({ read: () => nodes[0] as UiNode, now, intervalMs: 5000, capacity: 10 });
  sampler.sample();
  t = 6000;
  sampler.sample();
  const a = express();
  a.use('/ui', uiRouter({ source, sampler, now }));
  return a;
}

describe('UI router', () => {
  it('/ui/api/utilization: the split of every node and the totals', async () => {
    const res = await request(app()).get('/ui/api/utilization').expect(200).expect('Content-Type', /json/);
    const body = res.body as UtilizationSnapshot;
    assert.equal(body.time, 6000);
    assert.deepEqual(body.cluster, {
      allocatable: 8000,
      online: 2000,
      batch: 1000,
      reclaimableUnused: 4000,
      idle: 1000,
      measured: true,
    });
    assert.equal(body.nodes.length, 1);
    assert.equal(body.percent.reclaimableUnused, 50);
  });

  it('/ui/api/series: the sampler’s points, optionally only the newer ones', async () => {
    const all = await request(app()).get('/ui/api/series').expect(200);
    assert.equal((all.body as { intervalMs: number }).intervalMs, 5000);
    assert.equal((all.body as { capacity: number }).capacity, 10);
    assert.deepEqual(
      (all.body as { points: { t: number }[] }).points.map((p) => p.t),
      [1000, 6000],
    );
    const newer = await request(app()).get('/ui/api/series?since=1000').expect(200);
    assert.deepEqual(
      (newer.body as { points: { t: number }[] }).points.map((p) => p.t),
      [6000],
    );
  });

  it('/ui/api/pending-units: waiting units with their reason, and why none can be read', async () => {
    const res = await request(app()).get('/ui/api/pending-units').expect(200);
    const units = (res.body as { units: { name: string; reason: string; message: string }[] }).units;
    assert.deepEqual(
      units.map((u) => [u.name, u.reason, u.message]),
      [['u1', 'Unschedulable', 'm']],
    );
    assert.equal((res.body as { unavailable?: string }).unavailable, undefined);
    const denied = await request(app({ unavailable: 'forbidden' }))
      .get('/ui/api/pending-units')
      .expect(200);
    assert.equal((denied.body as { unavailable?: string }).unavailable, 'forbidden');
  });

  it('serves the page shell for every page path, under a strict content security policy', async () => {
    for (const path of ['/ui', '/ui/', '/ui/apps', '/ui/app/application_1_0001']) {
      const res = await request(app()).get(path).expect(200).expect('Content-Type', /html/);
      assert.match(res.text, /<script type="module" src="\/ui\/assets\/js\/main.mjs"><\/script>/, path);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    }
  });

  it('serves the modules as JavaScript and answers 404 for the rest', async () => {
    await request(app())
      .get('/ui/assets/js/main.mjs')
      .expect(200)
      .expect('Content-Type', /javascript/);
    await request(app()).get('/ui/assets/ui.css').expect(200).expect('Content-Type', /css/);
    await request(app()).get('/ui/assets/nope.js').expect(404);
    await request(app())
      .get('/ui/elsewhere')
      .expect(404)
      .expect('Content-Type', /text\/plain/);
    const api = await request(app()).get('/ui/api/nope').expect(404).expect('Content-Type', /json/);
    assert.match((api.body as { error: string }).error, /no UI endpoint GET \/ui\/api\/nope/);
  });
});
