/**
 * The metrics source for real nodes: reads the kubelet's pod cgroups under a cgroup v2 (unified) mount, plus the
 * node's PSI and load average. Everything is best effort: a file that is missing, unreadable or malformed leaves its
 * value absent instead of failing the sample, because a node agent that throws on one odd pod would stop reporting
 * for the whole node.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { MetricsSource, NodeSample, PodFacts, PodUsage, Pressure } from './source.ts';

/** Options of {@link CgroupV2Source}; the defaults are the host's own files, tests point them at fixture trees. */
export interface CgroupV2SourceOptions {
  /** The cgroup v2 mount to search for the kubepods hierarchy; default `/sys/fs/cgroup`. */
  root?: string;
  /** The load average file; default `/proc/loadavg`. */
  procLoadavg?: string;
  /**
   * Read each pod's `memory.stat` (for `inactive_file`) on every n-th sample only, reusing the last value between;
   * default 5 (10 s at the agent's 2 s interval, cAdvisor's housekeeping order). `memory.current` is still read on
   * every sample, so a memory spike is seen at once; only the page-cache correction lags.
   */
  memoryStatEvery?: number;
}

/** The `cpu.stat` fields Loom uses; a field is absent when its line is missing or malformed. */
export interface CpuStat {
  usageUsec?: number;
  nrPeriods?: number;
  nrThrottled?: number;
  throttledUsec?: number;
}

/** The kubepods hierarchy of one cgroup driver: the parent of Guaranteed pods and the two QoS slices below it. */
interface KubepodsLayout {
  kubepods: string;
  burstable: string;
  besteffort: string;
}

// systemd first: it is the kubelet's recommended driver on cgroup v2, so it decides when (oddly) both exist.
const LAYOUTS: readonly KubepodsLayout[] = [
  {
    kubepods: 'kubepods.slice',
    burstable: 'kubepods.slice/kubepods-burstable.slice',
    besteffort: 'kubepods.slice/kubepods-besteffort.slice',
  },
  { kubepods: 'kubepods', burstable: 'kubepods/burstable', besteffort: 'kubepods/besteffort' },
];

// systemd escapes the uid's dashes as underscores; cgroupfs keeps the uid as is. Static pods have dashless hash uids.
const SYSTEMD_POD_RE = /^kubepods(?:-burstable|-besteffort)?-pod([0-9a-fA-F_]+)\.slice$/;
const CGROUPFS_POD_RE = /^pod([0-9a-fA-F-]+)$/;
const INTEGER_RE = /^[0-9]+$/;
const DECIMAL_RE = /^[0-9]+(?:\.[0-9]+)?$/;

/** The pod uid a kubelet pod cgroup directory is named after, in either driver's spelling; undefined otherwise. */
export function podUidFromCgroupName(name: string): string | undefined {
  const systemd = SYSTEMD_POD_RE.exec(name);
  if (systemd?.[1] !== undefined) return systemd[1].replaceAll('_', '-');
  return CGROUPFS_POD_RE.exec(name)?.[1];
}

/**
 * The integer value of `key` in a flat-keyed cgroup file, as {@link parseFlatKeyed} would give it, without splitting
 * the whole text: the sampler needs one field of `cpu.stat` and one of `memory.stat` (~40 lines) per pod per sample,
 * and parsing every line was a third of the cgroup source's cpu.
 */
export function flatKeyedValue(text: string, key: string): number | undefined {
  let from = 0;
  for (;;) {
    const at = text.indexOf(key, from);
    if (at < 0) return undefined;
    from = at + key.length;
    if (text.charCodeAt(from) !== 32 && text.charCodeAt(from) !== 9) continue;
    const start = text.lastIndexOf('\n', at - 1) + 1;
    // Only blanks may come before the key on its line (the kernel writes none; the full parser trims them).
    if (start < at && text.slice(start, at).trim() !== '') continue;
    const end = text.indexOf('\n', from);
    const fields = text
      .slice(start, end < 0 ? undefined : end)
      .trim()
      .split(/\s+/);
    // Same rule as the full parser: exactly `key value`, value a non-negative integer; the first such line wins.
    if (fields.length !== 2 || fields[0] !== key || !INTEGER_RE.test(fields[1] ?? '')) continue;
    return Number(fields[1]);
  }
}

/** Parses a flat-keyed cgroup file (`key value` per line) into the keys whose value is a non-negative integer. */
function parseFlatKeyed(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 2) continue;
    const [key = '', value = ''] = fields;
    if (INTEGER_RE.test(value) && !values.has(key)) values.set(key, Number(value));
  }
  return values;
}

/** Parses `cpu.stat`. */
export function parseCpuStat(text: string): CpuStat {
  const values = parseFlatKeyed(text);
  const stat: CpuStat = {};
  const usageUsec = values.get('usage_usec');
  const nrPeriods = values.get('nr_periods');
  const nrThrottled = values.get('nr_throttled');
  const throttledUsec = values.get('throttled_usec');
  if (usageUsec !== undefined) stat.usageUsec = usageUsec;
  if (nrPeriods !== undefined) stat.nrPeriods = nrPeriods;
  if (nrThrottled !== undefined) stat.nrThrottled = nrThrottled;
  if (throttledUsec !== undefined) stat.throttledUsec = throttledUsec;
  return stat;
}

/** Parses `memory.stat` into every well-formed `key bytes` line (`inactive_file`, `anon`, ...). */
export function parseMemoryStat(text: string): Map<string, number> {
  return parseFlatKeyed(text);
}

/**
 * Parses a PSI file (`cpu.pressure`, `memory.pressure`): `some avg10=.. avg60=.. avg300=.. total=..` and the same for
 * `full`. Undefined without a well-formed `some avg10` (the only field a {@link Pressure} cannot do without).
 */
export function parsePressure(text: string): Pressure | undefined {
  const avg10 = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [kind, ...fields] = line.trim().split(/\s+/);
    if (kind !== 'some' && kind !== 'full') continue;
    for (const field of fields) {
      const [key, value = ''] = field.split('=');
      if (key === 'avg10' && DECIMAL_RE.test(value)) avg10.set(kind, Number(value));
    }
  }
  const someAvg10 = avg10.get('some');
  if (someAvg10 === undefined) return undefined;
  const fullAvg10 = avg10.get('full');
  return fullAvg10 === undefined ? { someAvg10 } : { someAvg10, fullAvg10 };
}

/** Parses `/proc/loadavg` (`0.52 0.58 0.59 1/467 12345`) into its 1- and 5-minute averages. */
export function parseLoadavg(text: string): { load1: number; load5: number } | undefined {
  const [load1 = '', load5 = ''] = text.trim().split(/\s+/);
  if (!DECIMAL_RE.test(load1) || !DECIMAL_RE.test(load5)) return undefined;
  return { load1: Number(load1), load5: Number(load5) };
}

// Synchronous on purpose: cgroupfs files are tiny and live in memory, and bench/node-agent measured 300 of them (100
// pods) at 3.4 ms of cpu read with readFileSync against 48 ms with fs/promises, whose thread-pool round trip per file
// dominated the agent's whole cost. Blocking the loop for a few milliseconds every interval harms nothing here.

/** A file's text, or undefined for any read error: absence is a normal state of cgroups (pods come and go). */
function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function subdirectories(path: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function bestEffortSlice(root: string): string | undefined {
  for (const layout of LAYOUTS) {
    const path = join(root, layout.besteffort);
    if (isDirectory(path)) return path;
  }
  return undefined;
}

/**
 * The kubelet's BestEffort QoS slice under `root` (`kubepods.slice/kubepods-besteffort.slice` or
 * `kubepods/besteffort`, systemd first), where reclaimed pods run; undefined when neither exists.
 */
export function findBestEffortSlice(root: string): Promise<string | undefined> {
  return Promise.resolve(bestEffortSlice(root));
}

const POD_PARENTS = LAYOUTS.flatMap((layout) => [layout.kubepods, layout.burstable, layout.besteffort]);

/** The files of one pod cgroup the sampler reads, joined once per cgroup rather than once per sample. */
interface PodFiles {
  dir: string;
  cpuStat: string;
  memoryCurrent: string;
  memoryStat: string;
}

/**
 * Every pod cgroup of both layouts under `root`, by uid (first found wins if a uid were ever listed twice). `known`
 * lends the previous sample's joined paths, so a steady node costs one directory listing per parent and no string
 * building.
 */
function findPodCgroups(root: string, known: ReadonlyMap<string, PodFiles>): Map<string, PodFiles> {
  const pods = new Map<string, PodFiles>();
  for (const parent of POD_PARENTS) {
    const parentDir = join(root, parent);
    for (const name of subdirectories(parentDir)) {
      const uid = podUidFromCgroupName(name);
      if (uid === undefined || pods.has(uid)) continue;
      const dir = join(parentDir, name);
      const previous = known.get(uid);
      pods.set(
        uid,
        previous?.dir === dir
          ? previous
          : {
              dir,
              cpuStat: join(dir, 'cpu.stat'),
              memoryCurrent: join(dir, 'memory.current'),
              memoryStat: join(dir, 'memory.stat'),
            },
      );
    }
  }
  return pods;
}

interface CpuReading {
  usageUsec: number;
  at: number;
}

interface PodReading {
  uid: string;
  usageUsec?: number;
  memory?: number;
}

/** The last `inactive_file` read for a pod, and the sample count when it was read. */
interface InactiveFileReading {
  bytes: number | undefined;
  sample: number;
}

/**
 * {@link MetricsSource} for nodes running the kubelet on cgroup v2, with either the systemd or the cgroupfs driver.
 *
 * Reports every pod cgroup it finds and ignores the `pods` argument: the policy matches usage to pods by uid, and a
 * pod the agent's informer has not seen yet still uses the node. CPU is a rate between two calls on the same
 * instance, so keep one instance per node and call {@link CgroupV2Source.sample} sequentially; the interval is
 * measured with the caller's `now`, not the time the files were read. A pod whose `memory.current` cannot be read
 * is left out (a {@link PodUsage} needs memory, and zero would understate it).
 */
export class CgroupV2Source implements MetricsSource {
  private readonly root: string;
  private readonly procLoadavg: string;
  private readonly memoryStatEvery: number;
  /** The last `usage_usec` of each pod cgroup seen in the previous sample, by uid. */
  private previous = new Map<string, CpuReading>();
  /** The pod cgroups of the previous sample, by uid. */
  private cgroups = new Map<string, PodFiles>();
  /** Each pod's last `inactive_file`, by uid, refreshed every {@link CgroupV2SourceOptions.memoryStatEvery} samples. */
  private inactiveFile = new Map<string, InactiveFileReading>();
  private samples = 0;

  constructor(options: CgroupV2SourceOptions = {}) {
    this.root = options.root ?? '/sys/fs/cgroup';
    this.procLoadavg = options.procLoadavg ?? '/proc/loadavg';
    this.memoryStatEvery = Math.max(1, Math.floor(options.memoryStatEvery ?? 5));
  }

  // async for the MetricsSource contract only: the reads are synchronous (see readText).
  // eslint-disable-next-line @typescript-eslint/require-await
  async sample(_pods: readonly PodFacts[], now: number): Promise<NodeSample> {
    this.samples += 1;
    const readings = this.readPods();
    const cpuPressure = readText(join(this.root, 'cpu.pressure'));
    const memoryPressure = readText(join(this.root, 'memory.pressure'));
    const loadavg = readText(this.procLoadavg);
    const reclaimedThrottle = this.readReclaimedThrottle();

    const sample: NodeSample = { at: now, pods: new Map() };
    const next = new Map<string, CpuReading>();
    for (const reading of readings) {
      const cpu = this.cpuRate(reading, now, next);
      if (reading.memory === undefined) continue;
      const usage: PodUsage = { uid: reading.uid, memory: reading.memory };
      if (cpu !== undefined) usage.milliCpu = cpu;
      sample.pods.set(reading.uid, usage);
    }
    // Replacing the map forgets pods whose cgroup is gone, so a long-running agent does not accumulate them.
    this.previous = next;

    const cpuPsi = cpuPressure === undefined ? undefined : parsePressure(cpuPressure);
    const memoryPsi = memoryPressure === undefined ? undefined : parsePressure(memoryPressure);
    const load = loadavg === undefined ? undefined : parseLoadavg(loadavg);
    if (cpuPsi) sample.cpuPressure = cpuPsi;
    if (memoryPsi) sample.memoryPressure = memoryPsi;
    if (load) {
      sample.load1 = load.load1;
      sample.load5 = load.load5;
    }
    if (reclaimedThrottle) sample.reclaimedThrottle = reclaimedThrottle;
    return sample;
  }

  /** Millicores since the previous reading of the pod, recording this reading in `next`. */
  private cpuRate(reading: PodReading, now: number, next: Map<string, CpuReading>): number | undefined {
    const previous = this.previous.get(reading.uid);
    if (reading.usageUsec === undefined) {
      // Keep the older reading: a one-off unreadable cpu.stat should not cost the pod its next rate.
      if (previous) next.set(reading.uid, previous);
      return undefined;
    }
    const elapsedMs = previous === undefined ? 0 : now - previous.at;
    if (previous !== undefined && elapsedMs <= 0 && reading.usageUsec >= previous.usageUsec) {
      // Same instant (or a clock step back): no interval to divide by; the older reading still anchors the next rate.
      next.set(reading.uid, previous);
      return undefined;
    }
    next.set(reading.uid, { usageUsec: reading.usageUsec, at: now });
    // A counter going backwards means the pod cgroup was recreated under the same uid: start over.
    if (previous === undefined || reading.usageUsec < previous.usageUsec) return undefined;
    // µs of cpu per ms of wall time is exactly cores × 1000, i.e. millicores.
    return (reading.usageUsec - previous.usageUsec) / elapsedMs;
  }

  private readPods(): PodReading[] {
    this.cgroups = findPodCgroups(this.root, this.cgroups);
    const inactiveFile = new Map<string, InactiveFileReading>();
    const readings: PodReading[] = [];
    for (const [uid, files] of this.cgroups) readings.push(this.readPod(uid, files, inactiveFile));
    // Replacing the map forgets vanished pods, as `previous` does.
    this.inactiveFile = inactiveFile;
    return readings;
  }

  private readPod(uid: string, files: PodFiles, inactiveFile: Map<string, InactiveFileReading>): PodReading {
    const reading: PodReading = { uid };
    const cpuStat = readText(files.cpuStat);
    const usageUsec = cpuStat === undefined ? undefined : flatKeyedValue(cpuStat, 'usage_usec');
    if (usageUsec !== undefined) reading.usageUsec = usageUsec;
    const current = readText(files.memoryCurrent)?.trim();
    if (current === undefined || !INTEGER_RE.test(current)) return reading;
    let inactive = this.inactiveFile.get(uid);
    if (inactive === undefined || this.samples - inactive.sample >= this.memoryStatEvery) {
      const memoryStat = readText(files.memoryStat);
      inactive = {
        bytes: memoryStat === undefined ? undefined : flatKeyedValue(memoryStat, 'inactive_file'),
        sample: this.samples,
      };
    }
    inactiveFile.set(uid, inactive);
    // Without inactive_file the whole of memory.current counts: overstating online usage only shrinks what is lent.
    reading.memory = Math.max(0, Number(current) - (inactive.bytes ?? 0));
    return reading;
  }

  private readReclaimedThrottle(): NodeSample['reclaimedThrottle'] {
    const slice = bestEffortSlice(this.root);
    if (slice === undefined) return undefined;
    const text = readText(join(slice, 'cpu.stat'));
    if (text === undefined) return undefined;
    const { nrThrottled, throttledUsec } = parseCpuStat(text);
    if (nrThrottled === undefined || throttledUsec === undefined) return undefined;
    return { nrThrottled, throttledUsec };
  }
}
