import type { Body, Tree } from './tree.ts';

/**
 * Pure normalisation of one server's answers before they are diffed: only values that differ by nature between two
 * servers are replaced by placeholders (ids and the cluster timestamp inside them, times, host:ports, build strings);
 * the placeholder keeps the value's JSON type, so a number-vs-string difference still shows. Sentinels (0, -1) are
 * kept: a redacted `startedTime: 0` must stay distinguishable from a real time.
 */
export interface NormContext {
  /** The server's cluster timestamp (`clusterInfo.id`), embedded in every id it hands out. */
  clusterTimestamp: number;
  /** Application ids this server handed out → the symbolic name the request list gave them. */
  apps: ReadonlyMap<string, string>;
}

/** Fields holding a point in time or a duration (ms or s): positive values become `<time>` (0 and -1 are kept). */
export const TIME_FIELDS: ReadonlySet<string> = new Set([
  'startedTime',
  'launchTime',
  'finishedTime',
  'elapsedTime',
  'startTime',
  'startedOn',
  'lastHealthUpdate',
  'remainingTimeInSeconds',
  'timestamp',
  'dateTime',
  'lastrun',
  'submittedTime',
]);

/** Build and version strings: fixed per release on the RM, per build on Loom. */
export const VERSION_FIELDS: ReadonlySet<string> = new Set([
  'resourceManagerBuildVersion',
  'resourceManagerVersionBuiltOn',
  'hadoopBuildVersion',
  'hadoopVersionBuiltOn',
  'version',
]);

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Java's `Date.toString()` (diagnostics prefixes) and ISO-8601 times (expiry times). */
const JAVA_DATE =
  /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} (?:[+-]\d{4}|[A-Z]{2,5}) \d{4}\b/g;
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g;
/**
 * host:port, where host is a name starting with a letter or a dotted IPv4 address (not `09:10` of a time, nor the
 * `<memory:1024, vCores:1>` of a resource in diagnostics).
 */
const HOST_PORT =
  /(?<![\w.-])(?!(?:memory|vCores|vcores|memory-mb)\b)(?:\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z][\w-]*(?:\.[\w-]+)*):\d{1,5}(?![\d])/g;

/** Replaces ids, the cluster timestamp, dates and host:ports inside a string. */
export function normalizeString(s: string, c: NormContext): string {
  let out = s;
  for (const [id, name] of c.apps) {
    const suffix = id.replace(/^application_/, '');
    out = out.replace(
      new RegExp(`\\b(application|appattempt|container(?:_e\\d+)?)_${escape(suffix)}(?!\\d)`, 'g'),
      `$1_<app:${name}>`,
    );
  }
  out = out.replace(new RegExp(`(?<!\\d)${c.clusterTimestamp}(?!\\d)`, 'g'), '<ts>');
  out = out.replace(JAVA_DATE, '<date>').replace(ISO_DATE, '<date>');
  out = out.replace(HOST_PORT, '<host:port>');
  return out;
}

const isPositiveNumber = (s: string): boolean => /^\d+(?:\.\d+)?$/.test(s) && Number(s) > 0;
/** Whether a time field's value is a real time: positive; for `elapsedTime` also 0 (an app failed within 1 ms). */
const isTime = (key: string, s: string): boolean =>
  TIME_FIELDS.has(key) && (isPositiveNumber(s) || (key === 'elapsedTime' && s === '0'));

/**
 * Normalises a tree. `key` is the field the value sits under (XML: the element name, also for its occurrences), so
 * time and version fields are recognised in both formats.
 */
export function normalizeTree(tree: Tree, c: NormContext, key?: string): Tree {
  switch (tree.t) {
    case 'null':
    case 'bool':
      return tree;
    case 'num':
      if (key && isTime(key, tree.raw)) return { t: 'num', raw: '<time>' };
      if (tree.raw === String(c.clusterTimestamp)) return { t: 'num', raw: '<ts>' };
      if (key && VERSION_FIELDS.has(key)) return { t: 'num', raw: '<version>' };
      return tree;
    case 'str':
      if (key && isTime(key, tree.v)) return { t: 'str', v: '<time>' };
      if (key && VERSION_FIELDS.has(key)) return { t: 'str', v: '<version>' };
      return { t: 'str', v: normalizeString(tree.v, c) };
    case 'arr':
      return { ...tree, items: tree.items.map((x) => normalizeTree(x, c, tree.xml ? key : undefined)) };
    case 'obj':
      return { t: 'obj', fields: tree.fields.map(([k, v]) => [k, normalizeTree(v, c, k)]) };
  }
}

/** Normalises a parsed body (text bodies as strings; HTML is only ever compared by kind). */
export function normalizeBody(body: Body, c: NormContext): Body {
  switch (body.kind) {
    case 'json':
      return { kind: 'json', tree: normalizeTree(body.tree, c) };
    case 'xml':
      return { kind: 'xml', tree: normalizeTree(body.tree, c), prolog: body.prolog };
    case 'text':
      return { kind: 'text', text: normalizeString(body.text, c) };
    default:
      return body;
  }
}

/** Normalises a response header's value; `undefined` when the header is compared by presence only. */
export function normalizeHeader(name: string, values: readonly string[], c: NormContext): string {
  const lower = name.toLowerCase();
  if (lower === 'expires' || lower === 'date') return values.length ? '<present>' : '<absent>';
  const joined = values.join(' | ');
  if (lower === 'set-cookie')
    return normalizeString(joined.replace(/hadoop\.auth="?[^";]*"?/g, 'hadoop.auth=<value>'), c);
  return normalizeString(joined, c);
}
