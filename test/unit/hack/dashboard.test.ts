import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Registry } from 'prom-client';
import { GatewayMetrics } from '../../../gateway/gateway-metrics.ts';
import type { AppService } from '../../../gateway/services/app-service.ts';
import { ROWS, renderDashboard } from '../../../hack/gen-dashboard.ts';
import { AgentMetrics } from '../../../node-agent/agent-metrics.ts';
import { SchedulerMetrics } from '../../../scheduler/k8s/metrics.ts';
import { TranslatorMetrics } from '../../../translator/translator-metrics.ts';

const names = (r: Registry): string[] => r.getMetricsAsArray().map((m) => m.name);

describe('Grafana dashboard', () => {
  it('deploy/grafana/loom-dashboard.json is what hack/gen-dashboard.ts renders (npx tsx hack/gen-dashboard.ts)', () => {
    const file = join(import.meta.dirname, '..', '..', '..', 'deploy', 'grafana', 'loom-dashboard.json');
    assert.equal(readFileSync(file, 'utf8'), renderDashboard());
  });

  it('every metric a panel queries is exported by a component', () => {
    // Only countByState is called, and only at scrape time; this test never scrapes.
    const apps = { countByState: () => Promise.resolve(new Map()) } as unknown as AppService;
    const exported = new Set([
      ...names(new SchedulerMetrics().registry),
      ...names(new AgentMetrics().registry),
      ...names(new TranslatorMetrics().registry),
      ...names(new GatewayMetrics(apps).registry),
    ]);
    const queried = new Set(
      ROWS.flatMap((r) => r.panels.flatMap((p) => p.targets.flatMap(([expr]) => expr.match(/\bloom_[a-z_]+/g) ?? []))),
    );
    assert.ok(queried.size >= 12, `${queried.size} metrics queried`);
    for (const q of queried) {
      const base = q.replace(/_(bucket|sum|count)$/, '');
      assert.ok(exported.has(q) || exported.has(base), `${q} is not exported by any component`);
    }
  });
});
