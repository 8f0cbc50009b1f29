// Pure geometry of the UI's charts (no DOM): the stacked areas over time and the stacked bars, as numbers and SVG
// path strings, so node's test runner can check them (test/unit/gateway/ui-charts.test.ts).

/** Rounds to 0.01 of a pixel: short path strings, no visible loss. */
const r = (n) => Math.round(n * 100) / 100;

/**
 * The stacked areas of `points` (each with `t` and one value per key) in a `width` × `height` box: one closed path
 * per key, bottom key first, the y scale from 0 to `max` (default: the largest stack). A single point is drawn as
 * a flat band over the whole width, so the chart is not empty right after the gateway starts.
 */
export function stackedAreas(points, keys, width, height, max) {
  if (!points.length) return { max: max ?? 0, t0: 0, t1: 0, paths: keys.map((key) => ({ key, d: '' })) };
  const pts = points.length === 1 ? [points[0], { ...points[0], t: points[0].t + 1 }] : points;
  const t0 = pts[0].t;
  const t1 = pts[pts.length - 1].t;
  const stacks = pts.map((p) => {
    let acc = 0;
    return keys.map((k) => {
      const low = acc;
      acc += Math.max(0, Number(p[k]) || 0);
      return [low, acc];
    });
  });
  const top = max ?? Math.max(0, ...stacks.map((s) => (s.length ? s[s.length - 1][1] : 0)));
  const x = (t) => (t1 > t0 ? ((t - t0) / (t1 - t0)) * width : 0);
  const y = (v) => (top > 0 ? height - (v / top) * height : height);
  const paths = keys.map((key, i) => {
    const upper = pts.map((p, j) => `${r(x(p.t))},${r(y(stacks[j][i][1]))}`);
    const lower = pts.map((p, j) => `${r(x(p.t))},${r(y(stacks[j][i][0]))}`).reverse();
    return { key, d: `M${upper.join('L')}L${lower.join('L')}Z` };
  });
  return { max: top, t0: points[0].t, t1: points[points.length - 1].t, paths };
}

/**
 * One horizontal stacked bar: the segments of `values` (one per key) as x offsets and widths in percent of the
 * bar, so the SVG scales with the page. Negative or missing values count as zero.
 */
export function barSegments(values, keys) {
  const vals = keys.map((k) => Math.max(0, Number(values[k]) || 0));
  const total = vals.reduce((a, b) => a + b, 0);
  let x = 0;
  return keys.map((key, i) => {
    const w = total > 0 ? (vals[i] * 100) / total : 0;
    const seg = { key, x: r(x), width: r(w), value: vals[i] };
    x += w;
    return seg;
  });
}

/** About `count` round tick values from 0 to `max` (1, 2 or 5 × a power of ten apart). */
export function ticks(max, count = 4) {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(r(v));
  return out;
}
