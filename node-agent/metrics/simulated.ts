import { SIM_USAGE_ANNOTATIONS } from '../../api/names.ts';
import type { MetricsSource, NodeSample, PodFacts, PodUsage } from './source.ts';

/**
 * Usage of the pods on a kwok node, from a model instead of cgroups (kwok pods run nothing). An online pod's cpu
 * follows a daily curve compressed to any period:
 *
 *     cpu    = request.cpu × clamp(base + amplitude × sin(2π t / period) + noise, 0, 1.5)
 *     memory = request.memory × clamp(memory-usage, 0, 1)
 *
 * with the terms from the pod's `sim.loom.dev/*` annotations ({@link SIM_USAGE_ANNOTATIONS}); noise is uniform in
 * ±`usage-noise`, seeded by pod uid and second so two agents (or a rerun) see the same numbers. The curve runs on
 * wall time, so all online pods peak together, as a real service's replicas do. A `reclaimed_cores` pod uses exactly
 * what it requests: batch keeps busy whatever it is given.
 */
export const SIMULATED_DEFAULTS = { base: 0.3, amplitude: 0, periodSeconds: 86_400, noise: 0.03, memory: 0.6 };

/** Online cpu may burst past its request (burstable pods do), up to this share of it. */
const MAX_CPU_SHARE = 1.5;

/** `300`, `300s`, `5m`, `1h` → seconds; undefined when unreadable. */
export function parsePeriodSeconds(v: string | undefined): number | undefined {
  const m = v?.trim().match(/^(\d+(?:\.\d+)?)\s*(s|m|h)?$/);
  if (!m) return undefined;
  const n = Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] ?? 's'] ?? 1);
  return n > 0 ? n : undefined;
}

const share = (v: string | undefined, fallback: number): number => {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
};

/** FNV-1a of the uid and second, mapped to [-1, 1). */
function noiseUnit(uid: string, second: number): number {
  let h = 0x811c9dc5;
  const s = `${uid}/${second}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h / 2 ** 32) * 2 - 1;
}

/** One online pod's modelled usage at `now` (ms). */
export function modelledUsage(pod: PodFacts, now: number): PodUsage {
  const a = pod.annotations;
  const base = share(a[SIM_USAGE_ANNOTATIONS.base], SIMULATED_DEFAULTS.base);
  const amplitude = share(a[SIM_USAGE_ANNOTATIONS.amplitude], SIMULATED_DEFAULTS.amplitude);
  const period = parsePeriodSeconds(a[SIM_USAGE_ANNOTATIONS.period]) ?? SIMULATED_DEFAULTS.periodSeconds;
  const noise = share(a[SIM_USAGE_ANNOTATIONS.noise], SIMULATED_DEFAULTS.noise);
  const memory = share(a[SIM_USAGE_ANNOTATIONS.memory], SIMULATED_DEFAULTS.memory);
  const t = now / 1000;
  const level = base + amplitude * Math.sin((2 * Math.PI * t) / period) + noise * noiseUnit(pod.uid, Math.floor(t));
  const cpuShare = Math.min(MAX_CPU_SHARE, Math.max(0, level));
  return {
    uid: pod.uid,
    milliCpu: Math.round(pod.requests.milliCpu * cpuShare),
    memory: Math.round(pod.requests.memory * Math.min(1, memory)),
  };
}

/** The simulated source of one kwok node: the model for online pods, the request for `reclaimed_cores` ones. */
export class SimulatedSource implements MetricsSource {
  sample(pods: readonly PodFacts[], now: number): Promise<NodeSample> {
    const usage = new Map<string, PodUsage>();
    for (const pod of pods) {
      usage.set(
        pod.uid,
        pod.qos === 'reclaimed_cores'
          ? { uid: pod.uid, milliCpu: pod.requests.milliCpu, memory: pod.requests.memory }
          : modelledUsage(pod, now),
      );
    }
    return Promise.resolve({ at: now, pods: usage });
  }
}
