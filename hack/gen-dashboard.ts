// Writes deploy/grafana/loom-dashboard.json from the panel list below: `npx tsx hack/gen-dashboard.ts`.
// A unit test renders it again and fails when the file drifts or a panel names a metric no component exports.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Panel {
  title: string;
  /** PromQL, legend. */
  targets: [string, string][];
  unit: string;
  stacked?: boolean;
  description: string;
}

const cores = (metric: string): string => `sum(${metric}) / 1000`;

/** Rows of panels: mixed utilization first, as the operators' first question is "how full is it, and by what". */
export const ROWS: { title: string; panels: Panel[] }[] = [
  {
    title: 'Mixed utilization (cpu)',
    panels: [
      {
        title: 'Cluster cpu: online / batch-on-reclaimed / reclaimable-unused / idle',
        description: 'docs/utilization.md: the four parts add up to allocatable cpu.',
        unit: 'short',
        stacked: true,
        targets: [
          [cores('loom_node_online_usage_millicpu'), 'online'],
          [cores('loom_node_reclaimed_in_use_millicpu'), 'batch-on-reclaimed'],
          [
            'clamp_min(sum(loom_node_reclaimable_millicpu) - sum(loom_node_reclaimed_in_use_millicpu), 0) / 1000',
            'reclaimable-unused',
          ],
          [
            'clamp_min(sum(loom_node_allocatable_millicpu) - sum(loom_node_online_usage_millicpu) - sum(loom_node_reclaimable_millicpu), 0) / 1000',
            'idle',
          ],
        ],
      },
      {
        title: 'Utilization with and without reclaimed cores',
        description: '(online + batch) / allocatable against online / allocatable.',
        unit: 'percentunit',
        targets: [
          [
            '(sum(loom_node_online_usage_millicpu) + sum(loom_node_reclaimed_in_use_millicpu)) / sum(loom_node_allocatable_millicpu)',
            'with reclaimed cores',
          ],
          ['sum(loom_node_online_usage_millicpu) / sum(loom_node_allocatable_millicpu)', 'online alone'],
        ],
      },
      {
        title: 'Reclaimable published per node',
        description: 'What each node agent publishes as reclaimed_millicpu.',
        unit: 'short',
        targets: [['loom_node_reclaimable_millicpu / 1000', '{{node}}']],
      },
      {
        title: 'Evictions of batch pods (per minute)',
        description: 'reclaimed_cores pods the node agents evicted to give capacity back to online pods.',
        unit: 'short',
        targets: [['sum by (resource) (rate(loom_node_evictions_total[5m])) * 60', '{{resource}}']],
      },
    ],
  },
  {
    title: 'Scheduler',
    panels: [
      {
        title: 'Pending',
        description: 'Units with members waiting, and pods waiting.',
        unit: 'short',
        targets: [
          ['loom_scheduler_pending_units', 'units'],
          ['loom_scheduler_pending_pods', 'pods'],
        ],
      },
      {
        title: 'Placed members per second',
        description: 'Members committed by the binder.',
        unit: 'short',
        targets: [['rate(loom_scheduler_placed_members_total[1m])', 'placed']],
      },
      {
        title: 'Binding latency p99',
        description: 'Binding subresource writes.',
        unit: 's',
        targets: [
          ['histogram_quantile(0.99, sum by (le) (rate(loom_scheduler_binding_duration_seconds_bucket[5m])))', 'p99'],
        ],
      },
    ],
  },
  {
    title: 'YARN gateway and translator',
    panels: [
      {
        title: 'Applications by state',
        description: 'As /ws/v1/cluster/appstatistics counts them.',
        unit: 'short',
        targets: [['max by (state) (loom_gateway_applications)', '{{state}}']],
      },
      {
        title: 'REST requests per second by status',
        description: 'All gateway replicas.',
        unit: 'reqps',
        targets: [['sum by (code) (rate(loom_gateway_http_requests_total[1m]))', '{{code}}']],
      },
      {
        title: 'REST latency p99 by route',
        description: 'Route templates, never raw ids.',
        unit: 's',
        targets: [
          [
            'histogram_quantile(0.99, sum by (le, route) (rate(loom_gateway_http_request_duration_seconds_bucket[5m])))',
            '{{route}}',
          ],
        ],
      },
      {
        title: 'Translator jobs per second',
        description: 'Submit and kill jobs by outcome.',
        unit: 'short',
        targets: [['sum by (queue, outcome) (rate(loom_translator_jobs_total[1m]))', '{{queue}} {{outcome}}']],
      },
      {
        title: 'Status controller leader',
        description: '1 on the replica holding the loom-translator Lease.',
        unit: 'short',
        targets: [['sum(loom_translator_status_leader)', 'leaders']],
      },
    ],
  },
];

export function renderDashboard(): string {
  let id = 1;
  let y = 0;
  const panels: unknown[] = [];
  for (const row of ROWS) {
    panels.push({ id: id++, type: 'row', title: row.title, gridPos: { h: 1, w: 24, x: 0, y: y++ }, collapsed: false });
    row.panels.forEach((p, i) => {
      panels.push({
        id: id++,
        type: 'timeseries',
        title: p.title,
        description: p.description,
        datasource: { type: 'prometheus', uid: '${datasource}' },
        gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: y + Math.floor(i / 2) * 8 },
        fieldConfig: {
          defaults: {
            unit: p.unit,
            custom: { fillOpacity: p.stacked ? 60 : 10, stacking: { mode: p.stacked ? 'normal' : 'none' } },
          },
          overrides: [],
        },
        targets: p.targets.map(([expr, legendFormat], k) => ({
          refId: String.fromCharCode(65 + k),
          expr,
          legendFormat,
        })),
      });
    });
    y += Math.ceil(row.panels.length / 2) * 8;
  }
  const dashboard = {
    title: 'Loom: mixed utilization, scheduling, YARN',
    uid: 'loom-overview',
    tags: ['loom'],
    timezone: 'browser',
    schemaVersion: 39,
    refresh: '10s',
    time: { from: 'now-1h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' }],
    },
    panels,
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  writeFileSync(join(import.meta.dirname, '..', 'deploy', 'grafana', 'loom-dashboard.json'), renderDashboard());
}
