/**
 * The one description of every YARN REST shape the gateway writes. Each DAO is described once, by field order and
 * kind; `json.ts` and `xml.ts` render any value through it, so the two formats cannot drift apart.
 *
 * Shape rules come from what a Hadoop 3.4.1 RM really emits (../shared/reference/yarn-rm-observed.md):
 * - JSON numbers keep Java's formatting: floats always carry a decimal (`0.0`), longs are exact beyond 2^53.
 * - `asString` scalars are emitted as JSON strings (the "mapped notation" DAOs: containers, single attempts).
 * - A list field renders as a JSON array even of one element and as repeated XML elements; an empty list is
 *   `{}` in its wrapper (`{"apps":{}}`) and `<apps/>` in XML.
 * - Absent (`undefined`) fields are omitted in both formats, never `null`.
 */

/** Scalar kinds, named after the Java types they mirror. */
export type ScalarKind = 'string' | 'int' | 'long' | 'float' | 'boolean';

export interface ScalarSchema {
  kind: 'scalar';
  type: ScalarKind;
  /** Emit as a JSON string (Jersey's mapped notation renders every scalar as a string). */
  asString?: boolean;
}

export interface ObjectSchema {
  kind: 'object';
  /** Field name → schema, in the order the RM emits them. */
  fields: readonly FieldSpec[];
  /** Polymorphic subtype: JSON `"type":"<value>"` first, XML `xsi:type="<value>"` on the element. */
  xsiType?: string;
}

export interface FieldSpec {
  name: string;
  schema: Schema;
}

/** A repeated element: JSON array under `name`, XML elements `<name>` repeated in place. */
export interface ListSchema {
  kind: 'list';
  of: Schema;
}

/** `java.util.Map`: JSON `{"entry":[{"key":..,"value":..}]}`, XML `<entry><key/><value/></entry>` repeated. */
export interface MapSchema {
  kind: 'map';
  value: Schema;
}

/** A polymorphic element: the schema is picked per value (parent vs leaf queues). */
export interface ChoiceSchema {
  kind: 'choice';
  pick: (value: Value) => Schema;
}

export type Schema = ScalarSchema | ObjectSchema | ListSchema | MapSchema | ChoiceSchema;

/** A top-level DAO: its XML root element and whether JSON wraps the object in that root key. */
export interface RootSchema {
  /** XML root element name (and JSON root key when `wrapped`). */
  root: string;
  /** Jersey's "wrapped" classes put the root name around the JSON object; unwrapped ones do not. */
  wrapped: boolean;
  schema: ObjectSchema;
}

const scalar =
  (type: ScalarKind) =>
  (asString = false): ScalarSchema => ({ kind: 'scalar', type, ...(asString ? { asString } : {}) });

export const str = scalar('string')();
export const int = scalar('int')();
export const long = scalar('long')();
export const float = scalar('float')();
export const bool = scalar('boolean')();
/** Scalars that Jersey's mapped notation renders as JSON strings. */
export const strInt = scalar('int')(true);
export const strLong = scalar('long')(true);

/** Ordered object from `[name, schema]` pairs (tuples keep the RM's field order explicit). */
export const obj = (fields: readonly (readonly [string, Schema])[], xsiType?: string): ObjectSchema => ({
  kind: 'object',
  fields: fields.map(([name, schema]) => ({ name, schema })),
  ...(xsiType ? { xsiType } : {}),
});
export const list = (of: Schema): ListSchema => ({ kind: 'list', of });
export const choice = (pick: (value: Value) => Schema): ChoiceSchema => ({ kind: 'choice', pick });
export const map = (value: Schema): MapSchema => ({ kind: 'map', value });
export const root = (name: string, schema: ObjectSchema, wrapped = true): RootSchema => ({
  root: name,
  wrapped,
  schema,
});

/** Values the renderers accept: plain data, with bigint for longs that exceed 2^53. */
export type Value =
  | string
  | number
  | bigint
  | boolean
  | undefined
  | null
  | Value[]
  | { [key: string]: Value }
  | Map<string, Value>
  | RawJson;

/**
 * JSON this serializer rendered earlier (a cached list item), inserted as is. JSON only: the XML renderer refuses it.
 */
export class RawJson {
  constructor(readonly text: string) {}
}
