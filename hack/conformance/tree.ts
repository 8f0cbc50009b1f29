import { parseStringPromise } from 'xml2js';

/**
 * A parsed answer body that keeps what `JSON.parse` loses and a client may still depend on: the exact text of every
 * number (`40.0` vs `40`, longs past 2^53) and repeated keys (3.4.1 repeats `"entry"` in map fields). XML answers
 * map onto the same tree: an element is an object whose children are `xml` arrays of their occurrences, attributes
 * are `@name` fields, and an element with nothing but text is a string.
 */
export type Tree =
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'num'; raw: string }
  | { t: 'str'; v: string }
  | { t: 'arr'; items: Tree[]; xml?: boolean }
  | { t: 'obj'; fields: [string, Tree][] };

/** A body as received, classified by what it is rather than what its Content-Type claims. */
export type Body =
  | { kind: 'empty' }
  | { kind: 'json'; tree: Tree }
  | { kind: 'xml'; tree: Tree; prolog: string }
  | { kind: 'html'; title: string }
  | { kind: 'text'; text: string };

/** JSON text → {@link Tree}, strictly (RFC 8259), keeping number text and duplicate keys. */
export function parseJsonExact(text: string): Tree {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i] ?? '')) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`JSON: ${what} at offset ${i}`);
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): Tree => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const fields: [string, Tree][] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { t: 'obj', fields };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = str();
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        fields.push([key, value()]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { t: 'obj', fields };
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: Tree[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { t: 'arr', items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { t: 'arr', items };
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return { t: 'str', v: str() };
    for (const [word, tree] of [
      ['true', { t: 'bool', v: true }],
      ['false', { t: 'bool', v: false }],
      ['null', { t: 'null' }],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return tree;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return { t: 'num', raw: m[0] };
  };
  const tree = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return tree;
}

type XmlNode = string | { [k: string]: unknown };

function xmlElement(node: XmlNode): Tree {
  if (typeof node === 'string') return { t: 'str', v: node };
  const fields: [string, Tree][] = [];
  for (const [k, v] of Object.entries(node)) {
    if (k === '$') {
      for (const [a, av] of Object.entries(v as Record<string, string>)) fields.push([`@${a}`, { t: 'str', v: av }]);
    } else if (k === '_') {
      fields.push(['#text', { t: 'str', v: v as string }]);
    } else {
      fields.push([k, { t: 'arr', xml: true, items: (v as XmlNode[]).map(xmlElement) }]);
    }
  }
  return { t: 'obj', fields };
}

/** XML text → {@link Tree} (xml2js, every child element as a list of its occurrences). */
export async function parseXml(text: string): Promise<Tree> {
  const doc = (await parseStringPromise(text, {
    explicitArray: true,
    explicitRoot: true,
    emptyTag: '',
    trim: false,
    normalize: false,
    attrkey: '$',
    charkey: '_',
  })) as Record<string, XmlNode>;
  return { t: 'obj', fields: Object.entries(doc).map(([k, v]) => [k, xmlElement(v)]) };
}

/** Classifies and parses a response body. */
export async function parseBody(text: string, contentType: string | undefined): Promise<Body> {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (/^<!DOCTYPE html|^<html/i.test(trimmed) || /text\/html/i.test(contentType ?? '')) {
    const title = /<title>([\s\S]*?)<\/title>/i.exec(trimmed)?.[1]?.trim() ?? '';
    return { kind: 'html', title };
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { kind: 'json', tree: parseJsonExact(trimmed) };
    } catch {
      return { kind: 'text', text };
    }
  }
  if (trimmed.startsWith('<')) {
    try {
      const prolog = /^<\?xml[^>]*\?>\s*/.exec(text)?.[0] ?? '';
      return { kind: 'xml', tree: await parseXml(text), prolog };
    } catch {
      return { kind: 'text', text };
    }
  }
  return { kind: 'text', text };
}

/** The first occurrence of `key` in an object tree (XML: the text of its first occurrence). */
export function field(tree: Tree | undefined, key: string): Tree | undefined {
  if (tree?.t !== 'obj') return undefined;
  const v = tree.fields.find(([k]) => k === key)?.[1];
  return v?.t === 'arr' && v.xml ? v.items[0] : v;
}

/** Follows `keys` through nested objects (XML occurrences: the first). */
export function dig(tree: Tree | undefined, ...keys: string[]): Tree | undefined {
  return keys.reduce<Tree | undefined>((t, k) => field(t, k), tree);
}

/** A scalar's text (numbers as written), undefined for anything else. */
export function scalar(tree: Tree | undefined): string | undefined {
  if (!tree) return undefined;
  if (tree.t === 'str') return tree.v;
  if (tree.t === 'num') return tree.raw;
  if (tree.t === 'bool') return String(tree.v);
  return undefined;
}
