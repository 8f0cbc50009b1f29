// The overview page: cluster totals, the split over time, one bar per node, queues, and the units that wait.
import { rm, uiApi } from './api.mjs';
import { legend, nodeBar, utilizationChart } from './charts.mjs';
import { h, replace, table } from './dom.mjs';
import { asList, cores, elapsed, isAppId, percent, PARTS } from './format.mjs';
import { queueRows } from './queues.mjs';

/** A figure with its label; `data-metric` names the API field it shows, `data-value` holds it unformatted. */
const stat = (label, text, attrs = {}) =>
  h(
    'div',
    { class: 'stat', ...attrs },
    h('span', { class: 'stat-value' }, text),
    h('span', { class: 'stat-label' }, label),
  );

const metric = (m, field, label) =>
  stat(label, String(m[field] ?? 0), { 'data-metric': field, 'data-value': m[field] ?? 0 });

function totals(m, u) {
  const c = u.cluster;
  return h(
    'section',
    { class: 'cards', 'aria-label': 'cluster totals' },
    h(
      'div',
      { class: 'card' },
      h('h3', null, 'Nodes'),
      h(
        'div',
        { class: 'stats' },
        metric(m, 'totalNodes', 'total'),
        metric(m, 'activeNodes', 'active'),
        metric(m, 'unhealthyNodes', 'unhealthy'),
        metric(m, 'lostNodes', 'lost'),
      ),
    ),
    h(
      'div',
      { class: 'card' },
      h('h3', null, 'Applications'),
      h(
        'div',
        { class: 'stats' },
        metric(m, 'appsSubmitted', 'submitted'),
        metric(m, 'appsPending', 'pending'),
        metric(m, 'appsRunning', 'running'),
        metric(m, 'appsCompleted', 'completed'),
        metric(m, 'appsFailed', 'failed'),
        metric(m, 'appsKilled', 'killed'),
      ),
    ),
    h(
      'div',
      { class: 'card' },
      h('h3', null, 'Batch capacity (YARN view)'),
      h(
        'div',
        { class: 'stats' },
        stat('vcores used / total', `${m.allocatedVirtualCores ?? 0} / ${m.totalVirtualCores ?? 0}`, {
          'data-metric': 'allocatedVirtualCores/totalVirtualCores',
        }),
        stat('MB used / total', `${m.allocatedMB ?? 0} / ${m.totalMB ?? 0}`, { 'data-metric': 'allocatedMB/totalMB' }),
        metric(m, 'containersAllocated', 'containers'),
      ),
    ),
    h(
      'div',
      { class: 'card wide' },
      h('h3', null, 'CPU split (cores)'),
      h(
        'div',
        { class: 'stats' },
        stat('allocatable', cores(c.allocatable), { 'data-total': 'allocatable', 'data-value': c.allocatable }),
        PARTS.map((p) =>
          stat(`${p.label} (${percent(u.percent[p.key])})`, cores(c[p.key]), {
            class: `stat ${p.css}-text`,
            'data-total': p.key,
            'data-value': c[p.key],
          }),
        ),
        stat('measured nodes', `${u.measuredNodes} / ${u.nodes.length}`, { 'data-total': 'measuredNodes' }),
      ),
    ),
  );
}

function nodes(u) {
  const rows = u.nodes.map((n) =>
    h(
      'div',
      { class: 'node-row', 'data-node': n.name, 'data-allocatable': n.allocatable },
      h('span', { class: 'node-name' }, n.name),
      nodeBar(n),
      h(
        'span',
        { class: 'node-figures' },
        `${cores(n.allocatable)} cores · online ${cores(n.online)}${n.measured ? '' : '*'} · batch ${cores(n.batch)} · ` +
          `recl ${cores(n.reclaimableUnused)} · idle ${cores(n.idle)} · pods ${n.pods.online} online / ${n.pods.batch} batch`,
      ),
    ),
  );
  return h(
    'section',
    { 'aria-label': 'nodes' },
    h('h2', null, `Nodes (${u.nodes.length})`),
    rows.length
      ? h('div', { class: 'node-bars', 'data-testid': 'node-bars' }, rows)
      : h('p', { class: 'empty' }, 'No nodes.'),
    h('p', { class: 'hint' }, '* online is the pods’ requests: no fresh node-agent report for that node.'),
  );
}

function queues(scheduler, running, m) {
  const rows = queueRows(scheduler?.scheduler?.schedulerInfo, running, Number(m.totalVirtualCores) || 0);
  return h(
    'section',
    { 'aria-label': 'queues' },
    h('h2', null, 'Queues'),
    table(
      ['queue', 'state', 'guaranteed', 'used', 'max', 'apps', 'pending apps'],
      rows.map((q) =>
        h(
          'tr',
          { 'data-queue': q.path },
          h('td', { class: `depth-${Math.min(q.depth, 4)}` }, q.path),
          h('td', null, q.state),
          h(
            'td',
            { class: 'num', 'data-col': 'guaranteed', 'data-value': q.guaranteed },
            `${q.guaranteed.toFixed(1)}%`,
          ),
          h(
            'td',
            { class: 'num', 'data-col': 'used', 'data-value': q.usedVCores },
            `${q.used.toFixed(1)}% (${q.usedVCores} vcores)`,
          ),
          h('td', { class: 'num', 'data-col': 'max', 'data-value': q.max }, `${q.max.toFixed(1)}%`),
          h('td', { class: 'num', 'data-col': 'apps' }, String(q.apps)),
          h('td', { class: 'num', 'data-col': 'pendingApps' }, String(q.pendingApps)),
        ),
      ),
      { testid: 'queues', empty: 'No queues.' },
    ),
    h(
      'p',
      { class: 'hint' },
      'Percentages are of the cluster’s batch capacity (reclaimed vcores, as /metrics counts them).',
    ),
  );
}

function pendingUnits(p, now) {
  const rows = p.units.map((u) =>
    h(
      'tr',
      { 'data-unit': `${u.namespace}/${u.name}` },
      h('td', null, `${u.namespace}/${u.name}`),
      h(
        'td',
        null,
        u.application && isAppId(u.application.id)
          ? h('a', { href: `/ui/app/${u.application.id}` }, u.application.id)
          : '—',
      ),
      h('td', null, u.queue),
      h('td', null, u.phase),
      h('td', { class: 'num' }, `${u.members.scheduled}/${u.minMember}`),
      h('td', { class: 'num' }, u.created ? elapsed(now - u.created) : 'N/A'),
      h('td', { 'data-col': 'reason' }, u.reason),
      h('td', { class: 'message', 'data-col': 'message' }, u.message),
    ),
  );
  return h(
    'section',
    { 'aria-label': 'pending units' },
    h('h2', null, `Pending scheduling units (${p.units.length})`),
    p.unavailable
      ? h('p', { class: 'error' }, p.unavailable)
      : table(['unit', 'application', 'queue', 'phase', 'placed/min', 'waiting', 'reason', 'message'], rows, {
          testid: 'pending-units',
          empty: 'No unit is waiting for placement.',
        }),
  );
}

/** Builds the page in `root`; returns its refresh, which the shell calls every two seconds. */
export function overviewPage(root) {
  const top = h('div');
  const chart = h('section', { 'aria-label': 'utilization over time' });
  const rest = h('div');
  replace(root, h('h1', null, 'Cluster'), legend(), top, chart, rest);
  return async () => {
    const [m, u, series, scheduler, running, pending] = await Promise.all([
      rm('/metrics').then((b) => b.clusterMetrics),
      uiApi('/utilization'),
      uiApi('/series'),
      rm('/scheduler'),
      rm('/apps?states=RUNNING').then((b) => asList(b.apps?.app)),
      uiApi('/pending-units'),
    ]);
    replace(top, totals(m, u));
    replace(
      chart,
      h('h2', null, 'CPU over time'),
      utilizationChart(series.points),
      h(
        'p',
        { class: 'hint' },
        `One sample every ${Math.round(series.intervalMs / 1000)} s, the last ${series.points.length} of at most ${series.capacity}.`,
      ),
    );
    replace(rest, nodes(u), queues(scheduler, running, m), pendingUnits(pending, u.time));
  };
}
