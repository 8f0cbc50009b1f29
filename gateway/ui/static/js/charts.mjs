// The UI's charts as inline SVG: the cluster's split over time (stacked areas) and one stacked bar per node. The
// colours come from the part-* classes in ui.css, the same as the legend's, so a colour means one thing everywhere.
import { barSegments, stackedAreas, ticks } from './chart-geometry.mjs';
import { clock, cores, percent, PARTS, share } from './format.mjs';
import { h, s } from './dom.mjs';

const KEYS = PARTS.map((p) => p.key);

/** The legend of the four parts. */
export function legend() {
  return h(
    'ul',
    { class: 'legend', 'aria-label': 'legend' },
    PARTS.map((p) =>
      h(
        'li',
        null,
        s('svg', { width: 12, height: 12, 'aria-hidden': 'true' }, s('rect', { width: 12, height: 12, class: p.css })),
        p.label,
      ),
    ),
  );
}

/**
 * The cluster's cpu split over time, in cores: four stacked areas whose top is the cluster's allocatable. Points
 * are the sampler's (`/ui/api/series`).
 */
export function utilizationChart(points, o = {}) {
  const W = o.width ?? 960;
  const H = o.height ?? 220;
  const m = { left: 48, right: 12, top: 10, bottom: 24 };
  const w = W - m.left - m.right;
  const ht = H - m.top - m.bottom;
  const area = stackedAreas(points, KEYS, w, ht);
  const svg = s('svg', {
    class: 'chart',
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': 'cluster cpu over time',
    'data-testid': 'utilization-chart',
    'data-points': points.length,
  });
  const g = s('g', { transform: `translate(${m.left},${m.top})` });
  svg.append(g);
  for (const v of ticks(area.max / 1000)) {
    const y = area.max > 0 ? ht - ((v * 1000) / area.max) * ht : ht;
    g.append(
      s('line', { x1: 0, x2: w, y1: y, y2: y, class: 'grid-line' }),
      s('text', { x: -6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, String(v)),
    );
  }
  g.append(s('text', { x: -40, y: -2, class: 'axis' }, 'cores'));
  area.paths.forEach((p, i) => {
    g.append(s('path', { d: p.d, class: PARTS[i].css, 'data-part': p.key }, s('title', null, PARTS[i].label)));
  });
  if (points.length) {
    g.append(
      s('text', { x: 0, y: ht + 18, class: 'axis' }, clock(area.t0)),
      s('text', { x: w, y: ht + 18, class: 'axis', 'text-anchor': 'end' }, clock(area.t1)),
    );
  } else {
    g.append(s('text', { x: w / 2, y: ht / 2, class: 'axis', 'text-anchor': 'middle' }, 'no samples yet'));
  }
  return svg;
}

/** One node's bar: its allocatable split into the four parts, each segment titled with cores and share. */
export function nodeBar(node) {
  const svg = s('svg', {
    class: 'bar',
    viewBox: '0 0 100 10',
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': `${node.name} cpu split`,
  });
  for (const seg of barSegments(node, KEYS)) {
    const part = PARTS.find((p) => p.key === seg.key);
    svg.append(
      s(
        'rect',
        {
          x: seg.x,
          y: 0,
          width: seg.width,
          height: 10,
          class: part.css,
          'data-part': seg.key,
          'data-value': seg.value,
        },
        s('title', null, `${part.label}: ${cores(seg.value)} cores (${percent(share(seg.value, node.allocatable))})`),
      ),
    );
  }
  return svg;
}
