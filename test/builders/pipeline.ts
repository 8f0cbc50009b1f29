import { afterEach } from 'node:test';
import { assembleScheduler } from '../../scheduler/assemble.ts';
import type { Member } from '../../scheduler/core/types.ts';
import type { QueueInfo, UnitInfo } from '../../scheduler/core/unit.ts';
import type {
  BindOutcome,
  BindSink,
  PipelineOptions,
  SchedulingPipeline,
  UnitReporter,
} from '../../scheduler/pipeline.ts';

const GI = 1024 ** 3;

/** A sink that records every Binding and deletion; `fail` decides an outcome per pod name. */
export class RecordingSink implements BindSink {
  readonly bound = new Map<string, string>();
  readonly removed: { name: string; reason: string }[] = [];
  fail: (m: Member) => BindOutcome | undefined = () => undefined;
  bind(m: Member, node: string): Promise<BindOutcome> {
    const outcome = this.fail(m) ?? 'bound';
    if (outcome === 'bound') this.bound.set(m.name, node);
    return Promise.resolve(outcome);
  }
  readonly evicted: string[] = [];
  /** Evictions a PodDisruptionBudget refuses, by pod name. */
  blocked = new Set<string>();
  evict(v: Member): Promise<'evicted' | 'blocked' | 'gone'> {
    if (this.blocked.has(v.name)) return Promise.resolve('blocked');
    this.evicted.push(v.name);
    return Promise.resolve('evicted');
  }
  remove(m: Member, reason: string): Promise<void> {
    this.removed.push({ name: m.name, reason });
    return Promise.resolve();
  }
}

/** A reporter that keeps what it was told. */
export class RecordingReporter implements UnitReporter {
  readonly pendingMessages = new Map<string, string>();
  /** Every pending report in order, with the members it named. */
  readonly pendingCalls: { unit: string; members: string[]; message: string }[] = [];
  readonly scheduledUnits: string[] = [];
  readonly timedOutUnits: string[] = [];
  pending(u: UnitInfo, m: readonly Member[], message: string): void {
    this.pendingMessages.set(u.key, message);
    this.pendingCalls.push({ unit: u.key, members: m.map((x) => x.name), message });
  }
  scheduled(u: UnitInfo): void {
    this.scheduledUnits.push(u.key);
  }
  timedOut(u: UnitInfo): void {
    this.timedOutUnits.push(u.key);
  }
}

/** A pipeline over an in-memory cache, with a settable clock. */
export function makePipeline(opts: Partial<PipelineOptions> = {}) {
  let now = 1_795_770_000_000; // fixed: reclaimed reports stamped at this time stay fresh
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const sink = new RecordingSink();
  const reporter = new RecordingReporter();
  const conflicts = { n: 0 };
  /** Attempts by result, in order. */
  const attempts: string[] = [];
  const { pipeline, cache, dispatcher, framework } = assembleScheduler({
    sink,
    reporter,
    reclaimedStaleAfterMs: 60_000,
    options: { now: clock.now, reportIntervalMs: 0, membersGraceMs: 0, ...opts },
    observer: { conflicts: (n) => (conflicts.n += n), attempt: (result) => attempts.push(result) },
  });
  return { pipeline, cache, dispatcher, sink, reporter, clock, conflicts, attempts, framework };
}

/** Node facts for the cache: `cpu` cores and `gib` memory, online allocatable. */
export const nodeFacts = (name: string, cpu = 32, gib = 128, labels: Record<string, string> = {}) => ({
  name,
  labels,
  taints: [],
  unschedulable: false,
  allocatable: { milliCpu: cpu * 1000, memory: gib * GI, pods: 110 },
  reclaimedAllocatable: { milliCpu: 0, memory: 0 },
});

/** A pending member; `unit` makes it a gang member. */
export const member = (name: string, o: Partial<Member> & { cpu?: number; gib?: number } = {}): Member => {
  const { cpu = 1, gib = 1, ...rest } = o;
  return {
    namespace: 'yarn',
    name,
    qos: 'shared_cores',
    requests: { milliCpu: cpu * 1000, memory: gib * GI, pods: 1 },
    priority: 0,
    nodeSelector: {},
    tolerations: [],
    ...rest,
  };
};

/** A SchedulingUnit as the adapter would describe it. */
export const unit = (name: string, o: Partial<UnitInfo> = {}): UnitInfo => ({
  key: `yarn/${name}`,
  namespace: 'yarn',
  name,
  priority: 0,
  minMember: 1,
  mode: 'hard',
  createdAt: 0,
  ...o,
});

/** A queue with `cpu` cores guaranteed and `maxCpu` at most (memory unlimited). */
export const queue = (name: string, cpu: number, maxCpu: number, parent?: string): QueueInfo => ({
  name,
  ...(parent ? { parent } : {}),
  guaranteed: { milliCpu: cpu * 1000, memory: 1e15, pods: 1e9 },
  max: { milliCpu: maxCpu * 1000, memory: 1e15, pods: 1e9 },
  running: true,
});

/**
 * A `start` that starts a pipeline and stops it after the current test (registers the `afterEach` hook of the
 * calling test file).
 */
export function startedPipelines(): (p: SchedulingPipeline) => SchedulingPipeline {
  let running: SchedulingPipeline[] = [];
  afterEach(() => {
    for (const p of running) p.stop();
    running = [];
  });
  return (p) => {
    running.push(p);
    p.start();
    return p;
  };
}

/** `n` members of `cpu` cores in unit `yarn/<name>`. */
export const gang = (name: string, n: number, cpu: number, o: Partial<Member> = {}): Member[] =>
  Array.from({ length: n }, (_, i) => member(`${name}-${i}`, { unit: `yarn/${name}`, role: 'worker', cpu, ...o }));

/** Lets the pipeline run its rounds with the clock where it is (a kick, then idle). */
export const settle = async (p: SchedulingPipeline): Promise<void> => {
  p.kick();
  await p.idle();
};
