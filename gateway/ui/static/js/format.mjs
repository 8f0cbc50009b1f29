// Pure formatting for the web UI: no DOM, so node's test runner checks it (test/unit/gateway/ui-format.test.ts).

/** The four parts of a node's allocatable, bottom to top, with the words and CSS class used everywhere. */
export const PARTS = [
  { key: 'online', label: 'online', css: 'part-online' },
  { key: 'batch', label: 'batch-on-reclaimed', css: 'part-batch' },
  { key: 'reclaimableUnused', label: 'reclaimable-unused', css: 'part-reclaimable' },
  { key: 'idle', label: 'idle', css: 'part-idle' },
];

/** Millicores as cores with one decimal (`12.3`), as `loom top` prints them. */
export function cores(milli) {
  return (Number(milli) / 1000).toFixed(1);
}

/** A percentage rounded to a whole number (`21%`). */
export function percent(p) {
  return `${Math.round(Number(p) || 0)}%`;
}

/** `part` of `whole` as a percentage, 0 when the whole is empty. */
export function share(part, whole) {
  return whole > 0 ? (part * 100) / whole : 0;
}

const pad = (n) => String(n).padStart(2, '0');

/** A duration the way the RM UI's Elapsed column reads: `42sec`, `3mins, 05sec`, `2hrs, 03mins, 05sec`. */
export function elapsed(ms) {
  const n = Number(ms);
  if (!Number.isFinite(n) || n < 0) return 'N/A';
  const total = Math.floor(n / 1000);
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  if (h > 0) return `${h}hrs, ${pad(m)}mins, ${pad(s)}sec`;
  if (m > 0) return `${m}mins, ${pad(s)}sec`;
  return `${s}sec`;
}

/** An epoch-ms time as local `YYYY-MM-DD HH:MM:SS`; 0 or less (the RM's "never") is `N/A`. */
export function dateTime(ms) {
  const n = Number(ms);
  if (!Number.isFinite(n) || n <= 0) return 'N/A';
  const d = new Date(n);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** Local `HH:MM:SS` (chart axes, "updated at"). */
export function clock(ms) {
  const d = new Date(Number(ms));
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Progress as the RM UI shows it (`45.0%`). */
export function progress(p) {
  return `${(Number(p) || 0).toFixed(1)}%`;
}

/**
 * A URL safe to put in an `href`: only absolute http(s) URLs. Tracking URLs are set by application masters, i.e.
 * by users, and a `javascript:` one would run in the operator's session.
 */
export function safeHref(url) {
  if (typeof url !== 'string') return undefined;
  return /^https?:\/\/[^\s]+$/i.test(url.trim()) ? url.trim() : undefined;
}

/** The YARN application id shape; anything else is never put in an API path. */
export function isAppId(id) {
  return typeof id === 'string' && /^application_\d+_\d+$/.test(id);
}

/** A list the RM may render as `[...]`, as one object, or (empty) as nothing at all. */
export function asList(v) {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}
