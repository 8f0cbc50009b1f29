import type { Command } from 'commander';
import { sumUtilization, type NodeUtilization } from '../../api/utilization.ts';
import { readState, resolveStateDir } from '../../hack/local-cluster/state.ts';
import { fail, intIn } from '../options.ts';
import type { NodeRow } from '../../api/k8s/cluster-utilization.ts';

const WIDTH = 40;
const cores = (m: number): string => (m / 1000).toFixed(1).padStart(6);
const pct = (part: number, whole: number): string => `${whole ? Math.round((part / whole) * 100) : 0}%`.padStart(4);

/** A bar of WIDTH cells: `#` online, `=` batch on reclaimed, `+` reclaimable unused, `.` idle. */
export function bar(u: NodeUtilization): string {
  if (u.allocatable <= 0) return ' '.repeat(WIDTH);
  const cells = (v: number): number => Math.round((v / u.allocatable) * WIDTH);
  const online = cells(u.online);
  const batch = Math.min(WIDTH - online, cells(u.batch));
  const free = Math.min(WIDTH - online - batch, cells(u.reclaimableUnused));
  return '#'.repeat(online) + '='.repeat(batch) + '+'.repeat(free) + '.'.repeat(WIDTH - online - batch - free);
}

/** The whole screen of `loom top` for one reading. */
export function topScreen(rows: readonly NodeRow[], limit: number, at: Date): string {
  const total = sumUtilization(rows);
  const lines = [
    `loom top — ${at.toISOString().slice(0, 19)}Z — cpu of ${rows.length} nodes: ${(total.allocatable / 1000).toFixed(0)} cores`,
    `cluster  online ${pct(total.online, total.allocatable)}  batch-on-reclaimed ${pct(total.batch, total.allocatable)}  reclaimable-unused ${pct(total.reclaimableUnused, total.allocatable)}  idle ${pct(total.idle, total.allocatable)}   (# online  = batch  + reclaimable  . idle)`,
    '',
    `${'NODE'.padEnd(18)} ${'CORES'.padStart(6)} ${'ONLINE'.padStart(6)} ${'BATCH'.padStart(6)} ${'RECL'.padStart(6)} ${'IDLE'.padStart(6)}  PODS(on/batch)  ${'#=+.'.padEnd(WIDTH)}`,
  ];
  for (const r of rows.slice(0, limit)) {
    lines.push(
      `${r.name.padEnd(18).slice(0, 18)} ${cores(r.allocatable)} ${cores(r.online)}${r.measured ? ' ' : '*'}${cores(r.batch)} ${cores(r.reclaimableUnused)} ${cores(r.idle)}  ${`${r.pods.online}/${r.pods.batch}`.padStart(14)}  ${bar(r)}`,
    );
  }
  if (rows.length > limit) lines.push(`… ${rows.length - limit} more nodes (--limit)`);
  if (rows.some((r) => !r.measured))
    lines.push('* no fresh node-agent report: online shown as requested, not measured');
  return lines.join('\n');
}

/**
 * `loom top`: per-node cpu split into online / batch-on-reclaimed / reclaimable-unused / idle (docs/utilization.md),
 * from the Node and Pod objects; `--watch` redraws every `--interval` seconds until interrupted or `--count` frames.
 */
export function registerTopCommand(program: Command): void {
  program
    .command('top')
    .description('per-node cpu: online, batch on reclaimed capacity, reclaimable unused, idle')
    .option(
      '--kubeconfig <file>',
      'kubeconfig (env KUBECONFIG; else the local cluster’s; else in-cluster config)',
      process.env.KUBECONFIG,
    )
    .option('--limit <n>', 'nodes shown', intIn(1, 100_000), 30)
    .option('--watch', 'redraw until interrupted', false)
    .option('--interval <seconds>', 'seconds between frames with --watch', intIn(1, 3600), 2)
    .option('--count <n>', 'stop after this many frames with --watch', intIn(1, 1_000_000))
    .action(async (f: { kubeconfig?: string; limit: number; watch: boolean; interval: number; count?: number }) => {
      const [{ loadKubeConfig }, { readCpuRows }] = await Promise.all([
        import('../../api/k8s/kubeconfig.ts'),
        import('../../api/k8s/cluster-utilization.ts'),
      ]);
      // The local cluster's kubeconfig when nothing else is given: `loom top` right after `loom up` just works.
      const local = readState(resolveStateDir(program.opts<{ stateDir?: string }>().stateDir))?.kubeconfig;
      const kc = loadKubeConfig(f.kubeconfig ?? local);
      for (let frame = 1; ; frame++) {
        let screen: string;
        try {
          screen = topScreen(await readCpuRows(kc), f.limit, new Date());
        } catch (err) {
          fail(`loom top: ${(err as Error).message}`);
        }
        // Clear and home only on a terminal: piped output stays plain text.
        process.stdout.write(`${f.watch && process.stdout.isTTY ? '\x1b[2J\x1b[H' : ''}${screen}\n`);
        if (!f.watch || (f.count !== undefined && frame >= f.count)) return;
        await new Promise((r) => setTimeout(r, f.interval * 1000));
      }
    });
}
