import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_RECLAIM_POLICY,
  ReclaimPolicy,
  type OnlinePodUsage,
} from '../../../node-agent/policy/reclaim-policy.ts';

const GiB = 1024 ** 3;
const node = { milliCpu: 16_000, memory: 64 * GiB };
const pod = (uid: string, cpuReq: number, cpu?: number, mem?: number): OnlinePodUsage => ({
  uid,
  request: { milliCpu: cpuReq, memory: 8 * GiB },
  ...(cpu !== undefined || mem !== undefined
    ? { usage: { ...(cpu !== undefined ? { milliCpu: cpu } : {}), memory: mem ?? 4 * GiB } }
    : {}),
});

describe('reclaim policy', () => {
  it('the worked example of docs/reclaimed-capacity.md', () => {
    const p = new ReclaimPolicy();
    const t0 = 1_000_000;
    // web-1 peaked at 2000m a minute ago; web-2 has been steady at 2000m.
    p.step(node, [pod('web-1', 4000, 2000, 6 * GiB), pod('web-2', 4000, 2000, 6 * GiB)], t0 - 60_000);
    p.resume({ milliCpu: 6000, memory: 40 * GiB }, t0 - 30_000);
    const d = p.step(
      node,
      [pod('web-1', 4000, 1200, 6 * GiB), pod('web-2', 4000, 2000, 6 * GiB), pod('cache', 2000)],
      t0,
    );
    // reserve 5 %: 800m; estimates: web-1 max(1500, peak 2000) = 2000, web-2 max(2500, 2000) = 2500, cache request 2000.
    assert.equal(d.reserve.milliCpu, 800);
    assert.equal(d.onlineEstimate.milliCpu, 6500);
    assert.equal(d.raw.milliCpu, 8700);
    // Growth from 6000m over 30 s is capped at 25 % of 16 cores per minute: +2000m.
    assert.equal(d.published.milliCpu, 8000);
    assert.equal(d.onlineUsage.milliCpu, 1200 + 2000 + 2000);
    // Memory: 64Gi − 3.2Gi − (6.6Gi + 6.6Gi + 8Gi request) = 39.6Gi; below the previous 40Gi, so at once.
    assert.equal(d.raw.memory, Math.floor(64 * GiB - Math.ceil(3.2 * GiB) - 2 * 6 * GiB * 1.1 - 8 * GiB));
    assert.equal(d.published.memory, d.raw.memory);

    // web-2 spikes to 3600m: its estimate becomes 4500m and the published amount drops at once.
    const spike = p.step(
      node,
      [pod('web-1', 4000, 1200, 6 * GiB), pod('web-2', 4000, 3600, 6 * GiB), pod('cache', 2000, 500, 1 * GiB)],
      t0 + 2000,
    );
    assert.equal(spike.onlineEstimate.milliCpu, 2000 + 4500 + 625);
    assert.equal(spike.published.milliCpu, 16_000 - 800 - 7125);
  });

  it('a peak holds its capacity back for the window, then lets go slowly', () => {
    const p = new ReclaimPolicy({ ...DEFAULT_RECLAIM_POLICY, peakWindowMs: 60_000, growPerMinute: 0.1 });
    const at = (s: number): number => 1_000_000 + s * 1000;
    p.step(node, [pod('a', 8000, 8000)], at(0));
    const within = p.step(node, [pod('a', 8000, 1000)], at(30));
    assert.equal(within.onlineEstimate.milliCpu, 8000, 'the 8000m peak is 30 s old: still held');
    const after = p.step(node, [pod('a', 8000, 1000)], at(91));
    assert.equal(after.onlineEstimate.milliCpu, 1250, 'the peak left the window');
    assert.equal(after.raw.milliCpu, 16_000 - 800 - 1250);
    // Published so far: 5200m at 0 s (16000 − 800 − 8000 × 1.25), then 7200m raw at 30 s capped to +800m: 6000m.
    assert.equal(within.published.milliCpu, 6000);
    // 61 s more at 10 % of 16 cores per minute: at most +1626m.
    assert.equal(after.published.milliCpu, 6000 + Math.floor(16_000 * 0.1 * (61 / 60)));
  });

  it('publishes nothing below zero and counts unmeasured pods at their request', () => {
    const p = new ReclaimPolicy();
    const d = p.step(node, [pod('big', 20_000)], 0);
    assert.equal(d.raw.milliCpu, 0);
    assert.equal(d.published.milliCpu, 0);
    assert.equal(d.onlineUsage.milliCpu, 20_000);
  });

  it('a fresh agent publishes its first estimate at once; a resumed one grows from the last report', () => {
    const fresh = new ReclaimPolicy().step(node, [], 0);
    assert.equal(fresh.published.milliCpu, 15_200);
    const resumed = new ReclaimPolicy();
    resumed.resume({ milliCpu: 1000, memory: 0 }, 0);
    assert.equal(resumed.step(node, [], 6000).published.milliCpu, 1000 + 400);
  });

  it('forgets the peaks of pods that left', () => {
    const p = new ReclaimPolicy();
    p.step(node, [pod('gone', 8000, 8000)], 0);
    p.step(node, [], 1000);
    const back = p.step(node, [pod('gone', 8000, 100)], 2000);
    assert.equal(back.onlineEstimate.milliCpu, 125);
  });
});
