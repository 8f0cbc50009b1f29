import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { parseStringPromise } from 'xml2js';
import type { AppRecord } from '../../../api/yarn.ts';
import { clusterEnv } from '../harness.ts';
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

describe('cluster info', () => {
  for (const path of ['', '/', '/info', '/info/']) {
    it(`GET ${WS}${path} answers clusterInfo`, async () => {
      const res = await request(gw.server).get(`${WS}${path}`).expect(200);
      assert.equal(res.headers['content-type'], 'application/json;charset=utf-8');
      const info = (res.body as { clusterInfo: Json }).clusterInfo;
      assert.equal(info.haState, 'ACTIVE');
      // A 3.4.1 RM without a leader elector says this; Loom's store is its own (see docs/gateway.md).
      assert.equal(
        info.haZooKeeperConnectionState,
        'Could not find leader elector. Verify both HA and automatic failover are enabled.',
      );
      assert.equal(info.rmStateStoreName, 'dev.loom.gateway.RedisAppStore');
      assert.equal(info.resourceManagerVersion, '3.4.1');
      assert.equal(typeof info.id, 'number');
    });
  }

  it('answers XML with the RM prolog and header set', async () => {
    const res = await request(gw.server).get(`${WS}/info`).set('Accept', 'application/xml').expect(200);
    assert.equal(res.headers['content-type'], 'application/xml; charset=utf-8');
    assert.match(res.text, /^<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?><clusterInfo><id>\d+<\/id>/);
    assert.match(
      res.text,
      /<haZooKeeperConnectionState>Could not find leader elector\. Verify both HA and automatic failover are enabled\.<\/haZooKeeperConnectionState><\/clusterInfo>$/,
    );
    for (const h of ['cache-control', 'pragma', 'x-content-type-options', 'x-frame-options', 'x-xss-protection'])
      assert.ok(res.headers[h], h);
  });

  it('negotiates with q-values: browsers get XML, */* gets JSON, text/csv gets 406', async () => {
    const browser = await request(gw.server)
      .get(`${WS}/info`)
      .set('Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
    assert.equal(browser.headers['content-type'], 'application/xml; charset=utf-8');
    const any = await request(gw.server).get(`${WS}/info`).set('Accept', '*/*');
    assert.equal(any.headers['content-type'], 'application/json;charset=utf-8');
    const csv = await request(gw.server).get(`${WS}/info`).set('Accept', 'text/csv').expect(406);
    assert.equal((csv.body as { RemoteException: Json }).RemoteException.exception, 'NotAcceptableException');
  });

  it('compresses when asked', async () => {
    // superagent inflates the body itself; the header proves it travelled compressed.
    const res = await request(gw.server).get(`${WS}/scheduler`).set('Accept-Encoding', 'gzip').expect(200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.match(res.text, /^\{"scheduler":/);
  });
});

describe('scheduler', () => {
  it('shows the CapacityScheduler tree from the Queue objects', async () => {
    const res = await request(gw.server).get(`${WS}/scheduler`).expect(200);
    const info = (res.body as { scheduler: { schedulerInfo: Json } }).scheduler.schedulerInfo;
    assert.equal(info.type, 'capacityScheduler');
    assert.equal(info.queueName, 'root');
    const queues = (info.queues as { queue: Json[] }).queue;
    const byName: Record<string, Json> = Object.fromEntries(queues.map((q) => [String(q.queueName), q]));
    for (const [name, cap] of [
      ['default', 40],
      ['spark', 40],
      ['flink', 20],
    ] as const) {
      assert.equal(byName[name]?.type, 'capacitySchedulerLeafQueueInfo');
      assert.equal(byName[name]?.capacity, cap);
      assert.equal(byName[name]?.queuePath, `root.${name}`);
    }
    assert.match(res.text, /"capacity":40\.0/);
  });

  it('marks subtypes with xsi:type in XML', async () => {
    const res = await request(gw.server).get(`${WS}/scheduler`).set('Accept', 'application/xml').expect(200);
    assert.match(
      res.text,
      /<schedulerInfo xmlns:xsi="http:\/\/www.w3.org\/2001\/XMLSchema-instance" xsi:type="capacityScheduler">/,
    );
    assert.match(res.text, /<queue xsi:type="capacitySchedulerLeafQueueInfo"><queuePath>root\.default<\/queuePath>/);
    await parseStringPromise(res.text);
  });
});

describe('scheduler users', () => {
  const submitTo = async (user: string, queue: string): Promise<string> => {
    const id = (
      (await request(gw.server).post(`${WS}/apps/new-application?user.name=${user}`).expect(200)).body as Json
    )['application-id'] as string;
    await request(gw.server)
      .post(`${WS}/apps?user.name=${user}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(submission(id, { queue })))
      .expect(202);
    return id;
  };
  /** Moves an app on as the translator's status controller would once its gang runs. */
  const run = async (id: string, mb: number, vcores: number): Promise<void> => {
    const key = `${gw.prefix}app:${id}`;
    const app = JSON.parse((await gw.redis.get(key)) ?? '{}') as AppRecord;
    await gw.redis.set(
      key,
      JSON.stringify({ ...app, state: 'RUNNING', allocatedMB: mb, allocatedVCores: vcores, runningContainers: 2 }),
    );
  };
  type User = Json & { username: string };
  const leaf = (body: unknown, name: string): Json => {
    const queues = (body as { scheduler: { schedulerInfo: { queues: { queue: Json[] } } } }).scheduler.schedulerInfo
      .queues.queue;
    const q = queues.find((x) => x.queueName === name);
    assert.ok(q, name);
    return q;
  };
  const mem = (r: unknown): [unknown, unknown] => [(r as Json).memory, (r as Json).vCores];

  before(async () => {
    // default: rhea has one app running and one waiting, quinn one waiting.
    await run(await submitTo('rhea', 'default'), 3072, 3);
    await submitTo('rhea', 'default');
    await submitTo('quinn', 'default');
  });

  it('lists each user with unfinished apps in a leaf queue, as UserInfo renders in JSON', async () => {
    const res = await request(gw.server).get(`${WS}/scheduler`).expect(200);
    const q = leaf(res.body, 'default');
    const users = (q.users as { user: User[] }).user;
    assert.deepEqual(
      users.map((u) => u.username),
      ['quinn', 'rhea'],
    );
    const [quinn, rhea] = users as [User, User];
    assert.deepEqual(Object.keys(rhea), [
      'username',
      'resourcesUsed',
      'numPendingApplications',
      'numActiveApplications',
      'AMResourceUsed',
      'userResourceLimit',
      'resources',
      'userWeight',
      'isActive',
    ]);
    assert.deepEqual([rhea.numActiveApplications, rhea.numPendingApplications, rhea.isActive], [1, 1, true]);
    assert.deepEqual(mem(rhea.resourcesUsed), [3072, 3]);
    assert.deepEqual(mem(rhea.AMResourceUsed), [1024, 1], "the running app's AM container");
    assert.deepEqual(mem(rhea.userResourceLimit), [0, 0]);
    const part = (rhea.resources as { resourceUsagesByPartition: Json[] }).resourceUsagesByPartition[0] ?? {};
    assert.deepEqual([part.partitionName, mem(part.used), mem(part.amUsed)], ['', [3072, 3], [1024, 1]]);
    assert.deepEqual([quinn.numActiveApplications, quinn.numPendingApplications, quinn.isActive], [0, 1, false]);
    assert.deepEqual(mem(quinn.resourcesUsed), [0, 0]);
    assert.match(res.text, /"username":"rhea","resourcesUsed":\{"memory":3072,"vCores":3,/);
    assert.match(res.text, /"userWeight":1\.0,"isActive":true\}/);
    // The queue holds what its users hold; a queue without unfinished apps has no users.
    assert.deepEqual(mem(q.resourcesUsed), [3072, 3]);
    assert.deepEqual(mem(q.usedAMResource), [1024, 1]);
    assert.equal(q.numPendingApplications, 2);
    assert.deepEqual(leaf(res.body, 'flink').users, {});
  });

  it('renders the same users in XML, an empty list as <users/>', async () => {
    const res = await request(gw.server).get(`${WS}/scheduler`).set('Accept', 'application/xml').expect(200);
    assert.match(
      res.text,
      /<users><user><username>quinn<\/username><resourcesUsed><memory>0<\/memory><vCores>0<\/vCores><resourceInformations>/,
    );
    assert.match(
      res.text,
      /<user><username>rhea<\/username><resourcesUsed><memory>3072<\/memory><vCores>3<\/vCores>.*?<\/resourcesUsed><numPendingApplications>1<\/numPendingApplications><numActiveApplications>1<\/numActiveApplications><AMResourceUsed><memory>1024<\/memory>/,
    );
    assert.match(res.text, /<userWeight>1\.0<\/userWeight><isActive>true<\/isActive><\/user><\/users>/);
    const doc = (await parseStringPromise(res.text)) as {
      scheduler: { schedulerInfo: { queues: { queue: { queueName: string[]; users: unknown[] }[] }[] }[] };
    };
    const flink = doc.scheduler.schedulerInfo[0]?.queues[0]?.queue.find((x) => x.queueName[0] === 'flink');
    assert.deepEqual(flink?.users, ['']);
    assert.match(res.text, /<queuePath>root\.flink<\/queuePath>.*?<users\/>/);
  });
});

describe('nodes and metrics', () => {
  it('lists every kwok node as a RUNNING NodeManager with its rack', async () => {
    const res = await request(gw.server).get(`${WS}/nodes`).expect(200);
    const nodes = (res.body as { nodes: { node: Json[] } }).nodes.node;
    assert.equal(nodes.length, clusterEnv().state.nodes.count);
    const n0 = nodes.find((n) => n.id === 'kwok-node-0000:8041');
    assert.ok(n0);
    assert.equal(n0.state, 'RUNNING');
    assert.equal(n0.rack, '/local-a/rack-000');
    assert.equal(n0.nodeHTTPAddress, 'kwok-node-0000:8042');
  });

  it('filters nodes by state and refuses unknown states', async () => {
    const res = await request(gw.server).get(`${WS}/nodes?states=lost`).expect(200);
    assert.equal(res.text, '{"nodes":{}}');
    const bad = await request(gw.server).get(`${WS}/nodes?states=BOGUS`).expect(400);
    assert.equal(
      (bad.body as { RemoteException: Json }).RemoteException.message,
      'No enum constant org.apache.hadoop.yarn.api.records.NodeState.BOGUS',
    );
  });

  it('answers one node, 404 for an unknown one, 400 for a malformed id', async () => {
    const one = await request(gw.server).get(`${WS}/nodes/kwok-node-0001:8041`).expect(200);
    assert.equal((one.body as { node: Json }).node.nodeHostName, 'kwok-node-0001');
    const missing = await request(gw.server).get(`${WS}/nodes/nosuchhost:1234`).expect(404);
    assert.equal(
      (missing.body as { RemoteException: Json }).RemoteException.message,
      'java.lang.Exception: nodeId, nosuchhost:1234, is not found',
    );
    const malformed = await request(gw.server).get(`${WS}/nodes/not-a-node-id`).expect(400);
    assert.equal(
      (malformed.body as { RemoteException: Json }).RemoteException.message,
      'Invalid NodeId [not-a-node-id]. Expected host:port',
    );
  });

  it('counts nodes and apps in /metrics', async () => {
    const id = ((await request(gw.server).post(`${WS}/apps/new-application?user.name=alice`)).body as Json)[
      'application-id'
    ] as string;
    await request(gw.server)
      .post(`${WS}/apps?user.name=alice`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(submission(id)))
      .expect(202);
    const m = ((await request(gw.server).get(`${WS}/metrics`).expect(200)).body as { clusterMetrics: Json })
      .clusterMetrics;
    assert.equal(m.activeNodes, clusterEnv().state.nodes.count);
    assert.equal(m.totalNodes, clusterEnv().state.nodes.count);
    assert.ok((m.appsSubmitted as number) >= 1);
    assert.ok((m.appsPending as number) >= 1);
  });

  it('counts apps per state in /appstatistics, with at most one type', async () => {
    const all = (
      (await request(gw.server).get(`${WS}/appstatistics?states=submitted`).expect(200)).body as {
        appStatInfo: { statItem: Json[] };
      }
    ).appStatInfo.statItem;
    assert.deepEqual(
      all.map((i) => [i.state, i.type]),
      [['SUBMITTED', '*']],
    );
    const typed = (
      (await request(gw.server).get(`${WS}/appstatistics?applicationTypes=SPARK&states=SUBMITTED`).expect(200))
        .body as { appStatInfo: { statItem: Json[] } }
    ).appStatInfo.statItem;
    assert.equal(typed[0]?.type, 'spark');
    const two = await request(gw.server).get(`${WS}/appstatistics?applicationTypes=A,B`).expect(400);
    assert.equal(
      (two.body as { RemoteException: Json }).RemoteException.message,
      'java.lang.Exception: # of applicationTypes = 2, we temporarily support at most one applicationType',
    );
  });
});

describe('transport errors and probes', () => {
  it('405 for a wrong method on a known path, 404 for an unknown path or wrong case', async () => {
    const wrong = await request(gw.server).post(`${WS}/info`).expect(405);
    assert.equal(wrong.headers.allow, 'GET');
    assert.equal((wrong.body as { RemoteException: Json }).RemoteException.exception, 'NotAllowedException');
    await request(gw.server).delete(`${WS}/apps`).expect(405);
    const getNew = await request(gw.server).get(`${WS}/apps/new-application`).expect(405);
    assert.equal(getNew.headers.allow, 'POST');
    await request(gw.server).get(`${WS}/bogus`).expect(404);
    await request(gw.server).get('/ws/v1/CLUSTER/info').expect(404);
  });

  it('answers reservations and scheduler-conf as an RM with those features off', async () => {
    const r = await request(gw.server).get(`${WS}/reservation/list?queue=spark&user.name=alice`).expect(400);
    assert.equal(
      (r.body as { RemoteException: Json }).RemoteException.message,
      'java.lang.Exception: Reservation is not enabled. Please enable & try again',
    );
    await request(gw.server).get(`${WS}/scheduler-conf`).expect(401);
    const forbidden = await request(gw.server).get(`${WS}/scheduler-conf?user.name=alice`).expect(403);
    assert.equal(
      (forbidden.body as { RemoteException: Json }).RemoteException.message,
      'java.lang.Exception: Only admins can carry out this operation.',
    );
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await request(gw.server).head(`${WS}/info`).expect(200);
    assert.equal(res.text, undefined);
  });

  it('answers /isActive and the /cluster page yarn-api-client probes', async () => {
    const active = await request(gw.server).get('/isActive').expect(200);
    assert.equal(active.text, 'I am Active!');
    const page = await request(gw.server).get('/cluster?user.name=alice').expect(200);
    assert.match(String(page.headers['set-cookie']?.[0]), /^hadoop\.auth=/);
  });
});
