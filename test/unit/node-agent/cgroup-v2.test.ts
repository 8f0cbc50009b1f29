import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CgroupV2Source,
  flatKeyedValue,
  parseCpuStat,
  parseLoadavg,
  parseMemoryStat,
  parsePressure,
  podUidFromCgroupName,
} from '../../../node-agent/metrics/cgroup-v2.ts';
import type { NodeSample } from '../../../node-agent/metrics/source.ts';

// --- Fixture trees shaped like a kubelet's cgroup v2 hierarchy -------------------------------------------------

type Driver = 'systemd' | 'cgroupfs';
type Qos = 'guaranteed' | 'burstable' | 'besteffort';

interface FixturePod {
  uid: string;
  qos: Qos;
  usageUsec: number;
  memoryCurrent: number;
  inactiveFile: number;
}

const GUARANTEED: FixturePod = {
  uid: '3f1c2a9e-8b7d-4e6f-a5c4-1d2e3f4a5b6c',
  qos: 'guaranteed',
  usageUsec: 48_213_906,
  memoryCurrent: 268_435_456,
  inactiveFile: 67_108_864,
};
const BURSTABLE: FixturePod = {
  uid: 'b2d4f6a8-1c3e-4a5b-9d7f-0e1f2a3b4c5d',
  qos: 'burstable',
  usageUsec: 9_874_512,
  memoryCurrent: 104_857_600,
  inactiveFile: 4_194_304,
};
const BESTEFFORT: FixturePod = {
  uid: '7e9a1b3c-5d7f-4b2a-8c6e-9f0a1b2c3d4e',
  qos: 'besteffort',
  usageUsec: 120_004_331,
  memoryCurrent: 536_870_912,
  inactiveFile: 201_326_592,
};
const PODS = [GUARANTEED, BURSTABLE, BESTEFFORT];

function cpuStat(usageUsec: number, throttle = { nrPeriods: 0, nrThrottled: 0, throttledUsec: 0 }): string {
  const user = Math.floor(usageUsec * 0.8);
  return [
    `usage_usec ${usageUsec}`,
    `user_usec ${user}`,
    `system_usec ${usageUsec - user}`,
    'core_sched.force_idle_usec 0',
    `nr_periods ${throttle.nrPeriods}`,
    `nr_throttled ${throttle.nrThrottled}`,
    `throttled_usec ${throttle.throttledUsec}`,
    'nr_bursts 0',
    'burst_usec 0',
    '',
  ].join('\n');
}

function memoryStat(memoryCurrent: number, inactiveFile: number): string {
  const file = Math.floor(memoryCurrent / 2);
  const activeFile = Math.max(0, file - inactiveFile);
  return [
    `anon ${memoryCurrent - file}`,
    `file ${file}`,
    'kernel 1572864',
    'kernel_stack 147456',
    'pagetables 425984',
    'sec_pagetables 0',
    'percpu 2016',
    'sock 0',
    'vmalloc 8192',
    'shmem 0',
    'zswap 0',
    'zswapped 0',
    'file_mapped 12288000',
    'file_dirty 4096',
    'file_writeback 0',
    'swapcached 0',
    'anon_thp 0',
    'file_thp 0',
    'shmem_thp 0',
    `inactive_anon ${memoryCurrent - file}`,
    'active_anon 4096',
    `inactive_file ${inactiveFile}`,
    `active_file ${activeFile}`,
    'unevictable 0',
    'slab_reclaimable 823296',
    'slab_unreclaimable 431248',
    'slab 1254544',
    'workingset_refault_anon 0',
    'workingset_refault_file 120',
    'workingset_activate_anon 0',
    'workingset_activate_file 17',
    'pgscan 0',
    'pgsteal 0',
    'pgfault 492611',
    'pgmajfault 208',
    'thp_fault_alloc 0',
    '',
  ].join('\n');
}

const PRESSURE_CPU =
  'some avg10=12.50 avg60=8.03 avg300=3.41 total=913849212\nfull avg10=1.25 avg60=0.80 avg300=0.34 total=81234512\n';
const PRESSURE_MEMORY =
  'some avg10=0.00 avg60=0.04 avg300=0.01 total=2183409\nfull avg10=0.00 avg60=0.02 avg300=0.00 total=1702342\n';
const LOADAVG = '3.42 2.87 2.10 5/1024 482913\n';

function qosParent(driver: Driver, qos: Qos): string {
  if (driver === 'systemd') {
    return qos === 'guaranteed' ? 'kubepods.slice' : `kubepods.slice/kubepods-${qos}.slice`;
  }
  return qos === 'guaranteed' ? 'kubepods' : `kubepods/${qos}`;
}

/** The pod cgroup directory of `pod`, relative to the cgroup root, as the kubelet names it for `driver`. */
function podPath(driver: Driver, pod: FixturePod): string {
  if (driver === 'systemd') {
    const prefix = pod.qos === 'guaranteed' ? 'kubepods' : `kubepods-${pod.qos}`;
    return join(qosParent(driver, pod.qos), `${prefix}-pod${pod.uid.replaceAll('-', '_')}.slice`);
  }
  return join(qosParent(driver, pod.qos), `pod${pod.uid}`);
}

function containerName(driver: Driver, id: string): string {
  return driver === 'systemd' ? `cri-containerd-${id}.scope` : id;
}

let fixtureCount = 0;
const tempRoot = await mkdtemp(join(tmpdir(), 'loom-cgroup-v2-'));
after(() => rm(tempRoot, { recursive: true, force: true }));

async function put(path: string, text: string): Promise<void> {
  await writeFile(path, text);
}

/** A cgroup root with PSI, the kubepods hierarchy of `driver` and `pods` (each: pause + two containers). */
async function buildTree(driver: Driver, pods: readonly FixturePod[] = PODS): Promise<string> {
  const root = join(tempRoot, `${driver}-${fixtureCount++}`);
  await mkdir(root, { recursive: true });
  await put(join(root, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
  await put(join(root, 'cgroup.subtree_control'), 'cpuset cpu io memory pids\n');
  await put(join(root, 'cpu.pressure'), PRESSURE_CPU);
  await put(join(root, 'memory.pressure'), PRESSURE_MEMORY);
  await put(join(root, 'io.pressure'), PRESSURE_MEMORY);
  await put(join(root, 'cpu.stat'), cpuStat(9_812_334_001));
  await mkdir(join(root, 'system.slice', 'containerd.service'), { recursive: true });
  for (const qos of ['guaranteed', 'burstable', 'besteffort'] as const) {
    const dir = join(root, qosParent(driver, qos));
    await mkdir(dir, { recursive: true });
    await put(join(dir, 'cgroup.subtree_control'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
    await put(join(dir, 'cpu.weight'), qos === 'besteffort' ? '1\n' : '100\n');
    await put(join(dir, 'cpu.max'), 'max 100000\n');
    await put(join(dir, 'memory.current'), '909312000\n');
  }
  const besteffort = join(root, qosParent(driver, 'besteffort'));
  await put(
    join(besteffort, 'cpu.stat'),
    cpuStat(120_004_331, { nrPeriods: 912, nrThrottled: 37, throttledUsec: 4_120_551 }),
  );
  for (const [index, pod] of pods.entries()) {
    const dir = join(root, podPath(driver, pod));
    await mkdir(dir, { recursive: true });
    await put(join(dir, 'cgroup.procs'), '');
    await put(join(dir, 'cpu.weight'), pod.qos === 'besteffort' ? '1\n' : '79\n');
    await put(join(dir, 'cpu.max'), pod.qos === 'guaranteed' ? '200000 100000\n' : 'max 100000\n');
    await put(join(dir, 'cpu.stat'), cpuStat(pod.usageUsec));
    await put(join(dir, 'memory.current'), `${pod.memoryCurrent}\n`);
    await put(join(dir, 'memory.stat'), memoryStat(pod.memoryCurrent, pod.inactiveFile));
    await put(join(dir, 'cpu.pressure'), PRESSURE_CPU);
    const shares = [0.01, 0.59, 0.4];
    for (const [slot, share] of shares.entries()) {
      const id = `${index}${slot}`.padEnd(64, 'ab39f0c1d2e7');
      const container = join(dir, containerName(driver, id));
      await mkdir(container, { recursive: true });
      await put(join(container, 'cgroup.procs'), `${10_000 + index * 10 + slot}\n`);
      await put(join(container, 'cpu.stat'), cpuStat(Math.floor(pod.usageUsec * share)));
      await put(join(container, 'memory.current'), `${Math.floor(pod.memoryCurrent * share)}\n`);
      await put(
        join(container, 'memory.stat'),
        memoryStat(Math.floor(pod.memoryCurrent * share), Math.floor(pod.inactiveFile * share)),
      );
    }
  }
  await put(join(root, 'loadavg'), LOADAVG);
  return root;
}

function sourceFor(root: string): CgroupV2Source {
  return new CgroupV2Source({ root, procLoadavg: join(root, 'loadavg') });
}

const T0 = 1_700_000_000_000;

// --- Parsers --------------------------------------------------------------------------------------------------

describe('podUidFromCgroupName', () => {
  const cases: { name: string; input: string; want: string | undefined }[] = [
    {
      name: 'systemd guaranteed pod',
      input: 'kubepods-pod3f1c2a9e_8b7d_4e6f_a5c4_1d2e3f4a5b6c.slice',
      want: '3f1c2a9e-8b7d-4e6f-a5c4-1d2e3f4a5b6c',
    },
    {
      name: 'systemd burstable pod',
      input: 'kubepods-burstable-podb2d4f6a8_1c3e_4a5b_9d7f_0e1f2a3b4c5d.slice',
      want: 'b2d4f6a8-1c3e-4a5b-9d7f-0e1f2a3b4c5d',
    },
    {
      name: 'systemd besteffort pod',
      input: 'kubepods-besteffort-pod7e9a1b3c_5d7f_4b2a_8c6e_9f0a1b2c3d4e.slice',
      want: '7e9a1b3c-5d7f-4b2a-8c6e-9f0a1b2c3d4e',
    },
    {
      name: 'cgroupfs pod',
      input: 'pod3f1c2a9e-8b7d-4e6f-a5c4-1d2e3f4a5b6c',
      want: '3f1c2a9e-8b7d-4e6f-a5c4-1d2e3f4a5b6c',
    },
    {
      name: 'static pod (hash uid without dashes)',
      input: 'kubepods-burstable-pod6f1b1c5e0a3d4e2f9b8c7d6e5f4a3b2c.slice',
      want: '6f1b1c5e0a3d4e2f9b8c7d6e5f4a3b2c',
    },
    { name: 'QoS slice', input: 'kubepods-burstable.slice', want: undefined },
    { name: 'cgroupfs QoS directory', input: 'besteffort', want: undefined },
    { name: 'container scope', input: 'cri-containerd-0a1b2c.scope', want: undefined },
    { name: 'empty uid', input: 'kubepods-pod.slice', want: undefined },
    { name: 'bare prefix', input: 'pod', want: undefined },
    { name: 'non-hex uid', input: 'podzz-top', want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(podUidFromCgroupName(c.input), c.want));
  }
});

describe('parseCpuStat', () => {
  it('reads usage and throttling from a real cpu.stat', () => {
    assert.deepEqual(parseCpuStat(cpuStat(5_000_000, { nrPeriods: 10, nrThrottled: 3, throttledUsec: 7000 })), {
      usageUsec: 5_000_000,
      nrPeriods: 10,
      nrThrottled: 3,
      throttledUsec: 7000,
    });
  });
  it('skips malformed values and keeps the rest', () => {
    const text = 'usage_usec 12x\nnr_periods -1\nnr_throttled\nthrottled_usec 42\nuser_usec 1 2\n';
    assert.deepEqual(parseCpuStat(text), { throttledUsec: 42 });
  });
  it('returns nothing for empty or foreign text', () => {
    assert.deepEqual(parseCpuStat(''), {});
    assert.deepEqual(parseCpuStat('max 100000\n'), {});
  });
});

describe('parseMemoryStat', () => {
  it('reads every key of a real memory.stat', () => {
    const stat = parseMemoryStat(memoryStat(104_857_600, 4_194_304));
    assert.equal(stat.get('inactive_file'), 4_194_304);
    assert.equal(stat.get('anon'), 52_428_800);
    assert.equal(stat.get('pgmajfault'), 208);
  });
  it('skips malformed lines', () => {
    const stat = parseMemoryStat('inactive_file lots\nanon 4096\n\n  file   8192  \n');
    assert.equal(stat.has('inactive_file'), false);
    assert.deepEqual(
      [...stat],
      [
        ['anon', 4096],
        ['file', 8192],
      ],
    );
  });
});

describe('flatKeyedValue', () => {
  // The sampler's one-field reader must agree with the full parser on every key of every text, odd ones included.
  const texts = [
    memoryStat(104_857_600, 4_194_304),
    cpuStat(5_000_000, { nrPeriods: 10, nrThrottled: 3, throttledUsec: 7000 }),
    'inactive_file lots\nanon 4096\n\n  file   8192  \n',
    'total_inactive_file 9\ninactive_file 5\n',
    'inactive_file_x 9\ninactive_file 7\ninactive_file 8\n',
    'inactive_file 1 2\ninactive_file\t3\n',
    'usage_usec\n\0\0\0',
    'xusage_usec 4\nusage_usec -1\nusage_usec 12x\n',
    '',
  ];
  const keys = ['inactive_file', 'anon', 'file', 'usage_usec', 'nr_throttled', 'pgmajfault', 'missing'];
  for (const [i, text] of texts.entries()) {
    it(`agrees with parseMemoryStat on text ${i}`, () => {
      const full = parseMemoryStat(text);
      for (const key of keys) assert.equal(flatKeyedValue(text, key), full.get(key), key);
    });
  }
});

describe('parsePressure', () => {
  it('reads some and full avg10', () => {
    assert.deepEqual(parsePressure(PRESSURE_CPU), { someAvg10: 12.5, fullAvg10: 1.25 });
  });
  it('accepts a some-only file (cpu.pressure before Linux 5.13)', () => {
    assert.deepEqual(parsePressure('some avg10=0.31 avg60=0.12 avg300=0.03 total=123456\n'), { someAvg10: 0.31 });
  });
  it('drops a malformed full line but keeps some', () => {
    assert.deepEqual(parsePressure('some avg10=2.00 avg60=1 avg300=0 total=1\nfull avg10=NaN\n'), { someAvg10: 2 });
  });
  it('is undefined without a well-formed some avg10', () => {
    assert.equal(parsePressure(''), undefined);
    assert.equal(parsePressure('some avg10=-1.00 avg60=0.00\n'), undefined);
    assert.equal(parsePressure('full avg10=1.00 avg60=0.00 avg300=0.00 total=1\n'), undefined);
    assert.equal(parsePressure('garbage'), undefined);
  });
});

describe('parseLoadavg', () => {
  it('reads load1 and load5', () => assert.deepEqual(parseLoadavg(LOADAVG), { load1: 3.42, load5: 2.87 }));
  it('is undefined for malformed text', () => {
    assert.equal(parseLoadavg(''), undefined);
    assert.equal(parseLoadavg('3.42'), undefined);
    assert.equal(parseLoadavg('high 2.87 2.10 5/1024 482913'), undefined);
  });
});

// --- The source over fixture trees ----------------------------------------------------------------------------

function workingSet(pod: FixturePod): number {
  return pod.memoryCurrent - pod.inactiveFile;
}

for (const driver of ['systemd', 'cgroupfs'] as const) {
  describe(`CgroupV2Source (${driver} driver)`, () => {
    it('reports every pod, node PSI, load and BestEffort throttling; no cpu rate on the first sample', async () => {
      const root = await buildTree(driver);
      const sample = await sourceFor(root).sample([], T0);
      assert.equal(sample.at, T0);
      assert.deepEqual([...sample.pods.keys()].sort(), PODS.map((pod) => pod.uid).sort());
      for (const pod of PODS) {
        assert.deepEqual(sample.pods.get(pod.uid), { uid: pod.uid, memory: workingSet(pod) });
      }
      assert.deepEqual(sample.cpuPressure, { someAvg10: 12.5, fullAvg10: 1.25 });
      assert.deepEqual(sample.memoryPressure, { someAvg10: 0, fullAvg10: 0 });
      assert.equal(sample.load1, 3.42);
      assert.equal(sample.load5, 2.87);
      assert.deepEqual(sample.reclaimedThrottle, { nrThrottled: 37, throttledUsec: 4_120_551 });
    });

    it('computes millicores between two samples', async () => {
      const root = await buildTree(driver);
      const source = sourceFor(root);
      await source.sample([], T0);
      // 2 s later: the guaranteed pod used 3 cores, the burstable 250m, the besteffort nothing.
      await put(join(root, podPath(driver, GUARANTEED), 'cpu.stat'), cpuStat(GUARANTEED.usageUsec + 6_000_000));
      await put(join(root, podPath(driver, BURSTABLE), 'cpu.stat'), cpuStat(BURSTABLE.usageUsec + 500_000));
      const sample = await source.sample([], T0 + 2000);
      assert.equal(sample.pods.get(GUARANTEED.uid)?.milliCpu, 3000);
      assert.equal(sample.pods.get(BURSTABLE.uid)?.milliCpu, 250);
      assert.equal(sample.pods.get(BESTEFFORT.uid)?.milliCpu, 0);
    });
  });
}

describe('CgroupV2Source', () => {
  it('treats a counter going backwards as a recreated cgroup, then resumes rates', async () => {
    const root = await buildTree('systemd', [GUARANTEED]);
    const stat = join(root, podPath('systemd', GUARANTEED), 'cpu.stat');
    const source = sourceFor(root);
    await source.sample([], T0);
    await put(stat, cpuStat(1_000));
    const reset = await source.sample([], T0 + 1000);
    assert.equal(reset.pods.get(GUARANTEED.uid)?.milliCpu, undefined);
    await put(stat, cpuStat(1_000 + 1_500_000));
    const resumed = await source.sample([], T0 + 2000);
    assert.equal(resumed.pods.get(GUARANTEED.uid)?.milliCpu, 1500);
  });

  it('forgets a pod whose cgroup vanished, so its return starts over', async () => {
    const root = await buildTree('cgroupfs', [BURSTABLE]);
    const dir = join(root, podPath('cgroupfs', BURSTABLE));
    const source = sourceFor(root);
    await source.sample([], T0);
    await rm(dir, { recursive: true });
    assert.equal((await source.sample([], T0 + 1000)).pods.size, 0);
    await mkdir(dir);
    await put(join(dir, 'cpu.stat'), cpuStat(BURSTABLE.usageUsec + 9_000_000));
    await put(join(dir, 'memory.current'), '4096\n');
    const back = await source.sample([], T0 + 2000);
    assert.deepEqual(back.pods.get(BURSTABLE.uid), { uid: BURSTABLE.uid, memory: 4096 });
  });

  it('gives no rate for a repeated instant and keeps the older reading as the anchor', async () => {
    const root = await buildTree('systemd', [GUARANTEED]);
    const stat = join(root, podPath('systemd', GUARANTEED), 'cpu.stat');
    const source = sourceFor(root);
    await source.sample([], T0);
    await put(stat, cpuStat(GUARANTEED.usageUsec + 1_000_000));
    assert.equal((await source.sample([], T0)).pods.get(GUARANTEED.uid)?.milliCpu, undefined);
    const later = await source.sample([], T0 + 1000);
    assert.equal(later.pods.get(GUARANTEED.uid)?.milliCpu, 1000);
  });

  it('reports pods whether or not the caller lists them', async () => {
    const root = await buildTree('systemd');
    const listed = {
      uid: GUARANTEED.uid,
      namespace: 'shop',
      name: 'checkout-0',
      qos: 'dedicated_cores',
      requests: { milliCpu: 2000, memory: 268_435_456 },
      priority: 1000,
      startTime: T0 - 60_000,
      annotations: {},
    };
    const sample = await sourceFor(root).sample([listed], T0);
    assert.equal(sample.pods.size, 3);
  });

  it('reads memory.current every sample but memory.stat only every memoryStatEvery samples', async () => {
    const root = await buildTree('systemd', [GUARANTEED]);
    const dir = join(root, podPath('systemd', GUARANTEED));
    const source = new CgroupV2Source({ root, procLoadavg: join(root, 'loadavg'), memoryStatEvery: 3 });
    const memory = async (at: number): Promise<number | undefined> =>
      (await source.sample([], at)).pods.get(GUARANTEED.uid)?.memory;
    assert.equal(await memory(T0), workingSet(GUARANTEED));
    // Page cache dropped to 1 MiB and the pod grew by 10 MiB: the growth shows at once, the cache on the 3rd sample.
    await put(join(dir, 'memory.stat'), memoryStat(GUARANTEED.memoryCurrent, 1_048_576));
    await put(join(dir, 'memory.current'), `${GUARANTEED.memoryCurrent + 10_485_760}\n`);
    assert.equal(await memory(T0 + 1000), workingSet(GUARANTEED) + 10_485_760);
    assert.equal(await memory(T0 + 2000), workingSet(GUARANTEED) + 10_485_760);
    assert.equal(await memory(T0 + 3000), GUARANTEED.memoryCurrent + 10_485_760 - 1_048_576);
  });

  it('returns an empty sample when nothing exists', async () => {
    const missing = join(tempRoot, 'does-not-exist');
    const sample = await new CgroupV2Source({ root: missing, procLoadavg: join(missing, 'loadavg') }).sample([], T0);
    assert.deepEqual(sample, { at: T0, pods: new Map() });
  });

  it('tolerates missing files', async () => {
    const root = await buildTree('systemd');
    await rm(join(root, podPath('systemd', GUARANTEED), 'memory.stat'));
    await rm(join(root, podPath('systemd', BURSTABLE), 'cpu.stat'));
    await rm(join(root, podPath('systemd', BESTEFFORT), 'memory.current'));
    await rm(join(root, qosParent('systemd', 'besteffort'), 'cpu.stat'));
    await rm(join(root, 'cpu.pressure'));
    await rm(join(root, 'memory.pressure'));
    await rm(join(root, 'loadavg'));
    const source = sourceFor(root);
    await source.sample([], T0);
    const sample = await source.sample([], T0 + 1000);
    // Without inactive_file the whole of memory.current counts.
    assert.deepEqual(sample.pods.get(GUARANTEED.uid), {
      uid: GUARANTEED.uid,
      memory: GUARANTEED.memoryCurrent,
      milliCpu: 0,
    });
    assert.deepEqual(sample.pods.get(BURSTABLE.uid), { uid: BURSTABLE.uid, memory: workingSet(BURSTABLE) });
    assert.equal(sample.pods.has(BESTEFFORT.uid), false);
    assert.deepEqual(sample.cpuPressure, undefined);
    assert.deepEqual(Object.keys(sample).sort(), ['at', 'pods']);
  });

  it('skips malformed values', async () => {
    const root = await buildTree('cgroupfs');
    await put(join(root, podPath('cgroupfs', GUARANTEED), 'cpu.stat'), 'usage_usec\n\0\0\0');
    await put(
      join(root, podPath('cgroupfs', BURSTABLE), 'memory.stat'),
      `inactive_file ${BURSTABLE.memoryCurrent * 2}\n`,
    );
    await put(join(root, podPath('cgroupfs', BESTEFFORT), 'memory.current'), 'max\n');
    await put(join(root, qosParent('cgroupfs', 'besteffort'), 'cpu.stat'), 'nr_throttled 3\nthrottled_usec many\n');
    await put(join(root, 'cpu.pressure'), 'some avg10=?\n');
    await put(join(root, 'memory.pressure'), '');
    await put(join(root, 'loadavg'), 'not a loadavg\n');
    const sample = await sourceFor(root).sample([], T0);
    assert.deepEqual(sample.pods.get(GUARANTEED.uid), { uid: GUARANTEED.uid, memory: workingSet(GUARANTEED) });
    // inactive_file above memory.current (the two files are not read atomically): floored at zero.
    assert.deepEqual(sample.pods.get(BURSTABLE.uid), { uid: BURSTABLE.uid, memory: 0 });
    assert.equal(sample.pods.has(BESTEFFORT.uid), false);
    assert.deepEqual(Object.keys(sample).sort(), ['at', 'pods']);
  });
});

describe('CgroupV2Source on this machine', () => {
  it('returns a well-formed sample from /sys/fs/cgroup and /proc/loadavg, whatever is there', async () => {
    const source = new CgroupV2Source();
    await source.sample([], Date.now() - 1000);
    const sample: NodeSample = await source.sample([], Date.now());
    assert.ok(Number.isFinite(sample.at));
    assert.ok(sample.pods instanceof Map);
    const finite = (value: number | undefined) => value === undefined || Number.isFinite(value);
    for (const [uid, usage] of sample.pods) {
      assert.equal(usage.uid, uid);
      assert.ok(Number.isFinite(usage.memory) && usage.memory >= 0);
      assert.ok(finite(usage.milliCpu));
    }
    for (const pressure of [sample.cpuPressure, sample.memoryPressure]) {
      assert.ok(pressure === undefined || (Number.isFinite(pressure.someAvg10) && finite(pressure.fullAvg10)));
    }
    assert.ok(finite(sample.load1) && finite(sample.load5));
    assert.ok(
      sample.reclaimedThrottle === undefined ||
        (Number.isFinite(sample.reclaimedThrottle.nrThrottled) &&
          Number.isFinite(sample.reclaimedThrottle.throttledUsec)),
    );
  });
});
