import { Builder } from 'xml2js';
import { formatFloat, mapEntries } from './json.ts';
import { RawJson, type ObjectSchema, type RootSchema, type ScalarSchema, type Schema, type Value } from './schema.ts';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** The RM's JAXB output: prolog with standalone="yes" glued to the root, no indentation. */
const builder = (rootName: string): Builder =>
  new Builder({
    rootName,
    xmldec: { version: '1.0', encoding: 'UTF-8', standalone: true },
    renderOpts: { pretty: false },
  });

/** Code points XML 1.0 cannot carry; replaced (as the RM's invalid-char filter does) so an answer never breaks. */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
export const hasInvalidXmlChars = (s: string): boolean => new RegExp(INVALID_XML.source, 'u').test(s);

type XmlNode = string | { [key: string]: XmlNode | XmlNode[] };

/** Renders a value as JAXB-shaped XML through its schema, via xml2js's Builder. */
export function renderXml(rootSchema: RootSchema, value: Record<string, Value>): string {
  const tree = objectNode(rootSchema.schema, value, false);
  return builder(rootSchema.root).buildObject(tree);
}

function objectNode(schema: ObjectSchema, value: Record<string, Value>, xsiDeclared: boolean): XmlNode {
  const out: Record<string, XmlNode | XmlNode[]> = {};
  let declared = xsiDeclared;
  if (schema.xsiType) {
    out.$ = xsiDeclared ? { 'xsi:type': schema.xsiType } : { 'xmlns:xsi': XSI, 'xsi:type': schema.xsiType };
    declared = true;
  }
  for (const field of schema.fields) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    const node = valueNode(field.schema, v, declared);
    if (node === undefined) continue;
    if (Array.isArray(node) && node.length === 0) continue;
    out[field.name] = node;
  }
  // An element with no children renders self-closing (`<apps/>`).
  return Object.keys(out).length === 0 ? '' : out;
}

function valueNode(schema: Schema, v: Value, xsiDeclared: boolean): XmlNode | XmlNode[] | undefined {
  if (v instanceof RawJson) throw new Error('pre-rendered JSON cannot be written as XML');
  switch (schema.kind) {
    case 'scalar':
      return scalarText(schema, v);
    case 'object':
      return objectNode(schema, v as Record<string, Value>, xsiDeclared);
    case 'choice':
      return valueNode(schema.pick(v), v, xsiDeclared);
    case 'list':
      return (v as Value[])
        .filter((item) => item !== undefined && item !== null)
        .map((item) => valueNode(schema.of, item, xsiDeclared) as XmlNode);
    case 'map': {
      const entries = mapEntries(v);
      if (entries.length === 0) return '';
      return {
        entry: entries.map(([key, val]) => ({
          key: clean(key),
          value: valueNode(schema.value, val, xsiDeclared) as XmlNode,
        })),
      };
    }
  }
}

const clean = (s: string): string => s.replace(INVALID_XML, '\uFFFD');

function scalarText(schema: ScalarSchema, v: Value): string {
  switch (schema.type) {
    case 'string':
      return clean(scalarString(v));
    case 'boolean':
      return String(Boolean(v));
    case 'float': {
      const f = formatFloat(Number(v));
      return f.startsWith('"') ? f.slice(1, -1) : f;
    }
    case 'int':
    case 'long':
      return typeof v === 'bigint' ? v.toString() : String(Math.trunc(Number(v)));
  }
}

/** Text of a scalar value; objects never reach a scalar field through the schema. */
function scalarString(v: Value): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}
