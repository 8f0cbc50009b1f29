import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { parseStringPromise } from 'xml2js';
import { randomBytes } from 'node:crypto';
import type { AppRecord } from '../../../api/yarn.ts';
import { createQueue, eventually } from '../harness.ts';
import { startGateway, submission, type GatewayFixture } from './fixture.ts';

let gw: GatewayFixture;
before(async () => {
  gw = await startGateway();
});
after(async () => {
  await gw.close();
});

const WS = '/ws/v1/cluster';
/** Base URL of the fixture's server, for answers supertest cannot read (plain text labelled as JSON). */
const base = (): string => {
  const a = gw.server.address();
  return typeof a === 'object' && a ? `http://127.0.0.1:${a.port}` : '';
};
const newId = async (user = 'alice'): Promise<string> => {
  const res = await request(gw.server).post(`${WS}/apps/new-application?user.name=${user}`).expect(200);
  return (res.body as { 'application-id': string })['application-id'];
};
const submit = (id: string, extra: Record<string, unknown> = {}, user = 'alice') =>
  request(gw.server)
    .post(`${WS}/apps?user.name=${user}`)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(submission(id, extra)));

describe('new-application', () => {
  it('needs a user: 401 AuthorizationException without one', async () => {
    const res = await request(gw.server).post(`${WS}/apps/new-application`).expect(401);
    assert.deepEqual(res.body, {
      RemoteException: {
        exception: 'AuthorizationException',
        message: 'Unable to obtain user name, user not authenticated',
        javaClassName: 'org.apache.hadoop.security.authorize.AuthorizationException',
      },
    });
  });

  it('hands out consecutive ids with the cluster timestamp, and the max capability, unwrapped', async () => {
    const info = await request(gw.server).get(`${WS}/info`).expect(200);
    const ts = (info.body as { clusterInfo: { id: number } }).clusterInfo.id;
    const a = await newId();
    const b = await newId();
    assert.match(a, new RegExp(`^application_${ts}_\\d{4,}$`));
    assert.equal(Number(b.split('_')[2]), Number(a.split('_')[2]) + 1);
    const res = await request(gw.server)
      .post(`${WS}/apps/new-application?user.name=alice`)
      .set('Accept', 'application/xml')
      .expect(200);
    assert.match(
      res.text,
      /^<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?><NewApplication><application-id>application_/,
    );
  });

  it('sets the signed hadoop.auth cookie, which then authenticates alone', async () => {
    const res = await request(gw.server).post(`${WS}/apps/new-application?user.name=carol`).expect(200);
    const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    assert.match(cookie, /^hadoop\.auth="u=carol&p=carol&t=simple&e=\d+&s=/);
    await request(gw.server).post(`${WS}/apps/new-application`).set('Cookie', cookie).expect(200);
    const forged = cookie.replace('u=carol&p=carol', 'u=admin&p=admin');
    await request(gw.server).post(`${WS}/apps/new-application`).set('Cookie', forged).expect(401);
  });
});

describe('submit', () => {
  it('answers 202 with an empty body and a Location, records the app and queues one translator job', async () => {
    const id = await newId();
    const res = await submit(id).expect(202);
    assert.equal(res.text, '');
    assert.match(String(res.headers.location), new RegExp(`^http://127\\.0\\.0\\.1:\\d+/ws/v1/cluster/apps/${id}$`));
    const app = (await request(gw.server).get(`${WS}/apps/${id}`).expect(200)).body as { app: Record<string, unknown> };
    assert.equal(app.app.queue, 'root.spark');
    // Admitted into its leaf queue at submission (ADR 0003): ACCEPTED before any Kubernetes object exists.
    assert.equal(app.app.state, 'ACCEPTED');
    assert.equal(app.app.user, 'alice');
    assert.equal(app.app.applicationTags, 'loom,ref');
    assert.equal(app.app.trackingUI, 'UNASSIGNED');
    assert.equal(app.app.trackingUrl, undefined);
    const job = await gw.submitQueue.getJob(id);
    assert.deepEqual(job?.data, { appId: id });
  });

  it('is idempotent: a retried submission is 202 and creates no second app or job', async () => {
    const id = await newId();
    await submit(id).expect(202);
    await submit(id, { 'application-name': 'changed' }).expect(202);
    const app = (await request(gw.server).get(`${WS}/apps/${id}`).expect(200)).body as { app: { name: string } };
    assert.equal(app.app.name, 'pi');
    assert.equal(
      (await gw.submitQueue.getJobs(['waiting', 'delayed', 'active', 'completed'])).filter((j) => j.id === id).length,
      1,
    );
  });

  it('accepts the XML form with a tolerant body (single entry, numbers as strings)', async () => {
    const id = await newId();
    const xml = `<?xml version="1.0" encoding="UTF-8"?><application-submission-context><application-id>${id}</application-id><application-name>xml-app</application-name><queue>root.flink</queue><application-type>Apache Flink</application-type><resource><memory>2048</memory><vCores>2</vCores></resource><am-container-spec><environment><entry><key>FLINK_CONF</key><value>a&lt;b</value></entry></environment><commands><command>run</command></commands></am-container-spec><application-tags><tag>Nightly</tag></application-tags></application-submission-context>`;
    await request(gw.server)
      .post(`${WS}/apps?user.name=bob`)
      .set('Content-Type', 'application/xml')
      .send(xml)
      .expect(202);
    const res = await request(gw.server).get(`${WS}/apps/${id}`).set('Accept', 'application/xml').expect(200);
    assert.equal(res.headers['content-type'], 'application/xml; charset=utf-8');
    const doc = (await parseStringPromise(res.text, { explicitArray: false })) as { app: Record<string, string> };
    assert.equal(doc.app.queue, 'root.flink');
    assert.equal(doc.app.applicationType, 'Apache Flink');
    assert.equal(doc.app.applicationTags, 'nightly');
  });

  it('records an app sent to an unknown queue as FAILED with the RM diagnostics', async () => {
    const id = await newId();
    await submit(id, { queue: 'nosuchqueue' }).expect(202);
    const app = (await request(gw.server).get(`${WS}/apps/${id}`).expect(200)).body as { app: Record<string, unknown> };
    assert.equal(app.app.state, 'FAILED');
    assert.equal(app.app.queue, 'nosuchqueue');
    assert.equal(app.app.diagnostics, `Application ${id} submitted by user alice to unknown queue: nosuchqueue`);
    assert.equal(await gw.submitQueue.getJob(id), undefined, 'a rejected app is never handed to the translator');
  });

  it("admits into a leaf queue up to its maxApplications, atomically, and records the rest FAILED with the RM's words", async () => {
    const name = `it-max-${randomBytes(3).toString('hex')}`;
    const deleteQueue = await createQueue(name, { parent: 'root', capacity: 1, maxApplications: 3 });
    try {
      await eventually('the gateway sees the queue', async () =>
        (await request(gw.server).get(`${WS}/scheduler`).expect(200)).text.includes(`"root.${name}"`),
      );
      // Ten at once for three places: exactly three are admitted, whatever the interleaving.
      const ids = await Promise.all(Array.from({ length: 10 }, () => newId()));
      await Promise.all(ids.map((id) => submit(id, { queue: name }).expect(202)));
      const apps = await Promise.all(
        ids.map(
          async (id) =>
            ((await request(gw.server).get(`${WS}/apps/${id}`).expect(200)).body as { app: Record<string, unknown> })
              .app,
        ),
      );
      const accepted = apps.filter((a) => a.state === 'ACCEPTED');
      const failed = apps.filter((a) => a.state === 'FAILED');
      assert.equal(accepted.length, 3);
      assert.equal(failed.length, 7);
      for (const a of failed) {
        assert.equal(
          a.diagnostics,
          `org.apache.hadoop.security.AccessControlException: Queue root.${name} already has 3 applications, cannot accept submission of application: ${String(a.id)}`,
        );
        assert.equal(await gw.submitQueue.getJob(String(a.id)), undefined, 'a refused app gets no translator job');
      }
      // A retried submission of a refused id changes nothing; one of an admitted id neither.
      await submit(String(failed[0]!.id), { queue: name }).expect(202);
      await submit(String(accepted[0]!.id), { queue: name }).expect(202);
      const states = async (): Promise<string[]> =>
        (
          (await request(gw.server).get(`${WS}/apps?queue=${name}`).expect(200)).body as {
            apps: { app: { state: string }[] };
          }
        ).apps.app.map((a) => a.state);
      assert.equal((await states()).filter((s) => s === 'ACCEPTED').length, 3);
      // A finished app frees its place, as YARN counts only the queue's unfinished apps.
      await request(gw.server)
        .put(`${WS}/apps/${String(accepted[0]!.id)}/state?user.name=alice`)
        .set('Content-Type', 'application/json')
        .send('{"state":"KILLED"}')
        .expect(200);
      const next = await newId();
      await submit(next, { queue: name }).expect(202);
      assert.equal(
        ((await request(gw.server).get(`${WS}/apps/${next}/state`)).body as { state: string }).state,
        'ACCEPTED',
      );
      const scheduler = (await request(gw.server).get(`${WS}/scheduler`).expect(200)).text;
      assert.match(scheduler, new RegExp(`"queueName":"${name}"[^]*?"maxApplications":3,"maxApplicationsPerUser":3`));
    } finally {
      await deleteQueue();
    }
  });

  const bad: { name: string; send: () => request.Test; status: number; match: RegExp }[] = [
    { name: 'an empty id', send: () => submit(''), status: 400, match: /Could not parse application id $/ },
    {
      name: 'a malformed id',
      send: () => submit('application_abc'),
      status: 400,
      match: /Could not parse application id application_abc/,
    },
    {
      name: 'memory above the maximum allocation',
      send: () => submit('application_1_1', { resource: { memory: 999999, vCores: 1 } }),
      status: 400,
      match: /Requested more memory than configured max/,
    },
    {
      name: 'malformed JSON',
      send: () =>
        request(gw.server)
          .post(`${WS}/apps?user.name=alice`)
          .set('Content-Type', 'application/json')
          .send('{"application-id":'),
      status: 400,
      match:
        /^javax\.xml\.bind\.UnmarshalException\n - with linked exception:\n\[javax\.xml\.stream\.XMLStreamException: com\.fasterxml\.jackson\.core\.io\.JsonEOFException: Unexpected end-of-input within\/between Object entries\n at \[Source: \(BufferedReader\); line: 1, column: 19\]\]$/,
    },
    {
      name: 'a field of the wrong type',
      send: () => submit('application_1_2', { resource: { memory: 'lots' } }),
      status: 400,
      match: /resource/,
    },
    {
      name: 'the wrong XML root',
      send: () =>
        request(gw.server)
          .post(`${WS}/apps?user.name=alice`)
          .set('Content-Type', 'application/xml')
          .send('<appstate><state>KILLED</state></appstate>'),
      status: 400,
      match:
        /^javax\.xml\.bind\.UnmarshalException: unexpected element \(uri:"", local:"appstate"\)\. Expected elements are <\{\}NewApplication>,<\{\}application-submission-context>,/,
    },
    {
      name: 'a DOCTYPE (entity expansion)',
      send: () =>
        request(gw.server)
          .post(`${WS}/apps?user.name=alice`)
          .set('Content-Type', 'application/xml')
          .send('<!DOCTYPE a [<!ENTITY x "y">]><application-submission-context/>'),
      status: 400,
      match: /DOCTYPE/,
    },
    {
      name: 'a NUL character, which no XML answer could carry later',
      send: () => submit('application_1_3', { 'application-name': 'a\u0000b' }),
      status: 400,
      match: /XML 1\.0/,
    },
    {
      name: 'an unsupported content type',
      send: () => request(gw.server).post(`${WS}/apps?user.name=alice`).set('Content-Type', 'text/plain').send('x'),
      status: 415,
      match: /Unsupported Media Type/,
    },
    {
      name: 'an oversized body',
      send: () =>
        request(gw.server)
          .post(`${WS}/apps?user.name=alice`)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ x: 'a'.repeat(2 << 20) })),
      status: 413,
      match: /Too Large/,
    },
  ];
  for (const c of bad) {
    it(`refuses ${c.name} with ${c.status} and a RemoteException`, async () => {
      const res = await c.send().expect(c.status);
      const body = res.body as { RemoteException?: { message: string } };
      assert.ok(body.RemoteException, `no RemoteException in ${res.text}`);
      assert.match(body.RemoteException.message, c.match);
    });
  }

  it('needs a user to submit', async () => {
    await request(gw.server)
      .post(`${WS}/apps`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(submission('application_1_9')))
      .expect(401);
  });
});

describe('apps list filters', () => {
  let ids: string[] = [];
  before(async () => {
    ids = [];
    for (const [user, queue, type, tags] of [
      ['dave', 'default', 'MAPREDUCE', ['etl']],
      ['dave', 'spark', 'SPARK', ['etl', 'Hourly']],
      ['erin', 'flink', 'Apache Flink', ['stream']],
    ] as const) {
      const id = await newId(user);
      await submit(id, { queue, 'application-type': type, 'application-tags': { tag: [...tags] } }, user).expect(202);
      ids.push(id);
    }
  });
  const list = async (q: string): Promise<string[]> => {
    const res = await request(gw.server).get(`${WS}/apps?${q}`).expect(200);
    const apps = (res.body as { apps: { app?: { id: string }[] } }).apps;
    return (apps.app ?? []).map((a) => a.id).filter((id) => ids.includes(id));
  };

  it('by user, queue (short or full name), type and tag, case-insensitively', async () => {
    assert.deepEqual(await list('user=dave'), [ids[0], ids[1]]);
    assert.deepEqual(await list('queue=spark'), [ids[1]]);
    assert.deepEqual(await list('queue=root.flink'), [ids[2]]);
    assert.deepEqual(await list('applicationTypes=mapreduce,apache flink'), [ids[0], ids[2]]);
    assert.deepEqual(await list('applicationTags=HOURLY'), [ids[1]]);
    assert.deepEqual(await list('applicationTags=etl&user=dave&states=accepted'), [ids[0], ids[1]]);
  });

  it('by state, with the old singular parameter and repeated values', async () => {
    assert.deepEqual(await list('state=ACCEPTED&user=erin'), [ids[2]]);
    assert.deepEqual(await list('states=SUBMITTED&user=erin'), []);
    assert.deepEqual(await list('states=KILLED&states=FINISHED&user=dave'), []);
  });

  it('by start time and with a limit', async () => {
    const first = ((await request(gw.server).get(`${WS}/apps/${ids[0]}`)).body as { app: { startedTime: number } }).app
      .startedTime;
    assert.deepEqual(await list(`startedTimeBegin=${first}&user=dave`), [ids[0], ids[1]]);
    const limited = (await request(gw.server).get(`${WS}/apps?limit=1`).expect(200)).body as {
      apps: { app: unknown[] };
    };
    assert.equal(limited.apps.app.length, 1);
  });

  it('renders an empty result as an empty wrapper', async () => {
    const res = await request(gw.server).get(`${WS}/apps?user=nobody-at-all`).expect(200);
    assert.equal(res.text, '{"apps":{}}');
    const xml = await request(gw.server)
      .get(`${WS}/apps?user=nobody-at-all`)
      .set('Accept', 'application/xml')
      .expect(200);
    assert.equal(xml.text, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><apps/>');
  });

  it('drops deSelected fields', async () => {
    const res = await request(gw.server)
      .get(`${WS}/apps?user=erin&deSelects=timeouts,amNodeLabelExpression`)
      .expect(200);
    const app = (res.body as { apps: { app: Record<string, unknown>[] } }).apps.app[0]!;
    assert.equal(app.timeouts, undefined);
    assert.equal(app.amNodeLabelExpression, undefined);
    assert.equal(app.appNodeLabelExpression, '');
  });

  const invalid: [string, number, string][] = [
    [
      'states=BOGUS',
      400,
      'java.lang.Exception: Invalid application-state BOGUS specified. It should be one of [NEW, NEW_SAVING, SUBMITTED, ACCEPTED, RUNNING, FINISHED, FAILED, KILLED]',
    ],
    ['finalStatus=BOGUS', 400, 'No enum constant org.apache.hadoop.yarn.api.records.FinalApplicationStatus.BOGUS'],
    ['limit=abc', 400, 'java.lang.Exception: limit value must be a number!'],
    ['limit=0', 400, 'java.lang.Exception: limit value must be greater then 0'],
    ['startedTimeBegin=-5', 400, 'java.lang.Exception: startedTimeBegin must be greater than 0'],
    [
      'startedTimeBegin=10&startedTimeEnd=5',
      400,
      'java.lang.Exception: startedTimeEnd must be greater than startTimeBegin',
    ],
    [
      'deSelects=bogus',
      400,
      'java.lang.Exception: Invalid deSelects string bogus specified. It should be one of [resourceRequests, timeouts, appNodeLabelExpression, amNodeLabelExpression, resourceInfo]',
    ],
    ['queue=nosuchqueue', 400, 'java.lang.Exception: Unknown queue: nosuchqueue'],
  ];
  for (const [q, status, message] of invalid) {
    it(`refuses ${q} with the RM's message`, async () => {
      const res = await request(gw.server).get(`${WS}/apps?${q}`).expect(status);
      assert.equal((res.body as { RemoteException: { message: string } }).RemoteException.message, message);
    });
  }
});

describe('one app, its state and kill', () => {
  it('404 for an unknown app, in JSON and in XML (the RM answers an empty 500 in XML)', async () => {
    const info = await request(gw.server).get(`${WS}/info`);
    const ts = (info.body as { clusterInfo: { id: number } }).clusterInfo.id;
    const res = await request(gw.server).get(`${WS}/apps/application_${ts}_9999`).expect(404);
    assert.equal(
      (res.body as { RemoteException: { message: string } }).RemoteException.message,
      `java.lang.Exception: app with id: application_${ts}_9999 not found`,
    );
    const xml = await request(gw.server)
      .get(`${WS}/apps/application_${ts}_9999`)
      .set('Accept', 'application/xml')
      .expect(404);
    assert.match(xml.text, /<RemoteException><exception>NotFoundException<\/exception>/);
  });

  it('400 for a malformed id', async () => {
    await request(gw.server).get(`${WS}/apps/application_abc`).expect(400);
  });

  it('kill: owner 200, other user 403 plain text, anonymous 401, other targets 400, final apps answer their state', async () => {
    const id = await newId();
    await submit(id).expect(202);
    // The RM labels this plain-text body application/json; read it raw, as clients must.
    const denied = await fetch(`${base()}${WS}/apps/${id}/state?user.name=mallory`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{"state":"KILLED"}',
    });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('content-type'), 'application/json;charset=utf-8');
    assert.equal(await denied.text(), `Unauthorized attempt to kill appid ${id} by remote user mallory`);
    await request(gw.server)
      .put(`${WS}/apps/${id}/state`)
      .set('Content-Type', 'application/json')
      .send('{"state":"KILLED"}')
      .expect(401);
    const wrong = await request(gw.server)
      .put(`${WS}/apps/${id}/state?user.name=alice`)
      .set('Content-Type', 'application/json')
      .send('{"state":"RUNNING"}')
      .expect(400);
    assert.equal(
      (wrong.body as { RemoteException: { message: string } }).RemoteException.message,
      "java.lang.Exception: Only 'KILLED' is allowed as a target state.",
    );
    const ok = await request(gw.server)
      .put(`${WS}/apps/${id}/state?user.name=alice`)
      .set('Content-Type', 'application/json')
      .send('{"state":"KILLED","diagnostics":"done with it"}')
      .expect(200);
    assert.deepEqual(ok.body, { state: 'KILLED' });
    assert.ok(await gw.killQueue.getJob(id), 'a kill job was queued for the translator');
    const again = await request(gw.server)
      .put(`${WS}/apps/${id}/state?user.name=mallory`)
      .set('Content-Type', 'application/json')
      .send('{"state":"KILLED"}')
      .expect(200);
    assert.deepEqual(again.body, { state: 'KILLED' });
    const app = (await request(gw.server).get(`${WS}/apps/${id}`)).body as {
      app: { diagnostics: string; finalStatus: string; allocatedMB: number };
    };
    assert.equal(
      app.app.diagnostics,
      `Application ${id} was killed by user alice with diagnostic message: done with it`,
    );
    assert.equal(app.app.finalStatus, 'KILLED');
  });

  it('/apps in JSON (cached per app) answers what /apps/{id} answers, with a fresh elapsedTime, and follows updates', async () => {
    const id = await newId();
    await submit(id).expect(202);
    type App = Record<string, unknown> & { id: string; elapsedTime: number };
    const listed = async (): Promise<App> => {
      const body = (await request(gw.server).get(`${WS}/apps?user.name=alice`).expect(200)).body as {
        apps: { app: App[] };
      };
      const found = body.apps.app.find((a) => a.id === id);
      assert.ok(found, `${id} listed`);
      return found;
    };
    const first = await listed();
    await new Promise((r) => setTimeout(r, 30));
    const second = await listed();
    assert.ok(
      second.elapsedTime >= first.elapsedTime + 25,
      `elapsedTime moves on: ${first.elapsedTime} → ${second.elapsedTime}`,
    );
    const single = ((await request(gw.server).get(`${WS}/apps/${id}?user.name=alice`).expect(200)).body as { app: App })
      .app;
    assert.deepEqual({ ...second, elapsedTime: 0 }, { ...single, elapsedTime: 0 });
    // Redacted for a user without view access: a different view of the same record.
    const other = (
      (await request(gw.server).get(`${WS}/apps?user.name=mallory`).expect(200)).body as { apps: { app: App[] } }
    ).apps.app.find((a) => a.id === id);
    assert.deepEqual([other?.startedTime, other?.elapsedTime], [0, 0]);
    await request(gw.server)
      .put(`${WS}/apps/${id}/state?user.name=alice`)
      .set('Content-Type', 'application/json')
      .send('{"state":"KILLED"}')
      .expect(200);
    const killed = await listed();
    assert.deepEqual([killed.state, killed.allocatedMB], ['KILLED', -1]);
    const again = await listed();
    assert.equal(again.elapsedTime, killed.elapsedTime, 'a finished app keeps its elapsed time');
  });

  it('a killed ACCEPTED app: its attempt KILLED, the -1 sentinels, an empty resourceSecondsMap, in JSON and XML', async () => {
    const id = await newId();
    await submit(id).expect(202);
    await request(gw.server)
      .put(`${WS}/apps/${id}/state?user.name=alice`)
      .set('Content-Type', 'application/json')
      .send('{"state":"KILLED"}')
      .expect(200);
    // As the RM: attempt 1 existed from admission on, so the finished app reports the sentinels of its ended
    // attempt; no container ever ran, so nothing was accumulated in the map.
    const json = (await request(gw.server).get(`${WS}/apps/${id}?user.name=alice`).expect(200)).body as {
      app: Record<string, unknown>;
    };
    for (const f of ['allocatedMB', 'allocatedVCores', 'reservedMB', 'reservedVCores', 'runningContainers'])
      assert.equal(json.app[f], -1, f);
    assert.deepEqual(json.app.resourceSecondsMap, {});
    assert.equal(json.app.trackingUI, 'History');
    const xml = await request(gw.server)
      .get(`${WS}/apps/${id}?user.name=alice`)
      .set('Accept', 'application/xml')
      .expect(200);
    assert.match(xml.text, /<allocatedMB>-1<\/allocatedMB><allocatedVCores>-1<\/allocatedVCores>/);
    assert.match(xml.text, /<runningContainers>-1<\/runningContainers>/);
    assert.match(xml.text, /<resourceSecondsMap\/>/);
    const attempts = (await request(gw.server).get(`${WS}/apps/${id}/appattempts`).expect(200)).body as {
      appAttempts: { appAttempt: { id: number; appAttemptState: string; finishedTime: number; containerId: string }[] };
    };
    assert.equal(attempts.appAttempts.appAttempt.length, 1);
    const [attempt] = attempts.appAttempts.appAttempt;
    assert.deepEqual([attempt?.id, attempt?.appAttemptState, attempt?.containerId], [1, 'KILLED', '']);
    assert.ok((attempt?.finishedTime ?? 0) > 0, 'the attempt ended with the kill');
    const xmlAttempts = await request(gw.server)
      .get(`${WS}/apps/${id}/appattempts`)
      .set('Accept', 'application/xml')
      .expect(200);
    assert.match(xmlAttempts.text, /<appAttemptState>KILLED<\/appAttemptState>/);
  });

  it('kill in XML; admins and proxy users act for others', async () => {
    const id = await newId('frank');
    await submit(id, {}, 'frank').expect(202);
    const xml = await request(gw.server)
      .put(`${WS}/apps/${id}/state?user.name=hue&doAs=frank`)
      .set('Content-Type', 'application/xml')
      .set('Accept', 'application/xml')
      .send('<appstate><state>KILLED</state></appstate>')
      .expect(200);
    assert.equal(
      xml.text,
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><appstate><state>KILLED</state></appstate>',
    );
    const other = await newId('frank');
    await submit(other, {}, 'frank').expect(202);
    await request(gw.server)
      .put(`${WS}/apps/${other}/state?user.name=admin`)
      .set('Content-Type', 'application/json')
      .send('{"state":"KILLED"}')
      .expect(200);
    const refused = await request(gw.server).get(`${WS}/info?user.name=mallory&doAs=frank`).expect(403);
    assert.match(
      (refused.body as { RemoteException: { message: string } }).RemoteException.message,
      /User: mallory is not allowed to impersonate frank/,
    );
  });

  it('state GET, attempts and timeouts of a fresh app', async () => {
    const id = await newId();
    await submit(id).expect(202);
    assert.deepEqual((await request(gw.server).get(`${WS}/apps/${id}/state`).expect(200)).body, { state: 'ACCEPTED' });
    // Attempt 1 exists from admission on, SCHEDULED without a container, as in the RM.
    const attempts = (await request(gw.server).get(`${WS}/apps/${id}/appattempts`).expect(200)).body as {
      appAttempts: { appAttempt: Record<string, unknown>[] };
    };
    assert.equal(attempts.appAttempts.appAttempt.length, 1);
    const [attempt] = attempts.appAttempts.appAttempt;
    assert.deepEqual(
      [attempt?.id, attempt?.appAttemptState, attempt?.containerId, attempt?.finishedTime],
      [1, 'SCHEDULED', '', 0],
    );
    assert.equal(attempt?.appAttemptId, `appattempt_${id.slice('application_'.length)}_000001`);
    const xml = await request(gw.server)
      .get(`${WS}/apps/${id}/appattempts`)
      .set('Accept', 'application/xml')
      .expect(200);
    assert.match(xml.text, /<appAttempt><id>1<\/id>.*<appAttemptState>SCHEDULED<\/appAttemptState><\/appAttempt>/);
    assert.deepEqual((await request(gw.server).get(`${WS}/apps/${id}/timeouts`).expect(200)).body, {
      timeouts: { timeout: [{ type: 'LIFETIME', expiryTime: 'UNLIMITED', remainingTimeInSeconds: -1 }] },
    });
  });

  it('redacts protected fields for a user without view access', async () => {
    const id = await newId();
    await submit(id).expect(202);
    const res = await request(gw.server).get(`${WS}/apps/${id}?user.name=mallory`).expect(200);
    const app = (res.body as { app: Record<string, unknown> }).app;
    assert.equal(app.startedTime, 0);
    assert.equal(app.elapsedTime, 0);
    assert.equal(app.allocatedMB, 0);
    assert.equal(app.amContainerLogs, undefined);
    assert.equal(app.logAggregationStatus, undefined);
    assert.equal(app.state, 'ACCEPTED');
    // Pending requests are protected; accumulated usage comes from the app's metrics, which everyone sees.
    assert.equal(app.resourceRequests, undefined);
    assert.deepEqual(app.resourceSecondsMap, {
      entry: [
        { key: 'memory-mb', value: '0' },
        { key: 'vcores', value: '0' },
      ],
    });
    const owner = (await request(gw.server).get(`${WS}/apps/${id}?user.name=alice`).expect(200)).body as {
      app: Record<string, unknown>;
    };
    assert.equal((owner.app.resourceRequests as unknown[]).length, 1);
  });

  it('redacts the same fields in XML', async () => {
    const id = await newId();
    await submit(id).expect(202);
    const res = await request(gw.server)
      .get(`${WS}/apps/${id}?user.name=mallory`)
      .set('Accept', 'application/xml')
      .expect(200);
    assert.doesNotMatch(res.text, /<resourceRequests>/);
    assert.match(
      res.text,
      /<resourceSecondsMap><entry><key>memory-mb<\/key><value>0<\/value><\/entry><entry><key>vcores<\/key><value>0<\/value><\/entry><\/resourceSecondsMap>/,
    );
    const owner = await request(gw.server).get(`${WS}/apps/${id}?user.name=alice`).set('Accept', 'application/xml');
    assert.match(owner.text, /<resourceRequests><priority>0<\/priority>/);
  });

  it('shows the -1 allocation sentinels of a finished app only to those with view access', async () => {
    const id = await newId();
    await submit(id).expect(202);
    // What the translator records once the app ran and finished.
    const key = `${gw.prefix}app:${id}`;
    const rec = JSON.parse((await gw.redis.get(key)) ?? '{}') as AppRecord;
    const now = Date.now();
    rec.state = 'FINISHED';
    rec.finalStatus = 'SUCCEEDED';
    rec.finishedTime = now;
    rec.memorySeconds = 2048;
    rec.vcoreSeconds = 2;
    rec.attempts = [{ id: 1, state: 'FINISHED', startTime: now - 2000, finishedTime: now }];
    await gw.redis.set(key, JSON.stringify(rec));
    for (const [user, sentinel] of [
      ['alice', -1],
      ['mallory', 0],
    ] as const) {
      const json = (await request(gw.server).get(`${WS}/apps/${id}?user.name=${user}`).expect(200)).body as {
        app: Record<string, unknown>;
      };
      for (const f of ['allocatedMB', 'allocatedVCores', 'reservedMB', 'reservedVCores', 'runningContainers'])
        assert.equal(json.app[f], sentinel, `${user} ${f}`);
      assert.equal(json.app.memorySeconds, 2048, `${user} sees the accumulated usage`);
      const xml = await request(gw.server)
        .get(`${WS}/apps/${id}?user.name=${user}`)
        .set('Accept', 'application/xml')
        .expect(200);
      assert.match(xml.text, new RegExp(`<allocatedMB>${sentinel}</allocatedMB>`));
      assert.match(xml.text, /<memorySeconds>2048<\/memorySeconds>/);
    }
  });
});

describe('answers about apps refused at submission', () => {
  it('has no tracking URL for an app that never had an attempt, in JSON and XML', async () => {
    const id = await newId();
    await submit(id, { queue: 'nosuchqueue' }).expect(202);
    const json = (await request(gw.server).get(`${WS}/apps/${id}`).expect(200)).body as {
      app: Record<string, unknown>;
    };
    assert.equal(json.app.state, 'FAILED');
    assert.equal(json.app.trackingUI, 'UNASSIGNED');
    assert.equal(json.app.trackingUrl, undefined);
    const xml = await request(gw.server).get(`${WS}/apps/${id}`).set('Accept', 'application/xml').expect(200);
    assert.match(xml.text, /<trackingUI>UNASSIGNED<\/trackingUI><diagnostics>/);
    assert.doesNotMatch(xml.text, /<trackingUrl>/);
  });
});

describe('malformed bodies, answered in the negotiated format', () => {
  it('gives the RM parser message in an XML RemoteException', async () => {
    const res = await request(gw.server)
      .post(`${WS}/apps?user.name=alice`)
      .set('Content-Type', 'application/json')
      .set('Accept', 'application/xml')
      .send('{"application-id":}')
      .expect(400);
    assert.equal(
      res.text,
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><RemoteException><exception>WebApplicationException</exception>' +
        '<message>javax.xml.bind.UnmarshalException\n - with linked exception:\n[javax.xml.stream.XMLStreamException: ' +
        "com.fasterxml.jackson.core.JsonParseException: Unexpected character ('}' (code 125)): expected a value\n" +
        ' at [Source: (BufferedReader); line: 1, column: 20]]</message><javaClassName>javax.ws.rs.WebApplicationException</javaClassName></RemoteException>',
    );
  });

  it('gives the JAXB wrong-root message for a kill body, in JSON', async () => {
    const id = await newId();
    await submit(id).expect(202);
    const res = await request(gw.server)
      .put(`${WS}/apps/${id}/state?user.name=alice`)
      .set('Content-Type', 'application/xml')
      .send('<appstat><state>KILLED</state></appstat>')
      .expect(400);
    assert.deepEqual(res.body, {
      RemoteException: {
        exception: 'WebApplicationException',
        message:
          'javax.xml.bind.UnmarshalException: unexpected element (uri:"", local:"appstat"). Expected elements are <{}appstate>',
        javaClassName: 'javax.ws.rs.WebApplicationException',
      },
    });
  });
});
