import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { pendingUnitViews, snapshot } from './model.ts';
import type { UiDeps } from './web-ui.ts';

export type { UiDeps } from './web-ui.ts';

/** Where the pages, styles and browser modules are: served as they are, no build step, nothing from a CDN. */
export const UI_STATIC_DIR = join(import.meta.dirname, 'static');

/**
 * The pages may load only this origin's scripts, styles and data: a string that slipped into the DOM as markup
 * still could not run (the pages put data in with textContent, so this is the second line, not the first).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('Referrer-Policy', 'same-origin');
  next();
}

/**
 * `/ui`: the operators' web UI. Pages are one HTML shell whose modules render by path; their data is the RM REST
 * API (`/ws/v1/cluster/*`, same origin, so the figures are the API's) plus three JSON endpoints for what YARN has
 * no word for: the online / batch / reclaimable / idle split, its history, and the units waiting for placement.
 */
export function uiRouter(d: UiDeps): Router {
  const r = express.Router({ strict: false, caseSensitive: true });
  r.use(securityHeaders);

  r.get('/api/utilization', (_req, res) => {
    const now = d.now();
    res.json(snapshot(d.source.nodes(now), now));
  });

  r.get('/api/series', (req, res) => {
    const raw = req.query.since;
    const since = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
    res.json({
      intervalMs: d.sampler.intervalMs,
      capacity: d.sampler.capacity,
      points: d.sampler.points(since),
    });
  });

  r.get('/api/pending-units', (_req, res) => {
    const unavailable = d.source.pendingUnitsUnavailable?.();
    res.json({ units: pendingUnitViews(d.source.pendingUnits()), ...(unavailable ? { unavailable } : {}) });
  });

  r.use('/api', (req, res) => {
    res.status(404).json({ error: `no UI endpoint ${req.method} ${req.baseUrl}${req.path}` });
  });

  r.use('/assets', express.static(UI_STATIC_DIR, { index: false, dotfiles: 'ignore' }));

  const page = (_req: Request, res: Response): void => {
    res.sendFile(join(UI_STATIC_DIR, 'index.html'));
  };
  r.get(['/', '/apps', '/app/:id'], page);
  // Anything else under /ui is a plain 404, not the RM's RemoteException (a browser asked, not a YARN client).
  r.use((req, res) => {
    res.status(404).type('text/plain').send(`Not found: ${req.baseUrl}${req.path}`);
  });
  return r;
}
