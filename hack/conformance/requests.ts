/**
 * The requests the conformance check sends, in order, to both servers. Paths and bodies are functions of the
 * server's own context, because app ids are whatever that server handed out.
 */

/** What a request may depend on: the target server's cluster timestamp and the ids it handed out so far. */
export interface Ctx {
  clusterTimestamp: number;
  /** symbolic name → application id on this server */
  ids: Map<string, string>;
}

export interface Step {
  /** Unique, readable label (also the report's key). */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query, from the server root. */
  path: (c: Ctx) => string;
  /** The Accept header sent; none when undefined. */
  accept?: string;
  contentType?: string;
  body?: (c: Ctx) => string;
  /** Remember the `application-id` of the answer under this symbolic name. */
  capture?: string;
  /** Compare arrays by position (the RM's `limit` picks arbitrary apps). */
  positional?: boolean;
  /** Hints for classifying differences (see run.ts). */
  tags?: readonly StepTag[];
}

export type StepTag =
  /** The RM answers the kill with the state read right after it: ACCEPTED or KILLED (race). */
  | 'kill-race'
  /** A `limit` request: the RM returns arbitrary apps. */
  | 'limit'
  /** `limit` with `finalStatus`: the RM filters after the limit, Loom before. */
  | 'limit-final-status';

/** Waits until the named apps leave the transient states on each server (the RM moves them on asynchronously). */
export interface Settle {
  settle: readonly string[];
  /** States to wait for; default: anything not NEW / NEW_SAVING / SUBMITTED (and SUBMITTED for Loom). */
  until?: readonly string[];
}

export type Entry = Step | Settle;

export const WS = '/ws/v1/cluster';
const JSON_TYPE = 'application/json';
const XML_TYPE = 'application/xml';

const id = (c: Ctx, name: string): string => {
  const v = c.ids.get(name);
  if (!v) throw new Error(`no application id captured under "${name}" on this server`);
  return v;
};

/** The same GET in JSON (no Accept: the RM's default) and in XML. */
function get(name: string, path: (c: Ctx) => string, extra: Partial<Step> = {}): Step[] {
  return [
    { name: `${name} [json]`, method: 'GET', path, ...extra },
    { name: `${name} [xml]`, method: 'GET', path, accept: XML_TYPE, ...extra },
  ];
}
const getWs = (p: string, extra: Partial<Step> = {}, when = ''): Step[] =>
  get(`GET ${p}${when ? ` (${when})` : ''}`, () => `${WS}${p}`, extra);

interface AppSpec {
  name: string;
  queue: string;
  type: string;
  tags: string[];
  memory?: number;
  priority?: number;
}

/** A submission context as JSON, as yarn-api-client and curl scripts send it. */
export function submissionJson(appId: string, s: AppSpec): string {
  return JSON.stringify({
    'application-id': appId,
    'application-name': s.name,
    queue: s.queue,
    ...(s.priority !== undefined ? { priority: s.priority } : {}),
    'am-container-spec': { commands: { command: 'sleep 3' } },
    'unmanaged-AM': false,
    'max-app-attempts': 2,
    resource: { memory: s.memory ?? 1024, vCores: 1 },
    'application-type': s.type,
    'application-tags': { tag: s.tags },
  });
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The same submission context as XML (`<application-submission-context>`). */
export function submissionXml(appId: string, s: AppSpec, root = 'application-submission-context'): string {
  const tags = s.tags.map((t) => `<tag>${xmlEscape(t)}</tag>`).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><${root}>` +
    `<application-id>${xmlEscape(appId)}</application-id>` +
    `<application-name>${xmlEscape(s.name)}</application-name>` +
    `<queue>${xmlEscape(s.queue)}</queue>` +
    (s.priority !== undefined ? `<priority>${s.priority}</priority>` : '') +
    `<am-container-spec><commands><command>sleep 3</command></commands></am-container-spec>` +
    `<unmanaged-AM>false</unmanaged-AM><max-app-attempts>2</max-app-attempts>` +
    `<resource><memory>${s.memory ?? 1024}</memory><vCores>1</vCores></resource>` +
    `<application-type>${xmlEscape(s.type)}</application-type>` +
    `<application-tags>${tags}</application-tags>` +
    `</${root}>`
  );
}

const SPARK: AppSpec = { name: 'conf-spark', queue: 'spark', type: 'SPARK', tags: ['Loom', 'ref'], priority: 3 };
const FLINK: AppSpec = { name: 'conf-flink', queue: 'flink', type: 'MAPREDUCE', tags: ['etl'] };
const DEFAULT: AppSpec = { name: 'conf-default', queue: 'default', type: 'YARN', tags: [] };
const UNKNOWN_QUEUE: AppSpec = { name: 'conf-unknown-queue', queue: 'nosuchqueue', type: 'YARN', tags: ['x'] };

const newApp = (name: string, user: string, capture: string, accept?: string): Step => ({
  name,
  method: 'POST',
  path: () => `${WS}/apps/new-application?user.name=${user}`,
  capture,
  ...(accept ? { accept } : {}),
});

const submitJson = (name: string, user: string, body: (c: Ctx) => string, accept?: string): Step => ({
  name,
  method: 'POST',
  path: () => `${WS}/apps?user.name=${user}`,
  contentType: JSON_TYPE,
  body,
  ...(accept ? { accept } : {}),
});

const kill = (
  name: string,
  app: string,
  user: string | undefined,
  state: string,
  o: { xml?: boolean; tags?: StepTag[] } = {},
): Step => ({
  name,
  method: 'PUT',
  path: (c) => `${WS}/apps/${id(c, app)}/state${user ? `?user.name=${user}` : ''}`,
  contentType: o.xml ? XML_TYPE : JSON_TYPE,
  body: () => (o.xml ? `<appstate><state>${state}</state></appstate>` : JSON.stringify({ state })),
  ...(o.xml ? { accept: XML_TYPE } : {}),
  ...(o.tags ? { tags: o.tags } : {}),
});

/** `appattempt_<ts>_<seq>_<n, 6 digits>` of a named app. */
const attempt = (c: Ctx, app: string, n: number): string =>
  `appattempt_${id(c, app).replace(/^application_/, '')}_${String(n).padStart(6, '0')}`;

/** A PUT of `value` to `/apps/{app}/<what>`: JSON, or XML under `xmlRoot` (Accept: XML too). */
const put = (
  name: string,
  app: string,
  what: 'queue' | 'priority' | 'timeout',
  user: string,
  value: Record<string, unknown>,
  xmlRoot?: string,
): Step => ({
  name,
  method: 'PUT',
  path: (c) => `${WS}/apps/${id(c, app)}/${what}?user.name=${user}`,
  contentType: xmlRoot ? XML_TYPE : JSON_TYPE,
  body: () =>
    xmlRoot
      ? `<${xmlRoot}>${Object.entries(value)
          .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
          .join('')}</${xmlRoot}>`
      : JSON.stringify(value),
  ...(xmlRoot ? { accept: XML_TYPE } : {}),
});

/** Every request, in order. */
export const ENTRIES: readonly Entry[] = [
  // Cluster information.
  ...get('GET /ws/v1/cluster', () => WS),
  ...get('GET /ws/v1/cluster/', () => `${WS}/`),
  ...getWs('/info'),
  ...getWs('/info/'),
  ...getWs('/metrics'),
  ...getWs('/scheduler'),
  ...getWs('/nodes'),
  ...getWs('/nodes?states=BOGUS'),
  ...getWs('/nodes/nosuchhost:1234'),
  ...getWs('/nodes/not-a-node-id'),
  ...getWs('/appstatistics'),
  ...getWs('/appstatistics?applicationTypes=A,B'),
  ...getWs('/apps'),

  // New application ids.
  { name: 'POST /apps/new-application (no user) [json]', method: 'POST', path: () => `${WS}/apps/new-application` },
  {
    name: 'POST /apps/new-application (no user) [xml]',
    method: 'POST',
    path: () => `${WS}/apps/new-application`,
    accept: XML_TYPE,
  },
  newApp('POST /apps/new-application?user.name=alice → spark [json]', 'alice', 'spark'),
  newApp('POST /apps/new-application?user.name=alice → flink [xml]', 'alice', 'flink', XML_TYPE),
  newApp('POST /apps/new-application?user.name=bob → default [json]', 'bob', 'default'),
  newApp('POST /apps/new-application?user.name=alice → unknown-queue [json]', 'alice', 'unknownq'),
  newApp('POST /apps/new-application?user.name=alice → spare [json]', 'alice', 'spare'),

  // Submissions.
  submitJson('POST /apps spark (alice, JSON body)', 'alice', (c) => submissionJson(id(c, 'spark'), SPARK)),
  {
    name: 'POST /apps flink (alice, XML body, Accept xml)',
    method: 'POST',
    path: () => `${WS}/apps?user.name=alice`,
    contentType: XML_TYPE,
    accept: XML_TYPE,
    body: (c) => submissionXml(id(c, 'flink'), FLINK),
  },
  submitJson('POST /apps default (bob, JSON body)', 'bob', (c) => submissionJson(id(c, 'default'), DEFAULT)),
  submitJson('POST /apps to queue nosuchqueue (alice)', 'alice', (c) =>
    submissionJson(id(c, 'unknownq'), UNKNOWN_QUEUE),
  ),
  {
    name: 'POST /apps without user',
    method: 'POST',
    path: () => `${WS}/apps`,
    contentType: JSON_TYPE,
    body: (c) => submissionJson(id(c, 'spare'), SPARK),
  },
  submitJson('POST /apps empty application-id [json]', 'alice', () => submissionJson('', SPARK)),
  submitJson('POST /apps empty application-id [xml]', 'alice', () => submissionJson('', SPARK), XML_TYPE),
  submitJson('POST /apps malformed application-id [json]', 'alice', () => submissionJson('application_abc', SPARK)),
  submitJson(
    'POST /apps malformed application-id [xml]',
    'alice',
    () => submissionJson('application_abc', SPARK),
    XML_TYPE,
  ),
  submitJson('POST /apps memory above max [json]', 'alice', (c) =>
    submissionJson(id(c, 'spare'), { ...SPARK, memory: 99999 }),
  ),
  submitJson(
    'POST /apps memory above max [xml]',
    'alice',
    (c) => submissionJson(id(c, 'spare'), { ...SPARK, memory: 99999 }),
    XML_TYPE,
  ),
  submitJson('POST /apps malformed JSON', 'alice', (c) => `{"application-id":"${id(c, 'spare')}","queue":`),
  {
    name: 'POST /apps wrong XML root',
    method: 'POST',
    path: () => `${WS}/apps?user.name=alice`,
    contentType: XML_TYPE,
    accept: XML_TYPE,
    body: (c) => submissionXml(id(c, 'spare'), SPARK, 'application-submission'),
  },
  { settle: ['spark', 'flink', 'default', 'unknownq'] },

  // Listing and filters.
  ...getWs('/apps', {}, 'after submit'),
  ...getWs('/apps?states=accepted'),
  ...getWs('/apps?states=ACCEPTED,FAILED'),
  ...getWs('/apps?state=ACCEPTED'),
  ...getWs('/apps?states=FAILED'),
  ...getWs('/apps?finalStatus=UNDEFINED'),
  ...getWs('/apps?finalStatus=FAILED'),
  ...getWs('/apps?user=alice'),
  ...getWs('/apps?user=bob'),
  ...getWs('/apps?queue=spark'),
  ...getWs('/apps?queue=root.spark'),
  ...getWs('/apps?queue=nosuchqueue'),
  ...getWs('/apps?limit=1', { positional: true, tags: ['limit'] }),
  ...getWs('/apps?limit=1&queue=spark'),
  ...getWs('/apps?limit=1&finalStatus=FAILED', { tags: ['limit-final-status'] }),
  ...getWs('/apps?limit=abc'),
  ...getWs('/apps?limit=0'),
  ...getWs('/apps?startedTimeBegin=-5'),
  ...getWs('/apps?startedTimeBegin=2000&startedTimeEnd=1000'),
  ...getWs('/apps?applicationTypes=spark'),
  ...getWs('/apps?applicationTypes=MAPREDUCE,YARN'),
  ...getWs('/apps?applicationTags=LOOM'),
  ...getWs('/apps?applicationTags=etl'),
  ...getWs('/apps?deSelects=resourceRequests'),
  ...getWs('/apps?deSelects=resourceInfo,timeouts,appNodeLabelExpression,amNodeLabelExpression'),
  ...getWs('/apps?deSelects=bogus'),
  ...getWs('/apps?states=BOGUS'),
  ...getWs('/apps?finalStatus=BOGUS'),
  ...getWs('/apps?user.name=mallory'),
  ...getWs('/appstatistics', {}, 'after submit'),
  ...getWs('/appstatistics?applicationTypes=spark'),
  ...getWs('/appstatistics?states=ACCEPTED'),
  ...getWs('/metrics', {}, 'after submit'),
  ...getWs('/scheduler', {}, 'after submit'),

  // One app.
  ...get('GET /apps/{spark}?user.name=alice (owner)', (c) => `${WS}/apps/${id(c, 'spark')}?user.name=alice`),
  ...get('GET /apps/{spark} (anonymous)', (c) => `${WS}/apps/${id(c, 'spark')}`),
  ...get('GET /apps/{spark}?user.name=mallory', (c) => `${WS}/apps/${id(c, 'spark')}?user.name=mallory`),
  ...get('GET /apps/{flink}', (c) => `${WS}/apps/${id(c, 'flink')}`),
  ...get('GET /apps/{unknown-queue}', (c) => `${WS}/apps/${id(c, 'unknownq')}`),
  ...get(
    'GET /apps/{spark}?deSelects=resourceRequests',
    (c) => `${WS}/apps/${id(c, 'spark')}?deSelects=resourceRequests`,
  ),
  ...get('GET /apps/application_<ts>_9999 (unknown)', (c) => `${WS}/apps/application_${c.clusterTimestamp}_9999`),
  ...getWs('/apps/application_abc'),
  ...get('GET /apps/{spark}/state', (c) => `${WS}/apps/${id(c, 'spark')}/state`),
  ...get('GET /apps/{spark}/appattempts', (c) => `${WS}/apps/${id(c, 'spark')}/appattempts`),
  ...get(
    'GET /apps/{spark}/appattempts?user.name=mallory',
    (c) => `${WS}/apps/${id(c, 'spark')}/appattempts?user.name=mallory`,
  ),
  ...get('GET /apps/{unknown-queue}/appattempts', (c) => `${WS}/apps/${id(c, 'unknownq')}/appattempts`),
  ...get('GET /apps/{spark}/timeouts', (c) => `${WS}/apps/${id(c, 'spark')}/timeouts`),

  // Kill.
  kill('PUT /apps/{default}/state KILLED as mallory [json]', 'default', 'mallory', 'KILLED'),
  kill('PUT /apps/{default}/state KILLED as mallory [xml]', 'default', 'mallory', 'KILLED', { xml: true }),
  kill('PUT /apps/{default}/state KILLED anonymous [json]', 'default', undefined, 'KILLED'),
  kill('PUT /apps/{default}/state KILLED anonymous [xml]', 'default', undefined, 'KILLED', { xml: true }),
  kill('PUT /apps/{default}/state RUNNING as owner [json]', 'default', 'bob', 'RUNNING'),
  kill('PUT /apps/{default}/state RUNNING as owner [xml]', 'default', 'bob', 'RUNNING', { xml: true }),
  kill('PUT /apps/{spark}/state KILLED as owner [json]', 'spark', 'alice', 'KILLED', { tags: ['kill-race'] }),
  kill('PUT /apps/{flink}/state KILLED as owner [xml]', 'flink', 'alice', 'KILLED', {
    xml: true,
    tags: ['kill-race'],
  }),
  { settle: ['spark', 'flink'], until: ['KILLED'] },
  kill('PUT /apps/{spark}/state KILLED again [json]', 'spark', 'alice', 'KILLED'),
  kill('PUT /apps/{flink}/state KILLED again [xml]', 'flink', 'alice', 'KILLED', { xml: true }),
  kill('PUT /apps/{unknown-queue}/state KILLED as mallory (app FAILED)', 'unknownq', 'mallory', 'KILLED'),
  ...get('GET /apps/{spark} after kill', (c) => `${WS}/apps/${id(c, 'spark')}`),
  ...get('GET /apps/{spark}/state after kill', (c) => `${WS}/apps/${id(c, 'spark')}/state`),
  ...get('GET /apps/{spark}/appattempts after kill', (c) => `${WS}/apps/${id(c, 'spark')}/appattempts`),
  ...get('GET /apps/{spark}/timeouts after kill', (c) => `${WS}/apps/${id(c, 'spark')}/timeouts`),
  ...getWs('/apps?states=KILLED'),
  ...getWs('/apps?finalStatus=KILLED'),
  ...getWs('/appstatistics', {}, 'after kill'),
  ...getWs('/metrics', {}, 'after kill'),

  // Queue, priority, timeouts, attempt details (on the app still ACCEPTED, bob's).
  ...get('GET /apps/{default}/queue', (c) => `${WS}/apps/${id(c, 'default')}/queue`),
  put('PUT /apps/{default}/queue flink as mallory', 'default', 'queue', 'mallory', { queue: 'flink' }),
  put('PUT /apps/{default}/queue nosuchqueue as owner', 'default', 'queue', 'bob', { queue: 'nosuchqueue' }),
  put('PUT /apps/{default}/queue flink as owner [json]', 'default', 'queue', 'bob', { queue: 'flink' }),
  put('PUT /apps/{default}/queue spark as owner [xml]', 'default', 'queue', 'bob', { queue: 'spark' }, 'appqueue'),
  put('PUT /apps/{unknown-queue}/queue (app FAILED)', 'unknownq', 'queue', 'alice', { queue: 'flink' }),
  ...get('GET /apps/{default}/priority', (c) => `${WS}/apps/${id(c, 'default')}/priority`),
  put('PUT /apps/{default}/priority 5 as mallory', 'default', 'priority', 'mallory', { priority: 5 }),
  put('PUT /apps/{default}/priority 99 as owner [json]', 'default', 'priority', 'bob', { priority: 99 }),
  put(
    'PUT /apps/{default}/priority 4 as owner [xml]',
    'default',
    'priority',
    'bob',
    { priority: 4 },
    'applicationpriority',
  ),
  ...get('GET /apps/{default}/timeouts/LIFETIME', (c) => `${WS}/apps/${id(c, 'default')}/timeouts/LIFETIME`),
  ...get('GET /apps/{default}/timeouts/BOGUS', (c) => `${WS}/apps/${id(c, 'default')}/timeouts/BOGUS`),
  put('PUT /apps/{default}/timeout as owner', 'default', 'timeout', 'bob', {
    timeout: { type: 'LIFETIME', expiryTime: '2099-12-31T23:59:59.000+0000' },
  }),
  put('PUT /apps/{default}/timeout BOGUS type', 'default', 'timeout', 'bob', {
    timeout: { type: 'BOGUS', expiryTime: '2099-12-31T23:59:59.000+0000' },
  }),
  ...get('GET /apps/{default} after updates', (c) => `${WS}/apps/${id(c, 'default')}`),
  ...get(
    'GET /apps/{default}/appattempts/{attempt 1}',
    (c) => `${WS}/apps/${id(c, 'default')}/appattempts/${attempt(c, 'default', 1)}`,
  ),
  ...get(
    'GET /apps/{default}/appattempts/{attempt 1}/containers',
    (c) => `${WS}/apps/${id(c, 'default')}/appattempts/${attempt(c, 'default', 1)}/containers`,
  ),
  ...get(
    'GET /apps/{default}/appattempts/{attempt 9}',
    (c) => `${WS}/apps/${id(c, 'default')}/appattempts/${attempt(c, 'default', 9)}`,
  ),
  ...get('GET /apps/{default}/appattempts/bogus', (c) => `${WS}/apps/${id(c, 'default')}/appattempts/bogus`),

  // Wrong methods, unknown paths, content negotiation, outside /ws.
  { name: 'POST /info [json]', method: 'POST', path: () => `${WS}/info` },
  { name: 'POST /info [xml]', method: 'POST', path: () => `${WS}/info`, accept: XML_TYPE },
  { name: 'DELETE /apps [json]', method: 'DELETE', path: () => `${WS}/apps` },
  { name: 'DELETE /apps [xml]', method: 'DELETE', path: () => `${WS}/apps`, accept: XML_TYPE },
  ...get('GET /apps/new-application', () => `${WS}/apps/new-application`),
  ...getWs('/bogus'),
  { name: 'GET /info Accept: text/csv', method: 'GET', path: () => `${WS}/info`, accept: 'text/csv' },
  { name: 'GET /apps Accept: text/csv', method: 'GET', path: () => `${WS}/apps`, accept: 'text/csv' },
  { name: 'GET /isActive', method: 'GET', path: () => '/isActive' },
  { name: 'GET /cluster', method: 'GET', path: () => '/cluster' },
];
