import type { Request, Response } from 'express';
import { renderJson } from './json.ts';
import { negotiate, CONTENT_TYPES, type Format } from './negotiate.ts';
import { RawJson, type RootSchema, type Value } from './schema.ts';
import { renderXml } from './xml.ts';

/** Renders `value` through `schema` in `format`; a value already rendered as JSON is for JSON answers only. */
export function render(format: Format, schema: RootSchema, value: Record<string, Value> | RawJson): string {
  if (format === 'json') return renderJson(schema, value);
  if (value instanceof RawJson) throw new Error(`pre-rendered JSON for an XML answer (${schema.root})`);
  return renderXml(schema, value);
}

/** Writes a DAO answer in the negotiated format with the RM's headers. */
export function send(
  req: Request,
  res: Response,
  schema: RootSchema,
  value: Record<string, Value> | RawJson,
  status = 200,
): void {
  const format = negotiate(req);
  res.status(status).setHeader('Content-Type', CONTENT_TYPES[format]);
  const body = render(format, schema, value);
  // The RM streams JSON (chunked) but gives XML a Content-Length.
  if (format === 'xml') res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.end(body);
}
