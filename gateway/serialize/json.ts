import {
  RawJson,
  type FieldSpec,
  type ObjectSchema,
  type RootSchema,
  type ScalarSchema,
  type Schema,
  type Value,
} from './schema.ts';

/**
 * Renders a value as Jersey-1 JSON through its schema. A hand-written emitter rather than JSON.stringify because the
 * RM's number formatting cannot be expressed there: floats keep a decimal (`40.0`), longs stay exact past 2^53,
 * some DAOs render numbers as strings.
 */
export function renderJson(rootSchema: RootSchema, value: Record<string, Value> | RawJson): string {
  // Already rendered (the cached JSON of an app): only the root wrapping is added.
  const body = value instanceof RawJson ? value.text : renderObject(rootSchema.schema, value);
  return rootSchema.wrapped ? `{${JSON.stringify(rootSchema.root)}:${body}}` : body;
}

/** One object through its schema, without a root: what a list item of that schema renders as. */
export function renderJsonObject(schema: ObjectSchema, value: Record<string, Value>): string {
  return renderObject(schema, value);
}

function renderObject(schema: ObjectSchema, value: Record<string, Value>): string {
  const parts: string[] = [];
  if (schema.xsiType) parts.push(`"type":${JSON.stringify(schema.xsiType)}`);
  for (const field of schema.fields) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    // Jersey drops an empty list altogether: `{"apps":{}}`, never `"app":[]`.
    if (field.schema.kind === 'list' && Array.isArray(v) && v.length === 0) continue;
    const rendered = renderField(field, v);
    if (rendered !== undefined) parts.push(`${JSON.stringify(field.name)}:${rendered}`);
  }
  return `{${parts.join(',')}}`;
}

function renderField(field: FieldSpec, v: Value): string | undefined {
  return renderValue(field.schema, v);
}

function renderValue(schema: Schema, v: Value): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof RawJson) return v.text;
  switch (schema.kind) {
    case 'scalar':
      return renderScalar(schema, v);
    case 'object':
      return renderObject(schema, v as Record<string, Value>);
    case 'choice':
      return renderValue(schema.pick(v), v);
    case 'list': {
      const items = (v as Value[]).map((item) => renderValue(schema.of, item)).filter((s) => s !== undefined);
      return `[${items.join(',')}]`;
    }
    case 'map': {
      const entries = mapEntries(v);
      if (entries.length === 0) return '{}';
      const rendered = entries.map(
        ([k, val]) => `{"key":${JSON.stringify(k)},"value":${renderValue(schema.value, val) ?? 'null'}}`,
      );
      return `{"entry":[${rendered.join(',')}]}`;
    }
  }
}

export function mapEntries(v: Value): [string, Value][] {
  if (v instanceof Map) return [...v.entries()];
  return Object.entries(v as Record<string, Value>);
}

/** Java's Float/Double.toString keeps a decimal point for integral values: 40 → "40.0". */
export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return '"NaN"';
  if (!Number.isFinite(n)) return n > 0 ? '"Infinity"' : '"-Infinity"';
  return Number.isInteger(n) && Math.abs(n) < 1e7 ? `${n}.0` : String(n);
}

function renderScalar(schema: ScalarSchema, v: Value): string {
  let text: string;
  switch (schema.type) {
    case 'string':
      return JSON.stringify(scalarString(v));
    case 'boolean':
      text = String(Boolean(v));
      break;
    case 'float':
      text = formatFloat(Number(v));
      if (text.startsWith('"')) return text;
      break;
    case 'int':
    case 'long':
      text = typeof v === 'bigint' ? v.toString() : String(Math.trunc(Number(v)));
      break;
  }
  return schema.asString ? JSON.stringify(text) : text;
}

/** Text of a scalar value; objects never reach a scalar field through the schema. */
function scalarString(v: Value): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}
