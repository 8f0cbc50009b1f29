import { InvalidArgumentError } from 'commander';
import { parseQuantity } from '../api/quantity.ts';

/** Commander parser for an integer within [min, max]. */
export const intIn =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };

/** Commander parser for a decimal number within [min, max] (shares, margins, seconds with a fraction). */
export const numberIn =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
    }
    return n;
  };

/** Commander parser for a positive Kubernetes quantity (cpu `32`, memory `128Gi`). */
export const quantityArg = (value: string): string => {
  try {
    if (parseQuantity(value, 3) <= 0n) throw new Error('not positive');
  } catch {
    throw new InvalidArgumentError('expected a positive Kubernetes quantity such as 32, 500m or 128Gi');
  }
  return value;
};

/** Progress lines go to stderr so stdout stays parseable (`eval "$(loom cluster env)"`). */
export const progress = (line: string): void => {
  process.stderr.write(`[loom ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

/**
 * Ends a command that failed at run time (the RM refused, the cluster is unreachable): one line on stderr, exit 1.
 * Not `program.error`, which is for usage mistakes and prints the help after the message.
 */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
