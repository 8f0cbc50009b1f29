import type { Body, Tree } from './tree.ts';

/**
 * Field-by-field structural diff of two normalised answers (reference = the Hadoop RM, loom = the gateway).
 *
 * Kinds: `status`, `content-type`, `header` (one response header), `body-kind` (JSON vs XML vs text vs HTML vs
 * empty), `prolog` (the XML declaration), `missing` (only the reference has it), `extra` (only Loom has it), `type`
 * (number vs string vs object ...; also repeated JSON keys vs an array), `format` (same number, other text: `40.0` vs
 * `40`), `value`, `order` (a field or element placed elsewhere among the fields both have).
 */
export type DiffKind =
  | 'status'
  | 'content-type'
  | 'header'
  | 'body-kind'
  | 'prolog'
  | 'missing'
  | 'extra'
  | 'type'
  | 'format'
  | 'value'
  | 'order';

export interface Diff {
  path: string;
  kind: DiffKind;
  reference: string;
  loom: string;
}

export interface DiffOptions {
  /** Compare arrays position by position even when their items carry an id (for `limit=N`). */
  positional?: boolean;
}

const MAX_SHOWN = 300;
const clip = (s: string): string => (s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s);

/** A short readable rendering of a value for the report. */
export function show(tree: Tree | Tree[] | undefined): string {
  if (tree === undefined) return '(absent)';
  if (Array.isArray(tree)) return `duplicate keys ×${tree.length}: ${tree.map(show).join(' ; ')}`;
  switch (tree.t) {
    case 'null':
      return 'null';
    case 'bool':
      return String(tree.v);
    case 'num':
      return tree.raw;
    case 'str':
      return clip(JSON.stringify(tree.v));
    case 'arr':
      if (tree.xml && tree.items.length === 1) return show(tree.items[0]);
      return clip(`[${tree.items.length}: ${tree.items.map(show).join(', ')}]`);
    case 'obj': {
      const keys = [...new Set(tree.fields.map(([k]) => k))];
      return clip(`{${keys.join(',')}}`);
    }
  }
}

const typeName = (tree: Tree): string =>
  tree.t === 'num'
    ? 'number'
    : tree.t === 'str'
      ? 'string'
      : tree.t === 'bool'
        ? 'boolean'
        : tree.t === 'arr'
          ? 'array'
          : tree.t === 'obj'
            ? 'object'
            : 'null';

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/**
 * Fields that identify an item of a list, tried in order: the first one unique on both sides is used. Lists the RM
 * fills from a hash map (apps, a queue's `users.user`) come in hash order, so their items are matched by key.
 */
const ITEM_KEYS = [
  'id',
  'appAttemptId',
  'containerId',
  'queueName',
  'username',
  'accessType',
  'name',
  'key',
  'state',
  'type',
];

function itemKey(item: Tree, key: string): string | undefined {
  if (item.t !== 'obj') return undefined;
  let v = item.fields.find(([k]) => k === key)?.[1];
  if (v?.t === 'arr' && v.xml && v.items.length === 1) v = v.items[0];
  if (v?.t === 'str') return v.v;
  if (v?.t === 'num') return v.raw;
  return undefined;
}

function keyField(a: Tree[], b: Tree[]): string | undefined {
  const all = [...a, ...b];
  if (all.length === 0) return undefined;
  return ITEM_KEYS.find((k) => {
    const unique = (list: Tree[]): boolean => {
      const keys = list.map((x) => itemKey(x, k));
      return keys.every((x) => x !== undefined) && new Set(keys).size === keys.length;
    };
    return unique(a) && unique(b);
  });
}

/** Keys of the longest common subsequence of two key lists (to find the keys that moved). */
function lcs(a: string[], b: string[]): Set<string> {
  const dp: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const keep = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      keep.add(a[i]!);
      i++;
      j++;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else j++;
  }
  return keep;
}

const position = (keys: string[], k: string): string => {
  const i = keys.indexOf(k);
  return i === 0 ? `${k} first` : `${k} after ${keys[i - 1]}`;
};

function orderDiffs(path: string, refKeys: string[], loomKeys: string[]): Diff[] {
  const loomSet = new Set(loomKeys);
  const refSet = new Set(refKeys);
  const a = refKeys.filter((k) => loomSet.has(k));
  const b = loomKeys.filter((k) => refSet.has(k));
  if (a.join('\n') === b.join('\n')) return [];
  const kept = lcs(a, b);
  return a
    .filter((k) => !kept.has(k))
    .map((k) => ({ path: join(path, k), kind: 'order' as const, reference: position(a, k), loom: position(b, k) }));
}

function diffLists(path: string, a: Tree[], b: Tree[], xml: boolean, o: DiffOptions): Diff[] {
  const out: Diff[] = [];
  // One occurrence of an XML element on each side: the same element, whatever its key says.
  if (xml && a.length === 1 && b.length === 1) return diffTrees(a[0]!, b[0]!, o, path);
  const key = o.positional ? undefined : keyField(a, b);
  if (key) {
    const bByKey = new Map(b.map((x) => [itemKey(x, key)!, x]));
    const aKeys = a.map((x) => itemKey(x, key)!);
    for (const [i, x] of a.entries()) {
      const k = aKeys[i]!;
      const p = `${path}[${key}=${k}]`;
      const y = bByKey.get(k);
      if (y === undefined) out.push({ path: p, kind: 'missing', reference: show(x), loom: '(absent)' });
      else out.push(...diffTrees(x, y, o, p));
    }
    const aSet = new Set(aKeys);
    for (const y of b) {
      const k = itemKey(y, key)!;
      if (!aSet.has(k)) out.push({ path: `${path}[${key}=${k}]`, kind: 'extra', reference: '(absent)', loom: show(y) });
    }
    return out;
  }
  const single = xml && a.length === 1 && b.length === 1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const p = single ? path : `${path}[${i}]`;
    const x = a[i];
    const y = b[i];
    if (x === undefined) out.push({ path: p, kind: 'extra', reference: '(absent)', loom: show(y) });
    else if (y === undefined) out.push({ path: p, kind: 'missing', reference: show(x), loom: '(absent)' });
    else out.push(...diffTrees(x, y, o, p));
  }
  return out;
}

/** Groups an object's fields by key, keeping first-occurrence order (repeated JSON keys stay together). */
function groups(tree: Extract<Tree, { t: 'obj' }>): Map<string, Tree[]> {
  const m = new Map<string, Tree[]>();
  for (const [k, v] of tree.fields) m.set(k, [...(m.get(k) ?? []), v]);
  return m;
}

/** Items of a field that is either repeated (duplicate keys) or an array. */
const asItems = (vs: Tree[]): Tree[] => (vs.length > 1 ? vs : vs[0]?.t === 'arr' ? vs[0].items : vs);

/** Structural diff of two normalised trees. */
export function diffTrees(a: Tree, b: Tree, o: DiffOptions = {}, path = ''): Diff[] {
  if (a.t !== b.t) {
    return [
      {
        path: path || '(root)',
        kind: 'type',
        reference: `${typeName(a)} ${show(a)}`,
        loom: `${typeName(b)} ${show(b)}`,
      },
    ];
  }
  switch (a.t) {
    case 'null':
      return [];
    case 'bool':
      return a.v === (b as typeof a).v ? [] : [{ path, kind: 'value', reference: show(a), loom: show(b) }];
    case 'num': {
      const y = b as typeof a;
      if (a.raw === y.raw) return [];
      const same = !a.raw.startsWith('<') && !y.raw.startsWith('<') && Number(a.raw) === Number(y.raw);
      return [{ path, kind: same ? 'format' : 'value', reference: a.raw, loom: y.raw }];
    }
    case 'str': {
      const y = b as typeof a;
      if (a.v === y.v) return [];
      const numeric = (s: string): boolean => /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(s);
      const same = numeric(a.v) && numeric(y.v) && Number(a.v) === Number(y.v);
      return [{ path, kind: same ? 'format' : 'value', reference: show(a), loom: show(b) }];
    }
    case 'arr':
      return diffLists(path, a.items, (b as typeof a).items, !!a.xml, o);
    case 'obj': {
      const y = b as typeof a;
      const ga = groups(a);
      const gb = groups(y);
      const out: Diff[] = [];
      for (const [k, va] of ga) {
        const p = join(path, k);
        const vb = gb.get(k);
        if (!vb) {
          out.push({ path: p, kind: 'missing', reference: show(va.length > 1 ? va : va[0]), loom: '(absent)' });
          continue;
        }
        if (va.length === 1 && vb.length === 1) {
          out.push(...diffTrees(va[0]!, vb[0]!, o, p));
          continue;
        }
        // Repeated keys on at least one side: say so, then compare the items as lists.
        const describe = (vs: Tree[]): string =>
          vs.length > 1 ? `duplicate keys ×${vs.length}` : `${typeName(vs[0]!)} ${show(vs[0])}`;
        if (va.length !== vb.length || va.length === 1 || vb.length === 1)
          out.push({ path: p, kind: 'type', reference: describe(va), loom: describe(vb) });
        out.push(...diffLists(p, asItems(va), asItems(vb), false, o));
      }
      for (const [k, vb] of gb) {
        if (!ga.has(k))
          out.push({
            path: join(path, k),
            kind: 'extra',
            reference: '(absent)',
            loom: show(vb.length > 1 ? vb : vb[0]),
          });
      }
      const elements = (keys: string[]): string[] => keys.filter((k) => !k.startsWith('@') && k !== '#text');
      out.push(...orderDiffs(path, elements([...ga.keys()]), elements([...gb.keys()])));
      return out;
    }
  }
}

/** One server's answer to one request, normalised. */
export interface Answer {
  status: number;
  /** Content-Type exactly as sent, undefined when there is none. */
  contentType: string | undefined;
  /** Normalised values of the compared headers (absent ones included as `(absent)`). */
  headers: Record<string, string>;
  body: Body;
}

const bodyText = (b: Body): string =>
  b.kind === 'text' ? clip(JSON.stringify(b.text)) : b.kind === 'html' ? `html ${JSON.stringify(b.title)}` : b.kind;

/** Every difference between two normalised answers to the same request. */
export function diffAnswers(ref: Answer, loom: Answer, o: DiffOptions = {}): Diff[] {
  const out: Diff[] = [];
  if (ref.status !== loom.status)
    out.push({ path: '(status)', kind: 'status', reference: String(ref.status), loom: String(loom.status) });
  if (ref.contentType !== loom.contentType)
    out.push({
      path: '(Content-Type)',
      kind: 'content-type',
      reference: ref.contentType ?? '(none)',
      loom: loom.contentType ?? '(none)',
    });
  for (const h of new Set([...Object.keys(ref.headers), ...Object.keys(loom.headers)])) {
    const x = ref.headers[h] ?? '(absent)';
    const y = loom.headers[h] ?? '(absent)';
    if (x !== y) out.push({ path: `(header ${h})`, kind: 'header', reference: x, loom: y });
  }
  const a = ref.body;
  const b = loom.body;
  if (a.kind !== b.kind) {
    out.push({
      path: '(body)',
      kind: 'body-kind',
      reference: a.kind === 'json' || a.kind === 'xml' ? `${a.kind} ${show(a.tree)}` : bodyText(a),
      loom: b.kind === 'json' || b.kind === 'xml' ? `${b.kind} ${show(b.tree)}` : bodyText(b),
    });
    return out;
  }
  if (a.kind === 'xml' && b.kind === 'xml') {
    if (a.prolog !== b.prolog)
      out.push({
        path: '(xml prolog)',
        kind: 'prolog',
        reference: JSON.stringify(a.prolog),
        loom: JSON.stringify(b.prolog),
      });
    out.push(...diffTrees(a.tree, b.tree, o));
  } else if (a.kind === 'json' && b.kind === 'json') {
    out.push(...diffTrees(a.tree, b.tree, o));
  } else if (a.kind === 'text' && b.kind === 'text' && a.text !== b.text) {
    out.push({ path: '(body)', kind: 'value', reference: bodyText(a), loom: bodyText(b) });
  } else if (a.kind === 'html' && b.kind === 'html' && a.title !== b.title) {
    out.push({ path: '(html title)', kind: 'value', reference: a.title, loom: b.title });
  }
  return out;
}
