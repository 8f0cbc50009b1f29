import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppService } from './services/app-service.ts';

const WS = '/ws/v1/cluster';

/**
 * Prometheus metrics of the gateway, served at `/metrics` (and `/prom`, where a Hadoop 3.3+ RM serves its own with
 * `hadoop.prometheus.endpoint.enabled`): requests by route template, method and status, their latency, and the
 * applications per YARN state read from Redis at scrape time, so every replica reports the same cluster-wide counts.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'loom_gateway_http_requests_total',
    help: 'REST requests by route template, method and status code.',
    labelNames: ['route', 'method', 'code'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'loom_gateway_http_request_duration_seconds',
    help: 'REST request latency by route template and method.',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(apps: AppService) {
    collectDefaultMetrics({ register: this.registry, prefix: 'loom_gateway_' });
    new Gauge({
      name: 'loom_gateway_applications',
      help: 'YARN applications by state (REFUSED: failed at submission), as /ws/v1/cluster/appstatistics counts them.',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        for (const [state, n] of await apps.countByState()) this.set({ state }, n);
      },
    });
  }

  /** Express middleware: times every request and labels it with the route that answered it. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The template (`/ws/v1/cluster/apps/:id/state`), never the raw path: ids would explode the series count.
      const path = (req.route as { path?: string } | undefined)?.path;
      // By `finish` an error answer has left the /ws router, whose mount point is then gone from req.baseUrl.
      const base = req.originalUrl.startsWith(WS) && typeof path === 'string' && !path.startsWith(WS) ? WS : '';
      const route = typeof path === 'string' ? `${base}${path}` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.requests.inc({ route, method: req.method, code: String(res.statusCode) });
      this.latency.observe({ route, method: req.method }, seconds);
    });
    next();
  };

  /** The `/metrics` handler. */
  readonly handler = (_req: Request, res: Response, next: NextFunction): void => {
    this.registry
      .metrics()
      .then((text) => {
        res.setHeader('Content-Type', this.registry.contentType);
        res.end(text);
      })
      .catch(next);
  };
}
