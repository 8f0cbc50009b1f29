// Types of format.mjs for the TypeScript unit tests (the browser loads the .mjs as it is).
export interface Part {
  key: 'online' | 'batch' | 'reclaimableUnused' | 'idle';
  label: string;
  css: string;
}
export const PARTS: readonly Part[];
export function cores(milli: number): string;
export function percent(p: number): string;
export function share(part: number, whole: number): number;
export function elapsed(ms: number): string;
export function dateTime(ms: number): string;
export function clock(ms: number): string;
export function progress(p: number): string;
export function safeHref(url: unknown): string | undefined;
export function isAppId(id: unknown): boolean;
export function asList<T>(v: T | T[] | undefined | null): T[];
