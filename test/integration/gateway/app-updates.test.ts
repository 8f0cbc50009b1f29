import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { AppRecord, ContainerRecord } from '../../../api/yarn.ts';
import { startGateway, submission, type GatewayFixture } from './fixture.ts';

let gw: GatewayFixture;
before(async () => {
  gw = await startGateway();
});
after(async () => {
  await gw.close();
});

const WS = '/ws/v1/cluster';
type Json = Record<string, unknown>;
const base = (): string => {
  const a = gw.server.address();
  return typeof a === 'object' && a ? `http://127.0.0.1:${a.port}` : '';
};
/** Plain-text answers labelled application/json, as the RM sends them, read raw. */
const put = (path: string, body: string) =>
  fetch(`${base()}${WS}${path}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body });

async function submitted(user = 'alice', extra: Json = {}): Promise<string> {
  const res = await request(gw.server).post(`${WS}/apps/new-application?user.name=${user}`).expect(200);
  const id = (res.body as Json)['application-id'] as string;
  await request(gw.server)
    .post(`${WS}/apps?user.name=${user}`)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(submission(id, extra)))
    .expect(202);
  return id;
}

describe('queue move', () => {
  it('moves to a leaf by short name and answers the full path; GET reads it back', async () => {
    const id = await submitted();
    const res = await request(gw.server)
      .put(`${WS}/apps/${id}/queue?user.name=alice`)
      .set('Content-Type', 'application/json')
      .send('{"queue":"flink"}')
      .expect(200);
    assert.deepEqual(res.body, { queue: 'root.flink' });
    assert.deepEqual((await request(gw.server).get(`${WS}/apps/${id}/queue`).expect(200)).body, {
      queue: 'root.flink',
    });
    const xml = await request(gw.server).get(`${WS}/apps/${id}/queue`).set('Accept', 'application/xml').expect(200);
    assert.equal(
      xml.text,
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><appqueue><queue>root.flink</queue></appqueue>',
    );
    const jobs = await gw.updateQueue.getJobs(['waiting', 'delayed', 'completed', 'active']);
    assert.ok(jobs.some((j) => (j.data as Json).appId === id && (j.data as Json).what === 'queue'));
  });

  it('403 plain text for another user and for an unknown queue (as the RM), 400 text for a finished app', async () => {
    const id = await submitted();
    const other = await put(`/apps/${id}/queue?user.name=mallory`, '{"queue":"flink"}');
    assert.equal(other.status, 403);
    assert.equal(await other.text(), `Unauthorized attempt to move appid ${id} by remote user mallory`);
    const unknown = await put(`/apps/${id}/queue?user.name=alice`, '{"queue":"nosuchqueue"}');
    assert.equal(unknown.status, 403);
    await request(gw.server)
      .put(`${WS}/apps/${id}/state?user.name=alice`)
      .set('Content-Type', 'application/json')
      .send('{"state":"KILLED"}')
      .expect(200);
    const finished = await put(`/apps/${id}/queue?user.name=alice`, '{"queue":"flink"}');
    assert.equal(finished.status, 400);
    assert.equal(await finished.text(), 'App in KILLED state cannot be moved.');
  });
});

describe('priority', () => {
  it('sets, clamps to the cluster maximum, and answers unwrapped', async () => {
    const id = await submitted();
    // No priority in the submission: the RM reports Priority.UNDEFINED, -1.
    assert.deepEqual((await request(gw.server).get(`${WS}/apps/${id}/priority`).expect(200)).body, { priority: -1 });
    const res = await request(gw.server)
      .put(`${WS}/apps/${id}/priority?user.name=alice`)
      .set('Content-Type', 'application/json')
      .send('{"priority":99}')
      .expect(200);
    assert.deepEqual(res.body, { priority: 10 });
    const xml = await request(gw.server)
      .put(`${WS}/apps/${id}/priority?user.name=admin`)
      .set('Content-Type', 'application/xml')
      .set('Accept', 'application/xml')
      .send('<applicationpriority><priority>3</priority></applicationpriority>')
      .expect(200);
    assert.match(xml.text, /<applicationpriority><priority>3<\/priority><\/applicationpriority>$/);
    const denied = await put(`/apps/${id}/priority?user.name=mallory`, '{"priority":1}');
    assert.equal(denied.status, 403);
    assert.equal(await denied.text(), `Unauthorized attempt to change priority of appid ${id} by remote user mallory`);
    await request(gw.server)
      .put(`${WS}/apps/${id}/priority?user.name=alice`)
      .set('Content-Type', 'application/json')
      .send('{"priority":"high"}')
      .expect(400);
  });
});

describe('timeouts', () => {
  it('sets a LIFETIME expiry and reports the remaining time', async () => {
    const id = await submitted();
    const expiry = new Date(Date.now() + 3_600_000).toISOString().replace('Z', '+0000');
    const res = await request(gw.server)
      .put(`${WS}/apps/${id}/timeout?user.name=alice`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ timeout: { type: 'LIFETIME', expiryTime: expiry } }))
      .expect(200);
    const t = (res.body as { timeout: Json }).timeout;
    assert.equal(t.type, 'LIFETIME');
    assert.equal(t.expiryTime, expiry);
    assert.ok((t.remainingTimeInSeconds as number) > 3590 && (t.remainingTimeInSeconds as number) <= 3600);
    const one = await request(gw.server).get(`${WS}/apps/${id}/timeouts/lifetime`).expect(200);
    assert.equal((one.body as { timeout: Json }).timeout.expiryTime, expiry);
  });

  it('refuses a bad type, a missing expiry and a malformed date', async () => {
    const id = await submitted();
    const bogus = await request(gw.server).get(`${WS}/apps/${id}/timeouts/BOGUS`).expect(400);
    assert.equal(
      (bogus.body as { RemoteException: Json }).RemoteException.message,
      'java.lang.Exception: Invalid application-state BOGUS specified. It should be one of [LIFETIME]',
    );
    const missing = await put(`/apps/${id}/timeout?user.name=alice`, '{"timeout":{"type":"LIFETIME"}}');
    assert.equal(missing.status, 400);
    assert.equal(await missing.text(), 'Timeout type or ExpiryTime is null.');
    const malformed = await put(
      `/apps/${id}/timeout?user.name=alice`,
      '{"timeout":{"type":"LIFETIME","expiryTime":"tomorrow"}}',
    );
    assert.equal(malformed.status, 400);
  });
});

describe('attempts and containers written by the translator', () => {
  it('answers the single attempt and its containers in mapped notation', async () => {
    const id = await submitted();
    const now = Date.now();
    // The translator records attempts on the app and containers per attempt; do what it will do.
    const key = `${gw.prefix}app:${id}`;
    const app = JSON.parse((await gw.redis.get(key)) ?? '{}') as AppRecord;
    app.state = 'RUNNING';
    app.attempts = [
      {
        id: 1,
        state: 'RUNNING',
        startTime: now,
        finishedTime: 0,
        containerId: `container_${id.slice(12)}_01_000001`,
        nodeId: 'kwok-node-0000:8041',
        nodeHttpAddress: 'kwok-node-0000:8042',
      },
    ];
    await gw.redis.set(key, JSON.stringify(app));
    const c: ContainerRecord = {
      containerId: `container_${id.slice(12)}_01_000001`,
      allocatedMB: 1024,
      allocatedVCores: 1,
      nodeId: 'kwok-node-0000:8041',
      nodeHttpAddress: 'kwok-node-0000:8042',
      priority: 0,
      startedTime: now,
      finishedTime: 0,
      exitStatus: -1000,
      state: 'RUNNING',
      diagnostics: '',
    };
    await gw.redis.hset(`${gw.prefix}containers:${id}:1`, c.containerId, JSON.stringify(c));

    const attemptId = `appattempt_${id.slice(12)}_000001`;
    const attempts = (await request(gw.server).get(`${WS}/apps/${id}/appattempts`).expect(200)).body as {
      appAttempts: { appAttempt: Json[] };
    };
    assert.equal(attempts.appAttempts.appAttempt[0]?.appAttemptId, attemptId);
    assert.equal(
      attempts.appAttempts.appAttempt[0]?.logsLink,
      `http://kwok-node-0000:8042/node/containerlogs/${c.containerId}/alice`,
    );
    const single = (await request(gw.server).get(`${WS}/apps/${id}/appattempts/${attemptId}`).expect(200)).body as Json;
    assert.equal(single.appAttemptId, attemptId);
    assert.equal(single.rpcPort, '-1', 'mapped notation: numbers as strings');
    assert.equal(single.startedTime, String(now));
    const list = (await request(gw.server).get(`${WS}/apps/${id}/appattempts/${attemptId}/containers`).expect(200))
      .body as { container: Json[] };
    assert.equal(list.container[0]?.allocatedMB, '1024');
    assert.equal(list.container[0]?.containerExitStatus, '-1000');
    const one = (
      await request(gw.server).get(`${WS}/apps/${id}/appattempts/${attemptId}/containers/${c.containerId}`).expect(200)
    ).body as { container: Json };
    assert.deepEqual(one.container.allocatedResources, {
      entry: [
        { key: 'memory-mb', value: '1024' },
        { key: 'vcores', value: '1' },
      ],
    });
    await request(gw.server)
      .get(`${WS}/apps/${id}/appattempts/${attemptId}/containers/container_1_0001_01_000009`)
      .expect(404);
    await request(gw.server).get(`${WS}/apps/${id}/appattempts/appattempt_1_0001_000009`).expect(404);
    await request(gw.server).get(`${WS}/apps/${id}/appattempts/bogus`).expect(400);
  });

  it('renders an attempt without containers as an empty object with no root', async () => {
    const id = await submitted();
    const key = `${gw.prefix}app:${id}`;
    const app = JSON.parse((await gw.redis.get(key)) ?? '{}') as AppRecord;
    app.attempts = [{ id: 1, state: 'SCHEDULED', startTime: Date.now(), finishedTime: 0 }];
    await gw.redis.set(key, JSON.stringify(app));
    const res = await request(gw.server)
      .get(`${WS}/apps/${id}/appattempts/appattempt_${id.slice(12)}_000001/containers`)
      .expect(200);
    assert.equal(res.text, '{}');
    const xml = await request(gw.server)
      .get(`${WS}/apps/${id}/appattempts/appattempt_${id.slice(12)}_000001/containers`)
      .set('Accept', 'application/xml')
      .expect(200);
    assert.equal(xml.text, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><containers/>');
  });
});
