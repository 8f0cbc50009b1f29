import type { Request } from 'express';
import { RemoteError } from '../errors.ts';

export type Format = 'json' | 'xml';

/** Content types exactly as a 3.4.1 RM labels its answers (JSON without a space, XML with one). */
export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json;charset=utf-8',
  xml: 'application/xml; charset=utf-8',
};

/**
 * The answer format from `Accept`, with q-values: JSON when absent or `*\/*` (every RM resource lists JSON first),
 * XML when it ranks higher (browsers), 406 when neither is acceptable. The RM answers that last case with an empty
 * 500; Loom answers what 3.5.0 does.
 */
export function negotiate(req: Request): Format {
  if (!req.headers.accept) return 'json';
  const chosen = req.accepts(['json', 'xml']);
  if (chosen === 'json' || chosen === 'xml') return chosen;
  throw new RemoteError('NotAcceptable', 'HTTP 406 Not Acceptable');
}

/** Like `negotiate`, but never throws: the format for error bodies. */
export function negotiateOrJson(req: Request): Format {
  try {
    return negotiate(req);
  } catch {
    return 'json';
  }
}
