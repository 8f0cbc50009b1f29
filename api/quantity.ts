/**
 * Kubernetes resource quantities (`500m`, `2`, `1.5Gi`, `1e3`): parsing and the one pattern that CRD schemas use.
 * Values are kept as exact integers of the unit the caller asks for (milli-units for cpu, bytes for memory) so
 * that sums over thousands of pods never drift.
 */

const BINARY_SUFFIXES: Record<string, bigint> = {
  Ki: 1024n,
  Mi: 1024n ** 2n,
  Gi: 1024n ** 3n,
  Ti: 1024n ** 4n,
  Pi: 1024n ** 5n,
  Ei: 1024n ** 6n,
};
const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** A non-negative quantity, as the apiserver would accept it (negative resources are refused by Loom's schemas). */
export const QUANTITY_PATTERN = '^(\\+)?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][-+]?[0-9]+))?$';
const QUANTITY_RE = new RegExp(QUANTITY_PATTERN);

/** Thrown for a string that is not a Kubernetes quantity. */
export class QuantityError extends Error {
  constructor(value: string) {
    super(`invalid quantity ${JSON.stringify(value)}`);
    this.name = 'QuantityError';
  }
}

/**
 * Parses a quantity and returns it scaled by 10^scale, rounded up (Kubernetes rounds requests up too).
 * `parseQuantity('500m', 3)` is 500n (millicores); `parseQuantity('1Gi')` is 1073741824n (bytes).
 */
export function parseQuantity(value: string | number, scale = 0): bigint {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const sign = text.startsWith('-') ? -1n : 1n;
  const unsigned = text.replace(/^[+-]/, '');
  if (!QUANTITY_RE.test(unsigned)) throw new QuantityError(text);
  const match = /^([0-9]*\.?[0-9]*)(.*)$/.exec(unsigned);
  if (!match) throw new QuantityError(text);
  const [, numberPart = '', suffix = ''] = match;
  const [intPart = '0', fracPart = ''] = numberPart.split('.');
  // Work in an integer mantissa with a decimal exponent, then apply the suffix exactly.
  let mantissa = BigInt((intPart || '0') + fracPart);
  let exponent = -fracPart.length + scale;
  const binary = BINARY_SUFFIXES[suffix];
  if (binary !== undefined) {
    mantissa *= binary;
  } else if (suffix in DECIMAL_EXPONENTS) {
    exponent += DECIMAL_EXPONENTS[suffix] ?? 0;
  } else if (/^[eE]/.test(suffix)) {
    exponent += Number(suffix.slice(1));
  } else {
    throw new QuantityError(text);
  }
  if (exponent >= 0) return sign * mantissa * 10n ** BigInt(exponent);
  const divisor = 10n ** BigInt(-exponent);
  const quotient = mantissa / divisor;
  return sign * (mantissa % divisor === 0n ? quotient : quotient + 1n);
}

/** Millicores of a cpu quantity. */
export const parseMilliCpu = (value: string | number): bigint => parseQuantity(value, 3);
/** Bytes of a memory quantity. */
export const parseBytes = (value: string | number): bigint => parseQuantity(value, 0);
