/**
 * YARN CapacityScheduler configuration (`capacity-scheduler.xml`) → Loom Queue objects, following the Hadoop 3.4
 * CapacityScheduler semantics (CapacityScheduler.md, CapacitySchedulerConfiguration, AbstractLeafQueue). The mapping
 * table, the defaults and every warning are described in docs/queues.md.
 *
 *     const { queues, warnings } = await convertCapacityScheduler(readFileSync('capacity-scheduler.xml', 'utf8'));
 *
 * Pure: no I/O, no Kubernetes client. What cannot be converted faithfully is either an error
 * ({@link CapacitySchedulerError}: the file is malformed, a name is unusable, a value is one YARN would refuse to parse)
 * or one warning line per property (unsupported properties, configurations YARN itself would refuse to load).
 */
import { parseStringPromise } from 'xml2js';
import { API_VERSION, QUEUE } from './names.ts';
import { Queue, QUEUE_TIERS, YarnAcl, type QueueTier } from './queue.ts';
import type { ResourceList } from './resources.ts';

/** Prefix of every CapacityScheduler property. */
export const CS_PREFIX = 'yarn.scheduler.capacity.';
/** Loom's own per-queue property (YARN has no tiers): `yarn.scheduler.capacity.<queue-path>.loom.tier`. */
export const LOOM_TIER_SUFFIX = 'loom.tier';
/** YARN's `yarn.scheduler.capacity.maximum-applications` default. */
export const DEFAULT_MAXIMUM_SYSTEM_APPLICATIONS = 10_000;

/** A file Loom cannot convert: malformed XML, an unusable queue name, a value YARN would not parse. */
export class CapacitySchedulerError extends Error {
  override name = 'CapacitySchedulerError';
}

export interface CapacitySchedulerImport {
  /** Queue objects, parents before children (root first), validated with the `Queue` schema. */
  queues: Queue[];
  /** One line per property that was not converted as written, or per configuration YARN would refuse. */
  warnings: string[];
}

export interface CapacitySchedulerImportOptions {
  /** Tier of queues that set no `loom.tier` and inherit none (default `spot`). */
  tier?: QueueTier;
}

/** The properties of a Hadoop configuration file, after Hadoop's own parsing rules. */
export interface HadoopConfiguration {
  properties: Map<string, string>;
  warnings: string[];
}

/** A Kubernetes object name (DNS-1123 subdomain) that YARN also accepts as a queue name (no dots). */
const QUEUE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME_LENGTH = 253;
/** Hadoop's `Configuration` expands `${name}` at most this many times (MAX_SUBST). */
const MAX_SUBSTITUTIONS = 20;
const VARIABLE = /\$\{([^}$ ]+)\}/;
/** Java `Float.parseFloat` syntax, as YARN reads percentages (surrounding whitespace already trimmed). */
const JAVA_FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[fFdD]?$/;
const JAVA_INT = /^[+-]?\d+$/;
/** ParentQueue's PRECISION: child capacities may miss 100 by 0.05 percent. */
const SUM_PRECISION = 0.05;

/** Per-queue properties this converter maps (suffix after `yarn.scheduler.capacity.<queue-path>.`). */
const QUEUE_SUFFIXES = new Set([
  'queues',
  'capacity',
  'maximum-capacity',
  'maximum-applications',
  'state',
  'acl_submit_applications',
  'acl_administer_queue',
  'allow-zero-capacity-sum',
  LOOM_TIER_SUFFIX,
]);
/** Global properties this converter uses (suffix after `yarn.scheduler.capacity.`). */
const GLOBAL_SUFFIXES = new Set(['maximum-applications', 'global-queue-max-application']);

/** Why a common unsupported property has no Loom equivalent, by the first segment of its suffix. */
const UNSUPPORTED_HINTS: [RegExp, string][] = [
  [/^(user-limit-factor|minimum-user-limit-percent|user-settings\.|user\.)/, 'Loom queues have no per-user limits'],
  [/^maximum-am-resource-percent$/, 'Loom queues do not limit ApplicationMaster resources'],
  [/^max-parallel-apps$/, 'Loom queues have no running-application limit (only maximum-applications)'],
  [/^ordering-policy/, 'Loom queues have no ordering policy setting'],
  [/^(accessible-node-labels|default-node-label-expression)/, 'node labels are not supported'],
  [
    /^(auto-create-child-queue|auto-queue-creation-v2|leaf-queue-template|managed-parent-queue)/,
    'auto-created queues are not supported',
  ],
  [/^maximum-allocation/, 'Loom queues have no per-container size limit'],
  [/^(priority|default-application-priority|acl_application_max_priority)$/, 'Loom queues have no priorities'],
  [/^(maximum-application-lifetime|default-application-lifetime)$/, 'Loom queues have no application lifetimes'],
  [/^(disable_preemption|intra-queue-preemption)/, 'Loom queues have no preemption settings'],
  [/^(reservable|reservation-|average-capacity|instantaneous-max-capacity)/, 'reservations are not supported'],
  [/^queue-mappings|^mapping-rule/, 'queue placement rules are not supported: applications name their queue'],
];

// ---------------------------------------------------------------------------------------------------------------
// Hadoop configuration XML
// ---------------------------------------------------------------------------------------------------------------

type XmlNode = string | { _?: string; $?: Record<string, string>; [element: string]: unknown };

/**
 * Parses a Hadoop configuration file as `org.apache.hadoop.conf.Configuration` does: `<name>` is trimmed, `<value>` is
 * kept as written (an ACL of one space means "nobody"), an empty `<value>` leaves the property unset, a later
 * definition overrides an earlier one unless that one was `<final>true</final>`, and `${name}` is expanded from the
 * file's own properties.
 */
export async function parseHadoopConfiguration(xml: string): Promise<HadoopConfiguration> {
  const warnings: string[] = [];
  let doc: unknown;
  try {
    doc = await parseStringPromise(xml, { explicitArray: true, trim: false, normalize: false, strict: true });
  } catch (err) {
    // sax reports `reason\nLine: n\nColumn: c\nChar: x` with 0-based lines.
    const text = err instanceof Error ? err.message : String(err);
    const m = /^(.*)\nLine: (\d+)\nColumn: (\d+)/.exec(text);
    const where = m ? `${m[1]} at line ${Number(m[2]) + 1}, column ${m[3]}` : text.split('\n').join(', ');
    throw new CapacitySchedulerError(`not well-formed XML: ${where}`, { cause: err });
  }
  if (doc === null || typeof doc !== 'object') {
    throw new CapacitySchedulerError('empty document: expected a <configuration> element');
  }
  const [rootName] = Object.keys(doc);
  if (rootName !== 'configuration') {
    throw new CapacitySchedulerError(`root element is <${rootName}>, expected <configuration>`);
  }
  // xml2js stops at the end of the root element; whatever follows it makes the file malformed.
  if (contentAfterRoot(xml)) {
    throw new CapacitySchedulerError('not well-formed XML: content after the </configuration> element');
  }

  const root = (doc as { configuration: XmlNode }).configuration;
  const properties = new Map<string, string>();
  const finals = new Set<string>();
  if (typeof root === 'object') {
    for (const [element, children] of Object.entries(root)) {
      if (element === '$' || element === '_') continue;
      if (element !== 'property') {
        const what = /(^|:)include$/.test(element)
          ? 'XInclude is not followed: merge the included file into this one'
          : 'not a Hadoop configuration element';
        warnings.push(`<${element}>: ${what}; ignored`);
        continue;
      }
      for (const node of children as XmlNode[]) {
        const prop = readProperty(node);
        if (prop.name === undefined) {
          warnings.push(
            `<property> without a <name>${prop.value ? ` (value ${JSON.stringify(prop.value)})` : ''}; ignored`,
          );
          continue;
        }
        if (prop.value === undefined) continue; // Hadoop leaves a property with an empty value unset.
        if (finals.has(prop.name)) {
          warnings.push(`${prop.name}: defined again after a <final>true</final> definition; the final value stays`);
          continue;
        }
        if (properties.has(prop.name)) {
          warnings.push(`${prop.name}: defined more than once; the last definition wins, as in Hadoop`);
        }
        properties.set(prop.name, prop.value);
        if (prop.final) finals.add(prop.name);
      }
    }
  }
  for (const [name, value] of properties) properties.set(name, expand(name, value, properties, warnings));
  return { properties, warnings };
}

/** Whether anything but comments, processing instructions and whitespace follows the root element. */
function contentAfterRoot(xml: string): boolean {
  const blank = (m: string): string => ' '.repeat(m.length);
  const text = xml.replace(
    /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>/g,
    blank,
  );
  let depth = 0;
  for (const m of text.matchAll(/<(\/?)[^\s/>]+(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g)) {
    if (m[1]) depth--;
    else if (!m[2]) depth++;
    if (depth === 0) return text.slice(m.index + m[0].length).trim() !== '';
  }
  return false;
}

function readProperty(node: XmlNode): { name?: string; value?: string; final: boolean } {
  if (typeof node === 'string') return { final: false }; // <property/> or text only
  const attrs = node.$ ?? {};
  const last = (element: string): string | undefined => {
    const list = node[element];
    if (!Array.isArray(list) || list.length === 0) return undefined;
    const item = list[list.length - 1] as XmlNode;
    if (typeof item === 'string') return item;
    if (Object.keys(item).some((k) => k !== '_' && k !== '$')) {
      throw new CapacitySchedulerError(`<${element}> of a <property> holds elements, not text`);
    }
    return item._ ?? '';
  };
  const name = (last('name') ?? attrs.name)?.trim();
  const value = last('value') ?? attrs.value;
  return {
    ...(name ? { name } : {}),
    ...(value !== undefined && value !== '' ? { value } : {}),
    final: (last('final') ?? attrs.final) === 'true',
  };
}

/** `${name}` expansion from the same file, as Hadoop's `Configuration.substituteVars` (unresolved: left as written). */
function expand(name: string, value: string, properties: ReadonlyMap<string, string>, warnings: string[]): string {
  let out = value;
  for (let i = 0; i < MAX_SUBSTITUTIONS; i++) {
    const m = VARIABLE.exec(out);
    if (!m) return out;
    const ref = m[1] ?? '';
    const replacement = ref === name ? undefined : properties.get(ref);
    if (replacement === undefined) {
      warnings.push(
        `${name}: \${${ref}} is not defined in this file (Hadoop may take it from system properties); left as written`,
      );
      return out;
    }
    out = out.slice(0, m.index) + replacement + out.slice(m.index + m[0].length);
  }
  throw new CapacitySchedulerError(`${name}: more than ${MAX_SUBSTITUTIONS} variable substitutions`);
}

// ---------------------------------------------------------------------------------------------------------------
// Queue tree
// ---------------------------------------------------------------------------------------------------------------

type Capacity =
  | { kind: 'unset' }
  | { kind: 'percent'; value: number }
  | { kind: 'weight'; value: number }
  | { kind: 'absolute'; resources?: ResourceList }
  | { kind: 'vector' };

interface QueueNode {
  path: string;
  name: string;
  parent?: QueueNode;
  children: QueueNode[];
  /** suffix → [full property name, value] */
  props: Map<string, [string, string]>;
}

/** Parses `capacity-scheduler.xml` and converts it; see {@link convertCapacitySchedulerProperties}. */
export async function convertCapacityScheduler(
  xml: string,
  options: CapacitySchedulerImportOptions = {},
): Promise<CapacitySchedulerImport> {
  const conf = await parseHadoopConfiguration(xml);
  const out = convertCapacitySchedulerProperties(conf.properties, options);
  return { queues: out.queues, warnings: [...conf.warnings, ...out.warnings] };
}

/** CapacityScheduler properties → Queue objects (the mapping of docs/queues.md). */
export function convertCapacitySchedulerProperties(
  properties: ReadonlyMap<string, string>,
  options: CapacitySchedulerImportOptions = {},
): CapacitySchedulerImport {
  const warnings: string[] = [];
  const cs = new Map<string, [string, string]>();
  for (const [key, value] of properties) {
    if (key.startsWith(CS_PREFIX)) cs.set(key.slice(CS_PREFIX.length), [key, value]);
    else warnings.push(`${key}: not a CapacityScheduler property (${CS_PREFIX}*); ignored`);
  }

  const nodes = buildTree(cs);
  const root = nodes[0];
  if (!root) throw new CapacitySchedulerError('no queues');
  const globals = assignProperties(cs, nodes, warnings);

  const maxSystemApps =
    intProp(globals.get('maximum-applications'), `${CS_PREFIX}maximum-applications`) ??
    DEFAULT_MAXIMUM_SYSTEM_APPLICATIONS;
  const globalPerQueueApps =
    intProp(globals.get('global-queue-max-application'), `${CS_PREFIX}global-queue-max-application`) ?? -1;

  // Capacities are decided per sibling group: weights are normalised over the siblings, modes must agree.
  const capacities = new Map<QueueNode, Capacity>();
  capacities.set(root, { kind: 'percent', value: 100 });
  const rootCapacity = root.props.get('capacity');
  if (rootCapacity && !(JAVA_FLOAT.test(rootCapacity[1].trim()) && Number(rootCapacity[1].trim()) === 100)) {
    warnings.push(`${rootCapacity[0]} = ${rootCapacity[1]}: root's capacity is always 100 in YARN; ignored`);
  }
  for (const parent of nodes) {
    if (parent.children.length > 0) decideChildCapacities(parent, capacities, warnings);
  }

  const queues: Queue[] = [];
  const tiers = new Map<QueueNode, QueueTier>();
  const states = new Map<QueueNode, 'RUNNING' | 'STOPPED'>();
  const absolute = new Map<QueueNode, number | undefined>(); // share of the cluster, undefined when unknowable
  for (const node of nodes) {
    const capacity = capacities.get(node) ?? { kind: 'unset' };
    const parentAbs = node.parent ? absolute.get(node.parent) : 1;
    const fraction =
      capacity.kind === 'percent' || capacity.kind === 'weight'
        ? capacity.value / 100
        : capacity.kind === 'unset'
          ? 0
          : undefined;
    absolute.set(node, parentAbs === undefined || fraction === undefined ? undefined : parentAbs * fraction);

    const tier = tierOf(node, options.tier, tiers);
    tiers.set(node, tier);
    const state = stateOf(node, states, warnings);
    states.set(node, state);

    const spec: Record<string, unknown> = {};
    if (node.parent) spec.parent = node.parent.name;
    if (capacity.kind === 'absolute' && capacity.resources) spec.guaranteed = capacity.resources;
    if (capacity.kind === 'percent' || capacity.kind === 'weight') spec.capacity = round(capacity.value);
    else if (capacity.kind === 'unset') spec.capacity = 0;
    const max = maximumOf(node, capacity, warnings);
    if (max.resources) spec.max = max.resources;
    else spec.maximumCapacity = max.percent;
    if (capacity.kind === 'weight') {
      const configured = weightOf(node);
      if (configured !== undefined && Number.isInteger(configured) && configured >= 1 && configured <= 1_000_000) {
        spec.weight = configured;
      } else if (configured !== undefined) {
        warnings.push(
          `${node.props.get('capacity')?.[0]} = ${configured}w: Loom weights are whole numbers from 1; the weight is ` +
            `left at 1 and the share is kept as capacity ${round(capacity.value)}`,
        );
      }
    }
    spec.tier = tier;
    const maxApps = maxApplicationsOf(node, capacity, absolute.get(node), maxSystemApps, globalPerQueueApps, warnings);
    if (maxApps !== undefined) spec.maxApplications = maxApps;
    spec.state = state;
    spec.acl = {
      submit: aclOf(node, 'acl_submit_applications'),
      administer: aclOf(node, 'acl_administer_queue'),
    };

    const parsed = Queue.safeParse({ apiVersion: API_VERSION, kind: QUEUE.kind, metadata: { name: node.name }, spec });
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new CapacitySchedulerError(`queue ${node.path}: not a valid Queue (${why})`);
    }
    queues.push(parsed.data);
  }
  return { queues, warnings };
}

/** The queue tree from `<queue-path>.queues`, root first, parents before children (pre-order). */
function buildTree(cs: ReadonlyMap<string, [string, string]>): QueueNode[] {
  const rootQueues = cs.get('root.queues');
  if (!rootQueues || rootQueues[1].trim() === '') {
    throw new CapacitySchedulerError(
      `${CS_PREFIX}root.queues is not set: this is not a CapacityScheduler queue configuration`,
    );
  }
  const nodes: QueueNode[] = [];
  const byName = new Map<string, QueueNode>();
  const visit = (path: string, name: string, parent?: QueueNode): void => {
    checkName(path, name);
    const twin = byName.get(name);
    if (twin) {
      throw new CapacitySchedulerError(
        `queue ${path}: leaf name "${name}" is also ${twin.path}; Loom addresses queues by leaf name, so names must be unique`,
      );
    }
    const node: QueueNode = { path, name, children: [], props: new Map(), ...(parent ? { parent } : {}) };
    byName.set(name, node);
    nodes.push(node);
    parent?.children.push(node);
    const list = cs.get(`${path}.queues`)?.[1];
    // Hadoop's getStrings tokenizes on commas (empty tokens vanish) and CapacityScheduler trims each name.
    const names = (list ?? '')
      .split(',')
      .filter((s) => s !== '')
      .map((s) => s.trim());
    const seen = new Set<string>();
    for (const child of names) {
      if (seen.has(child)) throw new CapacitySchedulerError(`${CS_PREFIX}${path}.queues lists "${child}" twice`);
      seen.add(child);
      visit(`${path}.${child}`, child, node);
    }
  };
  visit('root', 'root');
  return nodes;
}

function checkName(path: string, name: string): void {
  if (name.length > MAX_NAME_LENGTH || !QUEUE_NAME.test(name)) {
    throw new CapacitySchedulerError(
      `queue ${path}: "${name}" is not a valid Kubernetes name (lower-case letters, digits and "-", starting and ` +
        `ending with a letter or digit, at most ${MAX_NAME_LENGTH} characters); rename the queue in YARN first`,
    );
  }
}

/**
 * Attaches each `yarn.scheduler.capacity.<queue-path>.<suffix>` property to its queue (the longest queue path with a
 * known suffix) and warns about every property that is not converted. Returns the global properties used.
 */
function assignProperties(
  cs: ReadonlyMap<string, [string, string]>,
  nodes: readonly QueueNode[],
  warnings: string[],
): Map<string, string> {
  const globals = new Map<string, string>();
  const byLength = [...nodes].sort((a, b) => b.path.length - a.path.length);
  const byPath = new Map(nodes.map((n) => [n.path, n]));
  for (const [rest, [key, value]] of cs) {
    const owners = byLength.filter((n) => rest.startsWith(`${n.path}.`));
    const owner = owners.find((n) => QUEUE_SUFFIXES.has(rest.slice(n.path.length + 1)));
    if (owner) {
      owner.props.set(rest.slice(owner.path.length + 1), [key, value]);
      continue;
    }
    const closest = owners[0];
    if (!closest) {
      if (GLOBAL_SUFFIXES.has(rest)) globals.set(rest, value);
      else if (byPath.has(rest)) warnings.push(`${key}: not a queue property; ignored`);
      else warnings.push(`${key} = ${value}: ${hintFor(rest) ?? 'no Loom equivalent'}; ignored`);
      continue;
    }
    const suffix = rest.slice(closest.path.length + 1);
    const dot = suffix.indexOf('.');
    const hint = hintFor(suffix);
    if (!hint && dot > 0 && QUEUE_SUFFIXES.has(suffix.slice(dot + 1)) && !suffix.slice(dot + 1).includes('.')) {
      warnings.push(
        `${key}: queue ${closest.path}.${suffix.slice(0, dot)} is not listed in ${CS_PREFIX}${closest.path}.queues; ignored`,
      );
    } else {
      warnings.push(`${key} = ${value}: ${hint ?? 'no Loom Queue field'}; ignored`);
    }
  }
  return globals;
}

const hintFor = (suffix: string): string | undefined => UNSUPPORTED_HINTS.find(([re]) => re.test(suffix))?.[1];

function intProp(value: string | undefined, key: string): number | undefined {
  if (value === undefined) return undefined;
  const t = value.trim();
  if (!JAVA_INT.test(t) || !Number.isSafeInteger(Number(t))) {
    throw new CapacitySchedulerError(`${key} = ${JSON.stringify(value)}: not an integer`);
  }
  return Number(t);
}

// ---------------------------------------------------------------------------------------------------------------
// Capacities
// ---------------------------------------------------------------------------------------------------------------

function parseCapacity(key: string, raw: string, warnings: string[]): Capacity {
  const v = raw.trim();
  if (v.startsWith('[')) {
    const parsed = parseResourceVector(key, v, warnings);
    return parsed === 'vector' ? { kind: 'vector' } : { kind: 'absolute', ...(parsed ? { resources: parsed } : {}) };
  }
  if (v.endsWith('w')) {
    const w = v.slice(0, -1).trim();
    if (!JAVA_FLOAT.test(w)) throw new CapacitySchedulerError(`${key} = ${JSON.stringify(raw)}: not a weight`);
    const value = Number(w.replace(/[fFdD]$/, ''));
    if (value < 0 || value > 10_000) {
      throw new CapacitySchedulerError(`${key} = ${raw}: YARN accepts weights from 0 to 10000`);
    }
    return { kind: 'weight', value };
  }
  if (!JAVA_FLOAT.test(v)) {
    throw new CapacitySchedulerError(
      `${key} = ${JSON.stringify(raw)}: not a percentage, a weight (2w) or an absolute resource ([memory=1024,vcores=1])`,
    );
  }
  const value = Number(v.replace(/[fFdD]$/, ''));
  if (value < 0 || value > 100) throw new CapacitySchedulerError(`${key} = ${raw}: a percentage is from 0 to 100`);
  return { kind: 'percent', value };
}

/** Hadoop's UnitsConversionUtil units → [numerator, denominator] in bytes. */
const UNIT_BYTES: Record<string, [bigint, bigint]> = {
  p: [1n, 10n ** 12n],
  n: [1n, 10n ** 9n],
  u: [1n, 10n ** 6n],
  m: [1n, 10n ** 3n],
  k: [10n ** 3n, 1n],
  M: [10n ** 6n, 1n],
  G: [10n ** 9n, 1n],
  T: [10n ** 12n, 1n],
  P: [10n ** 15n, 1n],
  Ki: [1024n, 1n],
  Mi: [1024n ** 2n, 1n],
  Gi: [1024n ** 3n, 1n],
  Ti: [1024n ** 4n, 1n],
  Pi: [1024n ** 5n, 1n],
};
const MIB = 1024n ** 2n;

/**
 * `[memory=10240,vcores=12]` → `{ memory: '10240Mi', cpu: '12' }`. Memory is MiB unless a unit is given (converted
 * to MiB and truncated, like CapacitySchedulerConfiguration). Without memory YARN ignores the whole value (undefined).
 * A vector with `%` or `w` entries (Hadoop 3.4's mixed capacity vectors) returns 'vector'.
 */
function parseResourceVector(key: string, v: string, warnings: string[]): ResourceList | undefined | 'vector' {
  if (!v.endsWith(']')) throw new CapacitySchedulerError(`${key} = ${v}: an absolute resource ends with "]"`);
  const out: ResourceList = {};
  let memoryMi = 0n;
  for (const pair of v.slice(1, -1).split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq < 0) {
      warnings.push(`${key}: "${pair.trim()}" is not name=value; ignored, as YARN does`);
      continue;
    }
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const m = /^(\d+(?:\.\d+)?)([A-Za-z%]*)$/.exec(value);
    if (!m) throw new CapacitySchedulerError(`${key}: ${name}=${value} is not a resource amount`);
    const [, amount = '', unit = ''] = m;
    if (unit === '%' || unit === 'w') return 'vector';
    if (amount.includes('.')) throw new CapacitySchedulerError(`${key}: ${name}=${value}: YARN expects an integer`);
    if (name === 'memory' || name === 'memory-mb') {
      const factor = unit === '' ? undefined : UNIT_BYTES[unit];
      if (unit !== '' && !factor) throw new CapacitySchedulerError(`${key}: ${name}=${value}: unknown unit "${unit}"`);
      memoryMi = factor ? (BigInt(amount) * factor[0]) / (factor[1] * MIB) : BigInt(amount);
      if (memoryMi > 0n) out.memory = `${memoryMi}Mi`;
    } else if (name === 'vcores') {
      if (unit !== '') throw new CapacitySchedulerError(`${key}: ${name}=${value}: vcores take no unit`);
      out.cpu = String(BigInt(amount));
    } else {
      warnings.push(`${key}: resource "${name}" is not converted (Loom queue limits are cpu and memory); ignored`);
    }
  }
  if (memoryMi === 0n) {
    warnings.push(`${key} = ${v}: without memory YARN ignores an absolute resource; no limit converted`);
    return undefined;
  }
  return out;
}

/** Decides the capacities of `parent`'s children: modes must agree, weights are normalised, sums are checked. */
function decideChildCapacities(parent: QueueNode, capacities: Map<QueueNode, Capacity>, warnings: string[]): void {
  const caps = parent.children.map((child): [QueueNode, Capacity] => {
    const prop = child.props.get('capacity');
    return [child, prop ? parseCapacity(prop[0], prop[1], warnings) : { kind: 'unset' }];
  });
  // As YARN's legacy queue mode (3.4's default): siblings must not mix modes; 0% and unset count as neither.
  const modes = new Set<Capacity['kind']>();
  for (const [, c] of caps) {
    if (c.kind === 'unset' || c.kind === 'vector' || (c.kind === 'percent' && c.value === 0)) continue;
    modes.add(c.kind);
  }
  if (modes.size > 1) {
    const list = caps.map(([n, c]) => `${n.name}: ${c.kind}`).join(', ');
    throw new CapacitySchedulerError(
      `children of ${parent.path} mix capacity modes (${list}); YARN refuses this and Loom cannot convert it: use ` +
        `one of percentages, weights (2w) or absolute resources for all siblings`,
    );
  }
  const weightSum = caps.reduce((s, [, c]) => s + (c.kind === 'weight' ? c.value : 0), 0);
  for (const [child, c] of caps) {
    if (c.kind === 'unset') {
      warnings.push(`${CS_PREFIX}${child.path}.capacity is not set: YARN gives ${child.path} a capacity of 0`);
      capacities.set(child, c);
    } else if (c.kind === 'vector') {
      warnings.push(
        `${child.props.get('capacity')?.[0]} = ${child.props.get('capacity')?.[1]}: capacity vectors with % or w ` +
          `entries are not converted; ${child.path} gets no guaranteed capacity`,
      );
      capacities.set(child, c);
    } else if (c.kind === 'weight') {
      capacities.set(child, { kind: 'weight', value: weightSum > 0 ? (100 * c.value) / weightSum : 0 });
    } else {
      capacities.set(child, c);
    }
  }

  const parentCapacity = capacities.get(parent);
  // Unset and 0% children count as 0%, as YARN reads them.
  if (modes.has('percent') || (modes.size === 0 && caps.every(([, c]) => c.kind !== 'vector'))) {
    const sum = caps.reduce((s, [, c]) => s + (c.kind === 'percent' ? c.value : 0), 0);
    const parentZero =
      (parentCapacity?.kind === 'percent' || parentCapacity?.kind === 'weight') && parentCapacity.value === 0;
    const zeroAllowed = parentZero || parent.props.get('allow-zero-capacity-sum')?.[1].trim() === 'true';
    if (Math.abs(sum - 100) > SUM_PRECISION && !(sum === 0 && zeroAllowed)) {
      const terms = caps.map(([n, c]) => `${n.name} ${c.kind === 'percent' ? c.value : 'unset'}`).join(' + ');
      warnings.push(
        `${CS_PREFIX}${parent.path}.queues: the capacities of the children of ${parent.path} sum to ${round(sum)} ` +
          `(${terms}), not 100: YARN refuses to load this file ("Illegal capacity sum"); Loom converts the queues ` +
          `as written`,
      );
    }
  }
  if (modes.has('absolute') && parentCapacity?.kind === 'absolute' && parentCapacity.resources) {
    for (const resource of ['cpu', 'memory'] as const) {
      const cap = parentCapacity.resources[resource];
      if (cap === undefined) continue;
      const sum = caps.reduce((s, [, c]) => s + amountOf(c.kind === 'absolute' ? c.resources?.[resource] : 0), 0);
      if (sum > amountOf(cap)) {
        warnings.push(
          `${CS_PREFIX}${parent.path}.queues: the children of ${parent.path} are guaranteed more ${resource} than ` +
            `${parent.path} itself (${sum} > ${amountOf(cap)}${resource === 'memory' ? ' MiB' : ''}): YARN refuses this`,
        );
      }
    }
  }
  if (
    parent.parent &&
    (parentCapacity?.kind === 'percent' || parentCapacity?.kind === 'weight') &&
    parentCapacity.value > 0 &&
    modes.has('absolute')
  ) {
    warnings.push(
      `${CS_PREFIX}${parent.path}.queues: ${parent.path} has a ${parentCapacity.kind} capacity but its children ` +
        `absolute resources: YARN refuses this ("should use either percentage based capacity configuration or ` +
        `absolute resource together"); Loom converts the queues as written`,
    );
  }
  if (parentCapacity?.kind === 'absolute' && modes.has('percent')) {
    warnings.push(
      `${CS_PREFIX}${parent.path}.queues: ${parent.path} has an absolute capacity but its children percentages: ` +
        `YARN's legacy queue mode refuses this; Loom applies the percentages to ${parent.path}'s guarantee`,
    );
  }
}

const amountOf = (q: string | number | undefined): number =>
  q === undefined ? 0 : typeof q === 'number' ? q : Number.parseInt(q, 10);

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

function weightOf(node: QueueNode): number | undefined {
  const raw = node.props.get('capacity')?.[1].trim();
  return raw?.endsWith('w')
    ? Number(
        raw
          .slice(0, -1)
          .trim()
          .replace(/[fFdD]$/, ''),
      )
    : undefined;
}

/** maximum-capacity: percent (default 100, -1 = 100) or an absolute resource (→ `max`). */
function maximumOf(
  node: QueueNode,
  capacity: Capacity,
  warnings: string[],
): { percent: number; resources?: undefined } | { resources: ResourceList; percent?: undefined } {
  const prop = node.props.get('maximum-capacity');
  if (!prop) return { percent: 100 };
  const [key, raw] = prop;
  const v = raw.trim();
  if (v.startsWith('[')) {
    const parsed = parseResourceVector(key, v, warnings);
    if (parsed === 'vector') {
      warnings.push(`${key} = ${raw}: capacity vectors with % or w entries are not converted; maximum left at 100%`);
      return { percent: 100 };
    }
    if (!parsed) return { percent: 100 };
    if (capacity.kind !== 'absolute') {
      warnings.push(
        `${key} = ${raw}: an absolute maximum with a ${capacity.kind} capacity; Hadoop documents both as absolute ` +
          `resources; converted as written`,
      );
    }
    if (capacity.kind === 'absolute' && capacity.resources) {
      for (const r of ['cpu', 'memory'] as const) {
        if (amountOf(capacity.resources[r]) > amountOf(parsed[r] ?? Number.POSITIVE_INFINITY)) {
          warnings.push(`${key} = ${raw}: below the queue's capacity in ${r}: YARN refuses this`);
        }
      }
    }
    return { resources: parsed };
  }
  if (!JAVA_FLOAT.test(v)) {
    throw new CapacitySchedulerError(
      `${key} = ${JSON.stringify(raw)}: not a percentage or an absolute resource (maximum-capacity has no weight form)`,
    );
  }
  const n = Number(v.replace(/[fFdD]$/, ''));
  const percent = n === -1 ? 100 : n;
  if (percent < 0 || percent > 100) throw new CapacitySchedulerError(`${key} = ${raw}: a percentage is from 0 to 100`);
  if ((capacity.kind === 'percent' || capacity.kind === 'weight') && capacity.value > percent + 1e-9) {
    warnings.push(
      `${key} = ${raw}: below the capacity of ${node.path} (${round(capacity.value)}): YARN refuses this ` +
        `("Illegal queue capacity setting"); converted as written`,
    );
  }
  return { percent };
}

// ---------------------------------------------------------------------------------------------------------------
// Other fields
// ---------------------------------------------------------------------------------------------------------------

/** `loom.tier` of the queue, else of its nearest ancestor, else the option, else spot. */
function tierOf(node: QueueNode, fallback: QueueTier | undefined, tiers: ReadonlyMap<QueueNode, QueueTier>): QueueTier {
  const prop = node.props.get(LOOM_TIER_SUFFIX);
  if (prop) {
    const v = prop[1].trim().toLowerCase();
    if (!(QUEUE_TIERS as readonly string[]).includes(v)) {
      throw new CapacitySchedulerError(`${prop[0]} = ${JSON.stringify(prop[1])}: expected ${QUEUE_TIERS.join(' or ')}`);
    }
    return v as QueueTier;
  }
  return (node.parent ? tiers.get(node.parent) : undefined) ?? fallback ?? 'spot';
}

/** RUNNING/STOPPED, case-insensitive; unset inherits the parent's state, as AbstractCSQueue does. */
function stateOf(
  node: QueueNode,
  states: ReadonlyMap<QueueNode, 'RUNNING' | 'STOPPED'>,
  warnings: string[],
): 'RUNNING' | 'STOPPED' {
  const parentState = node.parent ? states.get(node.parent) : undefined;
  const prop = node.props.get('state');
  if (!prop) return parentState ?? 'RUNNING';
  const v = prop[1].trim().toUpperCase();
  if (v !== 'RUNNING' && v !== 'STOPPED') {
    throw new CapacitySchedulerError(`${prop[0]} = ${JSON.stringify(prop[1])}: YARN accepts RUNNING or STOPPED`);
  }
  if (v === 'RUNNING' && parentState === 'STOPPED') {
    warnings.push(
      `${prop[0]} = RUNNING under the STOPPED ${node.parent?.path}: YARN refuses this ("cannot be STOPPED as the ` +
        `child queue ... is in RUNNING state"); converted as written`,
    );
  }
  return v;
}

/**
 * maximum-applications: the queue's own value; else, for a leaf, YARN's derivation (AbstractLeafQueue
 * `updateMaximumApplications`): with `global-queue-max-application` set, min(it, maximum-applications) as is;
 * otherwise floor(maximum-applications × absolute capacity). Left unset when it equals the default derivation
 * (10000 × absolute capacity), which Loom's gateway computes itself.
 */
function maxApplicationsOf(
  node: QueueNode,
  capacity: Capacity,
  absCapacity: number | undefined,
  maxSystemApps: number,
  globalPerQueueApps: number,
  warnings: string[],
): number | undefined {
  const prop = node.props.get('maximum-applications');
  if (prop) {
    const n = intProp(prop[1], prop[0]) ?? -1;
    if (n >= 0) return n; // a negative value (-1) means not set, as in YARN
  }
  if (node.children.length > 0) return undefined;
  const base = globalPerQueueApps > 0 ? Math.min(globalPerQueueApps, maxSystemApps) : maxSystemApps;
  if (globalPerQueueApps > 0 && capacity.kind !== 'absolute') return base;
  if (base === DEFAULT_MAXIMUM_SYSTEM_APPLICATIONS) return undefined;
  if (absCapacity === undefined) {
    warnings.push(
      `${CS_PREFIX}maximum-applications = ${maxSystemApps}: YARN scales it by the absolute capacity of ${node.path}, ` +
        `which depends on cluster resources (absolute capacities); maxApplications of ${node.name} left unset`,
    );
    return undefined;
  }
  // Java's (int) cast of a float product; the epsilon keeps 10000 × 0.6 × 0.5 at 3000.
  return Math.floor(base * absCapacity + 1e-6);
}

/**
 * An ACL as Hadoop's AccessControlList reads it (`users groups`, split at the first space, comma lists trimmed,
 * `*` anywhere as a whole part = everyone), written back canonically. Unset: `*` on root, nobody (" ") elsewhere;
 * YARN grants a right held on any ancestor, and so does Loom's gateway.
 */
function aclOf(node: QueueNode, suffix: 'acl_submit_applications' | 'acl_administer_queue'): string {
  const prop = node.props.get(suffix);
  if (!prop) return node.parent ? ' ' : '*';
  const [key, raw] = prop;
  const space = raw.indexOf(' ');
  const parts = space < 0 ? [raw] : [raw.slice(0, space), raw.slice(space + 1)];
  if (parts.some((p) => p.trim() === '*')) return '*';
  const list = (s: string | undefined): string =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .join(',');
  const users = list(parts[0]);
  const groups = list(parts[1]);
  const acl = groups ? `${users} ${groups}` : users || ' ';
  const checked = YarnAcl.safeParse(acl);
  if (!checked.success) {
    throw new CapacitySchedulerError(
      `${key} = ${JSON.stringify(raw)}: YARN splits users from groups at the first space and reads ` +
        `users ${JSON.stringify(users)}, groups ${JSON.stringify(groups)}; a name with a space cannot be held ` +
        `(remove the space after a comma?)`,
    );
  }
  return acl;
}
