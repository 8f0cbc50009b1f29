// Local-cluster scale: time until N kwok nodes are Ready, and the memory of the control plane at that size.
// Starts the system exactly as a user does (`loom cluster up`), in its own state folder, and tears it down.
//
//   npx tsx bench/cluster-scale.ts [--nodes 1000,5000] [--settle 30]
//
// Prints one Markdown row per size for docs/benchmarks.md.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type { ClusterState } from '../hack/local-cluster/state.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: { nodes: { type: 'string', default: '1000,5000' }, settle: { type: 'string', default: '30' } },
});
const sizes = (values.nodes ?? '').split(',').map(Number);
const settleSeconds = Number(values.settle);
const loomBin = join(import.meta.dirname, '..', 'bin', 'loom.mjs');

const rssMiB = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Math.round(Number(m[1]) / 1024) : NaN;
};

const rows: string[] = [];
for (const n of sizes) {
  const stateDir = mkdtempSync(join(tmpdir(), `loom-bench-${n}-`));
  const env = { ...process.env, LOOM_STATE_DIR: stateDir };
  try {
    await run('node', [loomBin, 'cluster', 'up', '--nodes', '0'], { env, maxBuffer: 1 << 24 });
    const t0 = performance.now();
    await run('node', [loomBin, 'cluster', 'up', '--nodes', String(n)], { env, maxBuffer: 1 << 24, timeout: 900_000 });
    const readySeconds = (performance.now() - t0) / 1000;
    const state = JSON.parse(readFileSync(join(stateDir, 'cluster.json'), 'utf8')) as ClusterState;
    const pid = (name: string): number => state.processes.find((p) => p.name === name)?.pid ?? -1;
    const atReady = { api: rssMiB(pid('kube-apiserver')), etcd: rssMiB(pid('etcd')), kwok: rssMiB(pid('kwok')) };
    await new Promise((r) => setTimeout(r, settleSeconds * 1000));
    const settled = {
      api: rssMiB(pid('kube-apiserver')),
      etcd: rssMiB(pid('etcd')),
      kwok: rssMiB(pid('kwok')),
      kcm: rssMiB(pid('kube-controller-manager')),
    };
    const row = `| ${n} | ${readySeconds.toFixed(1)} s | ${atReady.api} / ${settled.api} MiB | ${atReady.etcd} / ${settled.etcd} MiB | ${atReady.kwok} / ${settled.kwok} MiB | ${settled.kcm} MiB |`;
    console.log(row);
    rows.push(row);
  } finally {
    await run('node', [loomBin, 'cluster', 'down'], { env });
  }
}
console.log(
  '\n| nodes | create → all Ready | kube-apiserver RSS (at Ready / +' +
    settleSeconds +
    ' s) | etcd RSS | kwok RSS | controller-manager RSS |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
