import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { startGateway, submission, type GatewayFixture } from './fixture.ts';

/** Prometheus metrics of the gateway: request series by route template, and apps by state from Redis. */
let gw: GatewayFixture;
before(async () => {
  gw = await startGateway();
});
after(async () => {
  await gw.close();
});

describe('gateway /metrics', () => {
  it('counts requests by route template and reports applications by state', async () => {
    const created = await request(gw.server).post('/ws/v1/cluster/apps/new-application?user.name=alice').expect(200);
    const id = (created.body as Record<string, string>)['application-id']!;
    await request(gw.server)
      .post('/ws/v1/cluster/apps?user.name=alice')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(submission(id)))
      .expect(202);
    await request(gw.server).get(`/ws/v1/cluster/apps/${id}`).expect(200);
    await request(gw.server).get('/ws/v1/cluster/apps/application_1_0001').expect(404);

    for (const path of ['/metrics', '/prom']) {
      const res = await request(gw.server).get(path).expect(200);
      assert.match(String(res.headers['content-type']), /^text\/plain/);
      const text = res.text;
      assert.match(
        text,
        /loom_gateway_http_requests_total\{route="\/ws\/v1\/cluster\/apps\/:id",method="GET",code="200"\} 1/,
      );
      assert.match(
        text,
        /loom_gateway_http_requests_total\{route="\/ws\/v1\/cluster\/apps\/:id",method="GET",code="404"\} 1/,
      );
      assert.match(
        text,
        /loom_gateway_http_requests_total\{route="\/ws\/v1\/cluster\/apps",method="POST",code="202"\} 1/,
      );
      assert.doesNotMatch(text, new RegExp(id), 'no application id in any label');
      assert.match(text, /loom_gateway_applications\{state="(SUBMITTED|ACCEPTED)"\} 1/);
      assert.match(text, /loom_gateway_process_cpu_seconds_total/);
    }
  });
});
