import express, { type Request, type Response, type Router } from 'express';
import { isFinalState, type AppRecord, type DeselectField } from '../../api/yarn.ts';
import { requireUser } from '../auth/principal.ts';
import { findQueue, type ClusterView } from '../cluster-view.ts';
import { badRequest, notFound, PlainTextError } from '../errors.ts';
import { appInfoValue, lifetimeTimeout } from '../present.ts';
import { bodyFormat, parseBody } from '../request/body.ts';
import { parseAppQuery } from '../request/parse-app-query.ts';
import { parseSubmission } from '../request/parse-submission.ts';
import { app as appDao, appAttempts, apps as appsDao, appState, newApplication, timeouts } from '../serialize/daos.ts';
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
      ...(deselect ? { deselect } : {}),
    });

  r.get('/apps', async (req, res) => {
    const filter = parseAppQuery(req, (q) => findQueue(d.cluster.queues(), q)?.path);
    const list = await d.apps.list(filter);
    const ts = await d.apps.clusterTimestamp();
    const now = d.now();
    send(req, res, appsDao, {
      app: list.map((a) =>
        appInfoValue(a, {
          clusterTimestamp: ts,
          now,
          access: d.apps.canView(req.principal, a),
          deselect: filter.deselect,
        }),
      ),
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
    const submission = parseSubmission(await body(req, 'application-submission-context'));
    const app = await d.apps.submit(user, submission);
    const base = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}${req.baseUrl}${req.path.replace(/\/$/, '')}`;
    res.status(202).setHeader('Location', `${base}/${app.id}`);
    res.setHeader('Content-Type', CONTENT_TYPES[format]);
    res.end();
  });

  r.get('/apps/:id', async (req, res) => {
    const filter = parseAppQuery(req, () => undefined);
    const app = await d.apps.get(param(req));
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
      appAttempt: app.attempts.map((a) => ({
        id: a.id,
        startTime: a.startTime,
        finishedTime: a.finishedTime,
        containerId: access ? (a.containerId ?? '') : '',
        nodeHttpAddress: access ? (a.nodeHttpAddress ?? '') : '',
        nodeId: access ? (a.nodeId ?? '') : '',
        logsLink:
          access && a.containerId && a.nodeHttpAddress
            ? `http://${a.nodeHttpAddress}/node/containerlogs/${a.containerId}/${app.user}`
            : '',
        blacklistedNodes: '',
        nodesBlacklistedBySystem: '',
        appAttemptId: `appattempt_${app.id.slice('application_'.length)}_${String(a.id).padStart(6, '0')}`,
        exportPorts: 'null',
        appAttemptState: a.state,
      })),
    });
  });

  r.get('/apps/:id/timeouts', async (req, res) => {
    const app = await d.apps.get(param(req));
    send(req, res, timeouts, { timeout: [lifetimeTimeout(app, d.now())] });
  });

  return r;
}

export { isFinalState, notFound, PlainTextError };
