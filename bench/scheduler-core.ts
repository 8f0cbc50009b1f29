/**
 * (a) of bench/scheduler: Loom's scheduling core alone, in memory, no apiserver: how many placements per second the
 * dispatcher → schedulers → binder pipeline makes on 1k/5k/10k nodes, for lone pods and for gangs of 10. Bindings
 * complete instantly, so the figure is the CPU cost of deciding, the part the scheduler must keep small while it
 * shares the machine with the apiserver.
 */
import type { Member } from '../scheduler/core/types.ts';
import type { UnitInfo } from '../scheduler/core/unit.ts';
import { assembleScheduler } from '../scheduler/assemble.ts';
import type { BindOutcome, BindSink, UnitReporter } from '../scheduler/pipeline.ts';

const GI = 1024 ** 3;

export interface CoreRun {
  nodes: number;
  workload: string;
  members: number;
  seconds: number;
  perSecond: number;
}

class InstantSink implements BindSink {
  bound = 0;
  bind(): Promise<BindOutcome> {
    this.bound++;
    return Promise.resolve('bound');
  }
  remove(): Promise<void> {
    return Promise.resolve();
  }
  evict(): Promise<'evicted'> {
    return Promise.resolve('evicted');
  }
}

const silent: UnitReporter = { pending: () => undefined, scheduled: () => undefined, timedOut: () => undefined };

/** Places `pods` lone pods (or `pods / gangSize` gangs) on `nodes` 32-core nodes and times it. */
export async function runCore(nodes: number, pods: number, gangSize = 1): Promise<CoreRun> {
  const sink = new InstantSink();
  const { cache, pipeline } = assembleScheduler({
    sink,
    reporter: silent,
    reclaimedStaleAfterMs: 60_000,
    options: { bindConcurrency: 256 },
  });
  for (let i = 0; i < nodes; i++) {
    cache.upsertNode({
      name: `node-${String(i).padStart(5, '0')}`,
      labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}` },
      taints: [],
      unschedulable: false,
      allocatable: { milliCpu: 32_000, memory: 128 * GI, pods: 110 },
      reclaimedAllocatable: { milliCpu: 0, memory: 0 },
    });
  }
  const members: Member[] = [];
  for (let i = 0; i < pods; i++) {
    const gang = gangSize > 1 ? Math.floor(i / gangSize) : -1;
    members.push({
      namespace: 'bench',
      name: `pod-${i}`,
      qos: 'shared_cores',
      requests: { milliCpu: 10, memory: 16 * 1024 * 1024, pods: 1 },
      priority: 0,
      nodeSelector: {},
      tolerations: [],
      createdAt: i,
      ...(gang >= 0 ? { unit: `bench/gang-${gang}`, role: 'worker' } : {}),
    });
  }
  if (gangSize > 1) {
    for (let g = 0; g < pods / gangSize; g++) {
      const unit: UnitInfo = {
        key: `bench/gang-${g}`,
        namespace: 'bench',
        name: `gang-${g}`,
        priority: 0,
        minMember: gangSize,
        mode: 'hard',
        createdAt: g,
      };
      pipeline.unitUpsert(unit);
    }
  }
  for (const m of members) pipeline.podPending(m);
  const started = performance.now();
  pipeline.start();
  await pipeline.idle();
  const seconds = (performance.now() - started) / 1000;
  pipeline.stop();
  if (sink.bound !== pods) throw new Error(`core placed ${sink.bound} of ${pods}`);
  return {
    nodes,
    workload: gangSize > 1 ? `gangs of ${gangSize}` : 'lone pods',
    members: pods,
    seconds,
    perSecond: pods / seconds,
  };
}

/** Prints the core-alone table: median of `runs` for each size. */
export async function runCoreAlone(
  sizes = [1000, 5000, 10_000],
  pods = 10_000,
  runs = 3,
  print: (line: string) => void = console.log,
): Promise<CoreRun[]> {
  const out: CoreRun[] = [];
  print(`\n(a) core alone: ${pods} members (10m cpu each), Bindings instant, median of ${runs}\n`);
  print('| nodes | workload | placements/s | seconds |');
  print('|---|---|---|---|');
  for (const nodes of sizes) {
    for (const gang of [1, 10]) {
      const results: CoreRun[] = [];
      for (let r = 0; r < runs; r++) results.push(await runCore(nodes, pods, gang));
      results.sort((a, b) => a.perSecond - b.perSecond);
      const median = results[Math.floor(results.length / 2)];
      if (!median) continue;
      out.push(median);
      print(`| ${nodes} | ${median.workload} | ${median.perSecond.toFixed(0)} | ${median.seconds.toFixed(2)} |`);
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runCoreAlone();
}
