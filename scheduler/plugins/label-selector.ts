import type { SelectorRequirement } from '../core/types.ts';

/** Labels of a node or pod. */
export type Labels = Readonly<Record<string, string>>;

/** A pod label selector (`metav1.LabelSelector`): every `matchLabels` entry and every expression must hold. */
export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: readonly SelectorRequirement[];
}

/**
 * The value of `key`, or undefined when the label is absent. Own properties only: `labels.constructor` must not read
 * as a label a node never had.
 */
export function labelValue(labels: Labels, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

// Go's strconv.ParseInt(s, 10, 64), which Kubernetes uses for Gt/Lt: an optional sign and decimal digits, nothing
// else (no spaces, fractions, hex or underscores), within int64. BigInt keeps values past 2^53 exact.
const INTEGER = /^[+-]?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
function parseInt64(s: string): bigint | undefined {
  if (!INTEGER.test(s)) return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

/**
 * Why Kubernetes would refuse to build this requirement (`labels.NewRequirement`), or undefined when it is well
 * formed: In/NotIn need values, Exists/DoesNotExist take none, Gt/Lt take exactly one integer. Label key syntax is
 * not checked; the API server already did.
 */
export function requirementError(req: SelectorRequirement): string | undefined {
  const n = req.values?.length ?? 0;
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      return n === 0 ? `key ${req.key}: values can't be empty for '${req.operator}'` : undefined;
    case 'Exists':
    case 'DoesNotExist':
      return n === 0 ? undefined : `key ${req.key}: values must be empty for '${req.operator}'`;
    case 'Gt':
    case 'Lt':
      if (n !== 1) return `key ${req.key}: exactly one value is required for '${req.operator}'`;
      return parseInt64(req.values?.[0] ?? '') === undefined
        ? `key ${req.key}: the value for '${req.operator}' must be an integer`
        : undefined;
    default:
      return `key ${req.key}: operator '${String(req.operator)}' is not supported`;
  }
}

/**
 * Kubernetes' `labels.Requirement.Matches`: NotIn and DoesNotExist hold when the key is absent; Gt/Lt hold only when
 * the label is an integer too. A requirement Kubernetes would refuse to build ({@link requirementError}) matches
 * nothing, as a node selector term that fails to parse does.
 */
export function matchesRequirement(labels: Labels, req: SelectorRequirement): boolean {
  if (requirementError(req) !== undefined) return false;
  const value = labelValue(labels, req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = value === undefined ? undefined : parseInt64(value);
      const want = parseInt64(values[0] ?? '');
      if (have === undefined || want === undefined) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/**
 * Why Kubernetes would refuse this pod label selector (`metav1.LabelSelectorAsSelector`), or undefined. Pod selectors
 * only know In, NotIn, Exists and DoesNotExist: Gt/Lt are node selector operators.
 */
export function selectorError(selector: LabelSelector): string | undefined {
  for (const req of selector.matchExpressions ?? []) {
    if (req.operator === 'Gt' || req.operator === 'Lt')
      return `key ${req.key}: '${req.operator}' is not a valid label selector operator`;
    const err = requirementError(req);
    if (err !== undefined) return err;
  }
  return undefined;
}

/**
 * Whether a pod label selector selects `labels`: all `matchLabels` and all expressions hold. The empty selector
 * selects everything (`labels.Everything()`); one Kubernetes refuses ({@link selectorError}) selects nothing.
 */
export function matchesSelector(labels: Labels, selector: LabelSelector): boolean {
  if (selectorError(selector) !== undefined) return false;
  for (const [key, want] of Object.entries(selector.matchLabels ?? {})) {
    if (labelValue(labels, key) !== want) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => matchesRequirement(labels, req));
}
