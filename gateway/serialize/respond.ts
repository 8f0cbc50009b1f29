import type { Request, Response } from 'express';
import { renderJson } from './json.ts';
import { negotiate, CONTENT_TYPES, type Format } from './negotiate.ts';
import type { RootSchema, Value } from './schema.ts';
import { renderXml } from './xml.ts';

/** Renders `value` through `schema` in `format`. */
export function render(format: Format, schema: RootSchema, value: Record<string, Value>): string {
  return format === 'json' ? renderJson(schema, value) : renderXml(schema, value);
}

/** Writes a DAO answer in the negotiated format with the RM's headers. */
export function send(
  req: Request,
  res: Response,
  schema: RootSchema,
  value: Record<string, Value>,
  status = 200,
): void {
  const format = negotiate(req);
  res.status(status).setHeader('Content-Type', CONTENT_TYPES[format]);
  const body = render(format, schema, value);
  // The RM streams JSON (chunked) but gives XML a Content-Length.
  if (format === 'xml') res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.end(body);
}
