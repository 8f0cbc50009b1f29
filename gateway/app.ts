import compression from 'compression';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { principalMiddleware, type AuthConfig } from './auth/principal.ts';
import type { ClusterView } from './cluster-view.ts';
import { RemoteError } from './errors.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import { errorHandler } from './middleware/error-handler.ts';
import { appsRouter } from './routes/apps.ts';
import { clusterRouter } from './routes/cluster.ts';
import type { AppService } from './services/app-service.ts';
import { uiRouter, type UiDeps } from './ui/router.ts';

/** Collaborators of the gateway; `main.ts` builds them from flags, tests from fixtures. */
export interface GatewayDeps {
  apps: AppService;
  cluster: ClusterView;
  auth: AuthConfig;
  log: Logger;
  now: () => number;
  startedOn: number;
  loomVersion: string;
  /** The web UI's backend; absent, `/ui` is not served (`loom gateway --no-ui`). */
  ui?: UiDeps;
}

/** Every route under /ws/v1/cluster and the methods it answers, for 405 vs 404. */
const ROUTES: [RegExp, string[]][] = [
  [/^\/?$/, ['GET']],
  [/^\/info\/?$/, ['GET']],
  [/^\/metrics\/?$/, ['GET']],
  [/^\/scheduler\/?$/, ['GET']],
  [/^\/nodes\/?$/, ['GET']],
  [/^\/nodes\/[^/]+\/?$/, ['GET']],
  [/^\/appstatistics\/?$/, ['GET']],
  [/^\/apps\/?$/, ['GET', 'POST']],
  [/^\/apps\/new-application\/?$/, ['POST']],
  [/^\/apps\/[^/]+\/?$/, ['GET']],
  [/^\/apps\/[^/]+\/state\/?$/, ['GET', 'PUT']],
  [/^\/apps\/[^/]+\/appattempts\/?$/, ['GET']],
  [/^\/apps\/[^/]+\/appattempts\/[^/]+\/?$/, ['GET']],
  [/^\/apps\/[^/]+\/appattempts\/[^/]+\/containers\/?$/, ['GET']],
  [/^\/apps\/[^/]+\/appattempts\/[^/]+\/containers\/[^/]+\/?$/, ['GET']],
  [/^\/apps\/[^/]+\/timeouts\/?$/, ['GET']],
  [/^\/apps\/[^/]+\/timeouts\/[^/]+\/?$/, ['GET']],
  [/^\/apps\/[^/]+\/timeout\/?$/, ['PUT']],
  [/^\/apps\/[^/]+\/queue\/?$/, ['GET', 'PUT']],
  [/^\/apps\/[^/]+\/priority\/?$/, ['GET', 'PUT']],
];

/** Headers every RM answer carries (Hadoop's HttpServer2 defaults). */
function rmHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Expires', new Date().toUTCString());
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-FRAME-OPTIONS', 'SAMEORIGIN');
  res.setHeader('X-XSS-Protection', '1; mode=block');
  next();
}

/** The express app of the gateway: middleware, routers, error handler. No listen, no environment. */
export function createGateway(d: GatewayDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Flat name → value(s), as Jersey reads the RM's parameters: `states[]=` or `a[b]=` are just odd names there.
  app.set('query parser', 'simple');
  app.set('case sensitive routing', true);
  const compress = compression();
  app.use((req, res, next) => {
    // compression() wraps every answer's writeHead/write/end; a client that accepts no encoding (curl, most YARN
    // clients, the bench) gets the same bytes without paying for the wrapping (a third of a trivial request's cpu).
    if (req.headers['accept-encoding']) {
      compress(req, res, next);
      return;
    }
    res.setHeader('Vary', 'Accept-Encoding');
    next();
  });
  const metrics = new GatewayMetrics(d.apps);
  app.use(metrics.middleware);
  app.use(rmHeaders);
  app.use(principalMiddleware(d.auth, d.now));

  app.get(['/metrics', '/prom'], metrics.handler);
  // Outside /ws: the load-balancer probe and the web UI root that yarn-api-client probes before anything else.
  app.get('/isActive', (_req, res) => {
    res.setHeader('Content-Type', 'text/plain;charset=utf-8');
    res.end('I am Active!');
  });
  app.get(['/cluster', '/cluster/cluster'], (_req, res) => {
    res.setHeader('Content-Type', 'text/html;charset=utf-8');
    res.end(
      '<!DOCTYPE html><html><head><title>All Applications</title></head><body><h1>Loom</h1><p>YARN ResourceManager REST API at <a href="/ws/v1/cluster">/ws/v1/cluster</a></p></body></html>',
    );
  });

  const ws = express.Router({ strict: false, caseSensitive: true });
  ws.use(
    clusterRouter({
      apps: d.apps,
      auth: d.auth,
      cluster: d.cluster,
      startedOn: d.startedOn,
      loomVersion: d.loomVersion,
    }),
  );
  ws.use(appsRouter({ apps: d.apps, cluster: d.cluster, now: d.now }));
  ws.use((req, _res, next) => {
    const route = ROUTES.find(([re]) => re.test(req.path));
    if (route && !route[1].includes(req.method) && !(req.method === 'HEAD' && route[1].includes('GET'))) {
      next(new RemoteError('MethodNotAllowed', 'HTTP 405 Method Not Allowed', { Allow: route[1].join(',') }));
      return;
    }
    next(new RemoteError('NotFound', `HTTP 404 Not Found: ${req.baseUrl}${req.path}`));
  });
  app.use('/ws/v1/cluster', ws);
  if (d.ui) app.use('/ui', uiRouter(d.ui));
  app.use(errorHandler(d.log));
  return app;
}
