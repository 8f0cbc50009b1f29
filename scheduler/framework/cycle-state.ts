/** A typed key into the per-cycle state: what PreFilter computes once, Filter and Score read per node. */
export interface StateKey<T> {
  readonly name: string;
  /** Phantom field carrying the value type; never set. */
  readonly __type?: T;
}

export const stateKey = <T>(name: string): StateKey<T> => ({ name });

/** Scratch space of one scheduling cycle; `clone()` for what-if runs (preemption). */
export class CycleState {
  private readonly values = new Map<string, unknown>();

  write<T>(key: StateKey<T>, value: T): void {
    this.values.set(key.name, value);
  }

  /** The value, or an error naming the key when the step that writes it did not run. */
  read<T>(key: StateKey<T>): T {
    if (!this.values.has(key.name)) throw new Error(`cycle state has no ${key.name}: did its PreFilter run?`);
    return this.values.get(key.name) as T;
  }

  clone(): CycleState {
    const copy = new CycleState();
    for (const [k, v] of this.values) copy.values.set(k, v);
    return copy;
  }
}
