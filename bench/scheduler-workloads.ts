import { API_VERSION, QUEUE, SCHEDULING_UNIT, UNIT_LABEL, UNIT_ROLE_LABEL } from '../api/names.ts';

/** The image of every benchmark pod; kwok never pulls it. */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';
/** Label on every pod the scheduler benchmark creates. */
export const BENCH_LABEL = 'bench.loom.dev/scheduler';

type Obj = Record<string, unknown>;

const pad = (i: number, width = 5): string => String(i).padStart(width, '0');

/**
 * A pod as small as a pod gets: one pause container, fixed requests, no service-account token volume, no grace
 * period (deletion is immediate even when bound).
 */
export function benchPod(
  name: string,
  namespace: string,
  schedulerName: string,
  requests: { cpu: string; memory: string },
  labels: Record<string, string> = {},
): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { [BENCH_LABEL]: 'true', ...labels } },
    spec: {
      schedulerName,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'pause', image: PAUSE_IMAGE, resources: { requests } }],
    },
  };
}

/** Part (b): `count` identical plain pods, cpu 10m / memory 16Mi. */
export function plainPods(count: number, namespace: string, schedulerName: string): Obj[] {
  return Array.from({ length: count }, (_, i) =>
    benchPod(`pod-${pad(i)}`, namespace, schedulerName, { cpu: '10m', memory: '16Mi' }),
  );
}

/**
 * The queue of the gang units: reserved tier (cpu/memory, like the pods ask) and the whole cluster, so the
 * scheduler's quota admits every gang and only node capacity decides. The local queues are spot: reclaimed capacity,
 * none without a node agent.
 */
export const BENCH_QUEUE = 'bench-gangs';
export const benchQueue = (): object => ({
  apiVersion: API_VERSION,
  kind: QUEUE.kind,
  metadata: { name: BENCH_QUEUE, labels: { [BENCH_LABEL]: 'true' } },
  spec: { parent: 'root', capacity: 100, maximumCapacity: 100, tier: 'reserved' },
});

/** Order in which gang members are named and created (kube-scheduler's initial queue follows the names). */
export const GANG_ORDERS = ['shuffled', 'grouped'] as const;
export type GangOrder = (typeof GANG_ORDERS)[number];

/** Part (c) workload: SchedulingUnits and their member pods. */
export interface GangWorkload {
  units: Obj[];
  pods: Obj[];
}

/**
 * `gangs` SchedulingUnits of `size` members (one role `worker`, `minMember: size`) and their pods, labelled
 * `scheduling.loom.dev/unit` / `scheduling.loom.dev/role`. Pods are named `member-<seq>` with `seq` their place in
 * `order`: `grouped` puts a gang's members next to each other, `shuffled` is a seeded random permutation of every
 * member of every gang (all gangs pending at once, members in no particular order).
 */
export function gangWorkload(o: {
  gangs: number;
  size: number;
  namespace: string;
  schedulerName: string;
  requests: { cpu: string; memory: string };
  order: GangOrder;
  seed: number;
  timeoutSeconds: number;
}): GangWorkload {
  const unitName = (g: number): string => `gang-${pad(g, 4)}`;
  const units = Array.from({ length: o.gangs }, (_, g) => ({
    apiVersion: API_VERSION,
    kind: SCHEDULING_UNIT.kind,
    metadata: { name: unitName(g), namespace: o.namespace, labels: { [BENCH_LABEL]: 'true' } },
    spec: {
      queue: BENCH_QUEUE,
      minMember: o.size,
      roles: [{ name: 'worker', count: o.size, requests: o.requests }],
      timeoutSeconds: o.timeoutSeconds,
      mode: 'hard',
    },
  }));
  const members = Array.from({ length: o.gangs * o.size }, (_, i) => ({ gang: Math.floor(i / o.size) }));
  if (o.order === 'shuffled') shuffle(members, o.seed);
  const pods = members.map((m, seq) =>
    benchPod(`member-${pad(seq)}`, o.namespace, o.schedulerName, o.requests, {
      [UNIT_LABEL]: unitName(m.gang),
      [UNIT_ROLE_LABEL]: 'worker',
    }),
  );
  return { units, pods };
}

/** Fisher–Yates with a small deterministic generator (mulberry32), so every run and contender sees one order. */
function shuffle<T>(items: T[], seed: number): void {
  let s = seed >>> 0;
  const random = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
