// The measuring half of `make demo`: samples the cluster's cpu split every --interval seconds while the demo's
// workload runs, prints a live summary line, and when --until-file appears (or --max-seconds pass) prints the report:
// apps finished, cpu utilization with reclaimed cores against the same workload without them, online interference.
//
//   npx tsx hack/demo-report.ts --kubeconfig FILE --rm-url URL [--interval 2] [--max-seconds 600] [--until-file F]
//
// "Without reclaimed cores" is computed from the same samples: batch could then only use what online pods leave
// unrequested (allocatable − online requests), so each node's batch is capped there. Interference: node-samples in
// which online usage plus batch exceeded the node's allocatable (online would have been squeezed), and evictions.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { loadKubeConfig } from '../api/k8s/kubeconfig.ts';
import { readCpuRows, type NodeRow } from '../api/k8s/cluster-utilization.ts';
import { RmClient } from '../cli/rm-client.ts';

const { values: o } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    'rm-url': { type: 'string' },
    interval: { type: 'string', default: '2' },
    'max-seconds': { type: 'string', default: '600' },
    'until-file': { type: 'string' },
    user: { type: 'string', default: 'demo' },
  },
});
const kc = loadKubeConfig(o.kubeconfig);
const rm = new RmClient(o['rm-url'] ?? 'http://127.0.0.1:8088', o.user ?? 'demo');
const intervalMs = Number(o.interval) * 1000;
const deadline = Date.now() + Number(o['max-seconds']) * 1000;

interface Sample {
  alloc: number;
  online: number;
  batch: number;
  /** Σ per node of min(batch, allocatable − online requests): batch that fits without reclaimed cores. */
  batchWithout: number;
  squeezed: number;
  nodes: number;
}

function sampleOf(rows: readonly NodeRow[]): Sample {
  const s: Sample = { alloc: 0, online: 0, batch: 0, batchWithout: 0, squeezed: 0, nodes: rows.length };
  for (const r of rows) {
    s.alloc += r.allocatable;
    s.online += r.online;
    s.batch += r.batch;
    s.batchWithout += Math.min(r.batch, Math.max(0, r.allocatable - r.onlineRequests));
    if (r.online + r.batch > r.allocatable) s.squeezed++;
  }
  return s;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

async function evictions(): Promise<number> {
  const events = await kc.makeApiClient(CoreV1Api).listEventForAllNamespaces({ fieldSelector: 'reason=Evicted' });
  return events.items.filter((e) => e.source?.component === 'loom-node-agent').length;
}

const samples: Sample[] = [];
let lastLine = 0;
for (;;) {
  const s = sampleOf(await readCpuRows(kc));
  samples.push(s);
  if (Date.now() - lastLine >= 10_000) {
    lastLine = Date.now();
    const running = (await rm.apps({ states: 'RUNNING' })).length;
    const pending = (await rm.apps({ states: 'SUBMITTED,ACCEPTED' })).length;
    process.stdout.write(
      `[demo ${new Date().toISOString().slice(11, 19)}] cpu: online ${pct(s.online / s.alloc)}  batch-on-reclaimed ${pct(s.batch / s.alloc)}  | apps running ${running}, waiting ${pending}\n`,
    );
  }
  if ((o['until-file'] && existsSync(o['until-file'])) || Date.now() > deadline) break;
  await new Promise((r) => setTimeout(r, intervalMs));
}

const sum = (f: (s: Sample) => number): number => samples.reduce((n, s) => n + f(s), 0);
const alloc = sum((s) => s.alloc);
const withReclaimed = (sum((s) => s.online) + sum((s) => s.batch)) / alloc;
const without = (sum((s) => s.online) + sum((s) => s.batchWithout)) / alloc;
const apps = await rm.apps({});
const byState = new Map<string, number>();
for (const a of apps) byState.set(`${a.state}/${a.finalStatus}`, (byState.get(`${a.state}/${a.finalStatus}`) ?? 0) + 1);
const nodeSamples = sum((s) => s.nodes);
const evicted = await evictions();

process.stdout.write(`
== Loom demo report (${samples.length} samples over ${((samples.length * intervalMs) / 1000).toFixed(0)} s, ${samples.at(-1)?.nodes ?? 0} nodes)
apps:                    ${apps.length} submitted — ${[...byState].map(([k, n]) => `${n} ${k}`).join(', ')}
cpu utilization:         ${pct(withReclaimed)} with reclaimed cores  vs  ${pct(without)} for the same workload without them
                         (online ${pct(sum((s) => s.online) / alloc)} + batch ${pct(sum((s) => s.batch) / alloc)}; without reclaimed cores batch only fits where online pods leave cpu unrequested)
online interference:     ${sum((s) => s.squeezed)} of ${nodeSamples} node-samples had online + batch above allocatable; ${evicted} batch pods evicted to give cpu back
`);
