import express, { type Request, type Response, type Router } from 'express';
import { type AppRecord, type ContainerRecord, type DeselectField } from '../../api/yarn.ts';
import { RawJson, type Value } from '../serialize/schema.ts';
import { renderJsonObject } from '../serialize/json.ts';
import { requireUser } from '../auth/principal.ts';
import { findQueue, type ClusterView } from '../cluster-view.ts';
import { badRequest, notFound, PlainTextError, RemoteError } from '../errors.ts';
import { appInfoValue, lifetimeTimeout } from '../present.ts';
import { bodyFormat, parseBody } from '../request/body.ts';
import { parseAppQuery } from '../request/parse-app-query.ts';
import { parseSubmission } from '../request/parse-submission.ts';
import {
  app as appDao,
  appAttempt,
  appAttempts,
  appPriority,
  appQueue,
  apps as appsDao,
  appState,
  container,
  containers,
  newApplication,
  timeoutRoot,
  timeouts,
} from '../serialize/daos.ts';
import { send } from '../serialize/respond.ts';
import { CONTENT_TYPES, negotiate } from '../serialize/negotiate.ts';
import type { AppService } from '../services/app-service.ts';
import { resourceValue } from './resource-value.ts';

export interface AppsRouterDeps {
  apps: AppService;
  cluster: ClusterView;
  now: () => number;
}

const raw = express.raw({ type: () => true, limit: '1mb' });

/** `http://host:port` of this request, which the RM uses for links to itself. */
const origin = (req: Request): string => `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;

const param = (req: Request): string => {
  const v = req.params.id;
  return typeof v === 'string' ? v : '';
};

async function body(req: Request, root: string): Promise<unknown> {
  const format = bodyFormat(req.headers['content-type']);
  return parseBody(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), format, root);
}

/** `/ws/v1/cluster/apps...`: parse → service → write, nothing else. */
export function appsRouter(d: AppsRouterDeps): Router {
  const r = express.Router({ strict: false });
  const view = async (req: Request, app: AppRecord, deselect?: ReadonlySet<DeselectField>) =>
    appInfoValue(app, {
      clusterTimestamp: await d.apps.clusterTimestamp(),
      now: d.now(),
      access: d.apps.canView(req.principal, app),
      rmOrigin: origin(req),
      ...(deselect ? { deselect } : {}),
    });

  const fragments = new JsonFragments();
  r.get('/apps', async (req, res) => {
    const filter = parseAppQuery(req, (q) => findQueue(d.cluster.queues(), q)?.path);
    const list = await d.apps.list(filter);
    const ts = await d.apps.clusterTimestamp();
    const now = d.now();
    const rmOrigin = origin(req);
    const json = negotiate(req) === 'json' && filter.deselect.size === 0;
    send(req, res, appsDao, {
      app: list.map((a) => {
        const o = { clusterTimestamp: ts, now, access: d.apps.canView(req.principal, a), rmOrigin };
        return json ? fragments.render(a, o) : appInfoValue(a, { ...o, deselect: filter.deselect });
      }),
    });
  });

  r.post('/apps/new-application', async (req, res) => {
    requireUser(req);
    negotiate(req);
    const { id, max } = await d.apps.newApplication();
    send(req, res, newApplication, {
      'application-id': id,
      'maximum-resource-capability': resourceValue(max.memory, max.vCores),
    });
  });

  r.post('/apps', raw, async (req, res) => {
    const user = requireUser(req);
    const format = negotiate(req);
    const raw = await body(req, 'application-submission-context');
    const app = await d.apps.submit(user, parseSubmission(raw), raw);
    const base = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}${req.baseUrl}${req.path.replace(/\/$/, '')}`;
    res.status(202).setHeader('Location', `${base}/${app.id}`);
    res.setHeader('Content-Type', CONTENT_TYPES[format]);
    res.setHeader('Content-Length', '0');
    res.end();
  });

  // `new-application` is not an app id: a GET there is the wrong method, not a malformed id.
  r.all('/apps/new-application', (_req, _res, next) => {
    next(new RemoteError('MethodNotAllowed', 'HTTP 405 Method Not Allowed', { Allow: 'POST' }));
  });

  r.get('/apps/:id', async (req, res) => {
    const filter = parseAppQuery(req, () => undefined);
    const app = await d.apps.get(param(req));
    if (negotiate(req) === 'json' && filter.deselect.size === 0) {
      // The same cached JSON as in `/apps` (the store hands out the same record object while it is unchanged).
      const o = {
        clusterTimestamp: await d.apps.clusterTimestamp(),
        now: d.now(),
        access: d.apps.canView(req.principal, app),
        rmOrigin: origin(req),
      };
      send(req, res, appDao, fragments.render(app, o));
      return;
    }
    send(req, res, appDao, await view(req, app, filter.deselect));
  });

  r.get('/apps/:id/state', async (req, res) => {
    const app = await d.apps.get(param(req));
    send(req, res, appState, { state: app.state });
  });

  r.put('/apps/:id/state', raw, async (req: Request, res: Response) => {
    negotiate(req);
    const app = await d.apps.get(param(req));
    const target = (await body(req, 'appstate')) as { state?: unknown; diagnostics?: unknown };
    if (typeof target.state !== 'string' || target.state !== 'KILLED') {
      if (typeof target.state === 'string' && target.state === app.state) {
        send(req, res, appState, { state: app.state });
        return;
      }
      throw badRequest("Only 'KILLED' is allowed as a target state.");
    }
    const diagnostics = typeof target.diagnostics === 'string' ? target.diagnostics : undefined;
    const result = await d.apps.kill(req.principal, app.id, diagnostics);
    if (result.done) {
      send(req, res, appState, { state: result.state });
    } else {
      res.setHeader(
        'Location',
        `${req.protocol}://${req.get('host') ?? '127.0.0.1'}${req.originalUrl.split('?')[0] ?? ''}`,
      );
      send(req, res, appState, { state: result.state }, 202);
    }
  });

  r.get('/apps/:id/appattempts', async (req, res) => {
    const app = await d.apps.get(param(req));
    const access = d.apps.canView(req.principal, app);
    send(req, res, appAttempts, {
      appAttempt: app.attempts.map((a) => {
        // 3.4.1's AppAttemptInfo fills the AM container's fields only once it is placed and the caller has view
        // access; until then `exportPorts` keeps its "" default and `nodesBlacklistedBySystem` stays absent.
        const placed = access && a.containerId !== undefined;
        return {
          id: a.id,
          startTime: a.startTime,
          finishedTime: a.finishedTime,
          containerId: placed ? a.containerId : '',
          nodeHttpAddress: placed ? (a.nodeHttpAddress ?? '') : '',
          nodeId: placed ? (a.nodeId ?? '') : '',
          logsLink:
            placed && a.nodeHttpAddress
              ? `http://${a.nodeHttpAddress}/node/containerlogs/${a.containerId}/${app.user}`
              : '',
          blacklistedNodes: '',
          nodesBlacklistedBySystem: placed ? '' : undefined,
          appAttemptId: attemptIdOf(app.id, a.id),
          exportPorts: placed ? 'null' : '',
          appAttemptState: a.state,
        };
      }),
    });
  });

  r.get('/apps/:id/timeouts', async (req, res) => {
    const app = await d.apps.get(param(req));
    send(req, res, timeouts, { timeout: [lifetimeTimeout(app, d.now())] });
  });

  r.get('/apps/:id/timeouts/:type', async (req, res) => {
    const app = await d.apps.get(param(req));
    const type = String(req.params.type).toUpperCase();
    if (type !== 'LIFETIME') {
      throw badRequest(
        `Invalid application-state ${String(req.params.type)} specified. It should be one of [LIFETIME]`,
      );
    }
    send(req, res, timeoutRoot, lifetimeTimeout(app, d.now()));
  });

  r.put('/apps/:id/timeout', raw, async (req, res) => {
    negotiate(req);
    const app = await d.apps.get(param(req));
    const parsed = (await body(req, 'timeout')) as Record<string, unknown>;
    // JSON wraps the object in "timeout"; XML's root element already is <timeout>.
    const t = (typeof parsed.timeout === 'object' && parsed.timeout !== null ? parsed.timeout : parsed) as Record<
      string,
      unknown
    >;
    if (typeof t.type !== 'string' || typeof t.expiryTime !== 'string')
      throw new PlainTextError(400, 'Timeout type or ExpiryTime is null.');
    // An unknown type reads as no type at all, as in the RM.
    if (t.type.toUpperCase() !== 'LIFETIME') throw new PlainTextError(400, 'Timeout type or ExpiryTime is null.');
    const expiry = parseYarnTime(t.expiryTime);
    if (expiry === undefined)
      throw new PlainTextError(
        400,
        `Expire time is not in ISO8601 format. ISO8601 supported format is yyyy-MM-dd'T'HH:mm:ss.SSSZ. Configured timeout value is ${t.expiryTime}`,
      );
    const updated = await d.apps.setLifetime(req.principal, app.id, expiry);
    send(req, res, timeoutRoot, lifetimeTimeout(updated, d.now()));
  });

  r.get('/apps/:id/queue', async (req, res) => {
    const app = await d.apps.get(param(req));
    send(req, res, appQueue, { queue: app.queue });
  });

  r.put('/apps/:id/queue', raw, async (req, res) => {
    negotiate(req);
    const app = await d.apps.get(param(req));
    const target = (await body(req, 'appqueue')) as { queue?: unknown };
    if (typeof target.queue !== 'string' || target.queue === '') throw badRequest('Queue name must be specified');
    send(req, res, appQueue, { queue: await d.apps.move(req.principal, app.id, target.queue) });
  });

  r.get('/apps/:id/priority', async (req, res) => {
    const app = await d.apps.get(param(req));
    send(req, res, appPriority, { priority: app.priority });
  });

  r.put('/apps/:id/priority', raw, async (req, res) => {
    negotiate(req);
    const app = await d.apps.get(param(req));
    const target = (await body(req, 'applicationpriority')) as { priority?: unknown };
    const n = typeof target.priority === 'number' ? target.priority : Number(target.priority);
    if (target.priority === undefined || target.priority === '' || !Number.isInteger(n)) {
      throw badRequest('Priority must be an integer');
    }
    send(req, res, appPriority, { priority: await d.apps.setPriority(req.principal, app.id, n) });
  });

  r.get('/apps/:id/appattempts/:attemptId', async (req, res) => {
    const { app, attempt } = await findAttempt(req);
    send(req, res, appAttempt, {
      appAttemptId: attemptIdOf(app.id, attempt.id),
      host: attempt.nodeId?.split(':')[0] ?? 'N/A',
      rpcPort: -1,
      // Loom runs no web-app proxy, so no `/proxy/<app>/` link (deliberate, docs/gateway.md); the URL the AM
      // registered is "N/A" until it has registered one, as in the RM.
      trackingUrl: app.trackingUrl ?? '',
      originalTrackingUrl: app.trackingUrl ?? 'N/A',
      diagnosticsInfo: attempt.diagnostics ?? '',
      appAttemptState: attempt.state,
      // Absent until the AM container is allocated, as the RM's report has none.
      amContainerId: attempt.containerId,
      startedTime: attempt.startTime,
      finishedTime: attempt.finishedTime,
    });
  });

  r.get('/apps/:id/appattempts/:attemptId/containers', async (req, res) => {
    const { app, attempt } = await findAttempt(req);
    const list = await d.apps.containers(app.id, attempt.id);
    send(req, res, containers, { container: list.map((c) => containerValue(c, app.user, d.now())) });
  });

  r.get('/apps/:id/appattempts/:attemptId/containers/:containerId', async (req, res) => {
    const { app, attempt } = await findAttempt(req);
    const cid = String(req.params.containerId);
    const found = (await d.apps.containers(app.id, attempt.id)).find((c) => c.containerId === cid);
    if (!found) throw notFound(`container with id: ${cid} not found`);
    send(req, res, container, containerValue(found, app.user, d.now()));
  });

  async function findAttempt(req: Request): Promise<{ app: AppRecord; attempt: AppRecord['attempts'][number] }> {
    const app = await d.apps.get(param(req));
    const raw = String(req.params.attemptId);
    if (!raw.startsWith('appattempt_')) {
      throw new RemoteError(
        'BadRequestCause',
        `java.lang.IllegalArgumentException: Invalid AppAttemptId prefix: ${raw}`,
      );
    }
    if (!/^appattempt_\d+_\d+_\d+$/.test(raw)) {
      throw new RemoteError('BadRequestCause', `java.lang.IllegalArgumentException: Invalid AppAttemptId: ${raw}`);
    }
    const attempt = app.attempts.find((a) => attemptIdOf(app.id, a.id) === raw);
    if (!attempt) {
      throw new RemoteError(
        'NotFoundCause',
        `org.apache.hadoop.yarn.exceptions.ApplicationAttemptNotFoundException: ApplicationAttempt with id '${raw}' doesn't exist in RM.`,
      );
    }
    return { app, attempt };
  }

  return r;
}

/**
 * The JSON of each app in `/apps`, cached by record identity (the store hands out the same frozen object while the
 * stored JSON is unchanged, so a changed app is a new key and the old entry goes with its record). Everything of an
 * AppInfo but `elapsedTime` is a function of the record and the request's view of it (access, the RM's origin); the
 * elapsed time is spliced in per request. Apps with a lifetime (whose remaining seconds change) are rendered afresh.
 */
class JsonFragments {
  private readonly cache = new WeakMap<AppRecord, Map<string, { head: string; tail: string }>>();

  render(app: AppRecord, o: { clusterTimestamp: number; now: number; access: boolean; rmOrigin: string }): RawJson {
    const elapsed = o.access ? (app.finishedTime || o.now) - app.startedTime : 0;
    if (app.lifetimeExpiry !== undefined) return new RawJson(renderJsonObject(appDao.schema, appInfoValue(app, o)));
    const key = `${o.access ? 1 : 0} ${o.clusterTimestamp} ${o.rmOrigin}`;
    let byView = this.cache.get(app);
    let parts = byView?.get(key);
    if (!parts) {
      // Rendered twice with elapsed times of the same width differing in their first and last digit: the two texts
      // differ exactly where the elapsed time is written.
      const a = renderJsonObject(appDao.schema, { ...appInfoValue(app, o), elapsedTime: 1_000_000_000_000_001 });
      const b = renderJsonObject(appDao.schema, { ...appInfoValue(app, o), elapsedTime: 2_000_000_000_000_002 });
      let start = 0;
      while (a[start] === b[start]) start++;
      parts = { head: a.slice(0, start), tail: a.slice(start + '1000000000000001'.length) };
      if (!byView) this.cache.set(app, (byView = new Map<string, { head: string; tail: string }>()));
      byView.set(key, parts);
    }
    return new RawJson(`${parts.head}${elapsed}${parts.tail}`);
  }
}

/** `appattempt_<ts>_<seq>_<attempt, 6 digits>`, as YARN formats attempt ids. */
export const attemptIdOf = (appId: string, attempt: number): string =>
  `appattempt_${appId.slice('application_'.length)}_${String(attempt).padStart(6, '0')}`;

/** `yyyy-MM-dd'T'HH:mm:ss.SSSZ` (Z as +hhmm or +hh:mm), the format the RM accepts for expiry times. */
export function parseYarnTime(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})([+-]\d{2}):?(\d{2})$/.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[2]}:${m[3]}`);
  return Number.isNaN(ms) ? undefined : ms;
}

function containerValue(c: ContainerRecord, user: string, now: number): Record<string, Value> {
  return {
    containerId: c.containerId,
    allocatedMB: c.allocatedMB,
    allocatedVCores: c.allocatedVCores,
    assignedNodeId: c.nodeId,
    priority: c.priority,
    startedTime: c.startedTime,
    finishedTime: c.finishedTime,
    elapsedTime: (c.finishedTime || now) - c.startedTime,
    logUrl: `http://${c.nodeHttpAddress}/node/containerlogs/${c.containerId}/${user}`,
    containerExitStatus: c.exitStatus,
    containerState: c.state,
    nodeHttpAddress: `http://${c.nodeHttpAddress}`,
    nodeId: c.nodeId,
    allocatedResources: { 'memory-mb': c.allocatedMB, vcores: c.allocatedVCores },
    diagnosticsInfo: c.diagnostics,
  };
}
