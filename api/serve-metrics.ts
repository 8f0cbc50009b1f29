import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** Serves a prom-client registry at `/metrics` on 127.0.0.1:`port` (0 picks a free port); every other path is 404. */
export function serveMetrics(registry: Registry, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry
      .metrics()
      .then((text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text))
      .catch(() => res.writeHead(500).end());
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
