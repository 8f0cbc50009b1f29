// Types of chart-geometry.mjs for the TypeScript unit tests (the browser loads the .mjs as it is).
export interface Stacked {
  max: number;
  t0: number;
  t1: number;
  paths: { key: string; d: string }[];
}
export function stackedAreas(
  points: readonly ({ t: number } & Record<string, number>)[],
  keys: readonly string[],
  width: number,
  height: number,
  max?: number,
): Stacked;
export interface Segment {
  key: string;
  /** Percent of the bar. */
  x: number;
  width: number;
  value: number;
}
export function barSegments(values: Record<string, number>, keys: readonly string[]): Segment[];
export function ticks(max: number, count?: number): number[];
