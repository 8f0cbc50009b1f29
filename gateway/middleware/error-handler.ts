import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { PlainTextError, REMOTE_EXCEPTIONS, RemoteError } from '../errors.ts';
import { remoteException } from '../serialize/daos.ts';
import { CONTENT_TYPES, negotiateOrJson } from '../serialize/negotiate.ts';
import { render } from '../serialize/respond.ts';

interface HttpError extends Error {
  status?: number;
  type?: string;
}

/** Errors thrown by express's own body reading (size, encoding) mapped to what the RM would say. */
function fromBodyParser(err: HttpError): RemoteError | undefined {
  if (err.type === 'entity.too.large') return new RemoteError('PayloadTooLarge', 'HTTP 413 Request Entity Too Large');
  if (err.type?.startsWith('entity.') || err.type === 'request.aborted' || err.type === 'encoding.unsupported') {
    return new RemoteError('Unmarshal', err.message);
  }
  return undefined;
}

/**
 * The only place errors become HTTP: RemoteException bodies in the negotiated format, plain text where the RM
 * answers plain text, 500 (logged) for anything unexpected. Client mistakes never reach the 5xx branch.
 */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const format = negotiateOrJson(req);
    if (err instanceof PlainTextError) {
      res.status(err.status).setHeader('Content-Type', CONTENT_TYPES[format]);
      res.end(err.message);
      return;
    }
    let remote = err instanceof RemoteError ? err : fromBodyParser(err as HttpError);
    if (!remote) {
      const unavailable =
        err instanceof Error &&
        /ECONNREFUSED|Connection is closed|MaxRetriesPerRequest|Stream isn't writeable/.test(err.message);
      remote = unavailable
        ? new RemoteError('Unavailable', 'The ResourceManager state store (Redis) is unavailable; retry later.')
        : new RemoteError('Internal', err instanceof Error ? err.message : String(err));
      log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    }
    const table = REMOTE_EXCEPTIONS[remote.kind];
    for (const [k, v] of Object.entries(remote.headers)) res.setHeader(k, v);
    res.status(table.status).setHeader('Content-Type', CONTENT_TYPES[format]);
    res.end(
      render(format, remoteException, {
        exception: table.exception,
        message: remote.remoteMessage,
        javaClassName: table.javaClassName,
      }),
    );
  };
}
