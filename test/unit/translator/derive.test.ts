import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppRecord } from '../../../api/yarn.ts';
import { deriveApp, PREEMPTED_EXIT_STATUS, type MemberPod } from '../../../translator/status/derive.ts';

const T0 = 1_795_770_000_000;
const app = (over: Partial<AppRecord> = {}): AppRecord =>
  ({
    id: 'application_1795770000000_0001',
    state: 'ACCEPTED',
    finalStatus: 'UNDEFINED',
    maxAppAttempts: 2,
    attempts: [{ id: 1, state: 'SCHEDULED', startTime: T0, finishedTime: 0 }],
    progress: 0,
    diagnostics: 'waiting',
    ...over,
  }) as AppRecord;
const pod = (over: Partial<MemberPod>): MemberPod => ({
  name: 'p',
  attempt: 1,
  yarnRole: 'am',
  placeholder: false,
  containerId: 'container_1795770000000_0001_01_000001',
  phase: 'Running',
  nodeName: 'kwok-node-0003',
  startTime: T0 + 1_000,
  evicted: false,
  memoryMiB: 1024,
  vCores: 1,
  ...over,
});

describe('deriveApp', () => {
  it('ACCEPTED → RUNNING when the AM runs, with its node and launch time; usage from pod lifetimes', () => {
    const d = deriveApp(
      app(),
      [
        pod({}),
        pod({ name: 'e', yarnRole: 'executor', containerId: 'c2', memoryMiB: 4505, vCores: 2 }),
        pod({ name: 'ph', yarnRole: 'executor', placeholder: true }),
      ],
      T0 + 11_000,
    );
    assert.equal(d.app.state, 'RUNNING');
    assert.equal(d.app.launchTime, T0 + 1_000);
    assert.equal(d.app.amHostHttpAddress, 'kwok-node-0003:8042');
    assert.equal(d.app.attempts[0]?.state, 'RUNNING');
    assert.equal(d.app.allocatedMB, 1024 + 4505);
    assert.equal(d.app.runningContainers, 2, 'placeholders are not containers');
    assert.equal(d.app.memorySeconds, 10 * 1024 + 10 * 4505);
    assert.equal(d.app.vcoreSeconds, 10 + 20);
    assert.deepEqual(
      d.containers.map((c) => [c.containerId, c.state]),
      [
        ['container_1795770000000_0001_01_000001', 'RUNNING'],
        ['c2', 'RUNNING'],
      ],
    );
  });

  it('records attempt 1 when the AM pod runs before the attempt was written, so an eviction is retried', () => {
    const running = deriveApp(app({ attempts: [] }), [pod({})], T0 + 2_000);
    assert.equal(running.app.state, 'RUNNING');
    assert.deepEqual(
      running.app.attempts.map((a) => [a.id, a.state, a.containerId]),
      [[1, 'RUNNING', 'container_1795770000000_0001_01_000001']],
    );
    const evicted = deriveApp(
      running.app,
      [pod({ phase: 'Failed', evicted: true, finishedTime: T0 + 5_000 })],
      T0 + 6_000,
    );
    assert.equal(evicted.retryAttempt, 2);
    assert.equal(evicted.app.numAMContainerPreempted, 1);
  });

  it('FINISHED/SUCCEEDED when the AM exits 0; usage stops at the end', () => {
    const d = deriveApp(
      app({ state: 'RUNNING' }),
      [pod({ phase: 'Succeeded', finishedTime: T0 + 31_000, exitCode: 0 })],
      T0 + 99_000,
    );
    assert.equal(d.app.state, 'FINISHED');
    assert.equal(d.app.finalStatus, 'SUCCEEDED');
    assert.equal(d.app.progress, 100);
    assert.equal(d.app.finishedTime, T0 + 31_000);
    assert.equal(d.app.memorySeconds, 30 * 1024);
  });

  it('a failed AM starts the next attempt while attempts remain, then FAILS with the RM diagnostics', () => {
    const first = deriveApp(app(), [pod({ phase: 'Failed', exitCode: 3, finishedTime: T0 + 5_000 })], T0 + 6_000);
    assert.equal(first.retryAttempt, 2);
    assert.equal(first.app.state, 'ACCEPTED');
    assert.deepEqual(
      first.app.attempts.map((a) => [a.id, a.state]),
      [
        [1, 'FAILED'],
        [2, 'SCHEDULED'],
      ],
    );
    const second = deriveApp(
      first.app,
      [
        pod({ phase: 'Failed', exitCode: 3, finishedTime: T0 + 5_000 }),
        pod({
          attempt: 2,
          phase: 'Failed',
          exitCode: 3,
          finishedTime: T0 + 9_000,
          containerId: 'container_1795770000000_0001_02_000001',
        }),
      ],
      T0 + 10_000,
    );
    assert.equal(second.retryAttempt, undefined);
    assert.equal(second.app.state, 'FAILED');
    assert.equal(second.app.finalStatus, 'FAILED');
    assert.match(
      second.app.diagnostics,
      /^Application application_1795770000000_0001 failed 2 times due to AM Container for appattempt_1795770000000_0001_000002 exited with {2}exitCode: 3/,
    );
  });

  it('reports evicted members as preempted containers (exit -102)', () => {
    const d = deriveApp(
      app({ state: 'RUNNING' }),
      [
        pod({}),
        pod({
          name: 'e',
          yarnRole: 'executor',
          containerId: 'c2',
          phase: 'Failed',
          evicted: true,
          finishedTime: T0 + 4_000,
        }),
      ],
      T0 + 5_000,
    );
    assert.equal(d.app.numNonAMContainerPreempted, 1);
    assert.equal(d.containers.find((c) => c.containerId === 'c2')?.exitStatus, PREEMPTED_EXIT_STATUS);
  });

  it('remembers a preempted container after the Eviction API deleted its pod', () => {
    const executor = pod({ name: 'e', yarnRole: 'executor', containerId: 'c2', memoryMiB: 2048, vCores: 2 });
    // The node agent marks the pod Evicted (still Running for a moment), then its pod is gone.
    const marked = deriveApp(app({ state: 'RUNNING' }), [pod({}), { ...executor, evicted: true }], T0 + 10_000);
    const after = deriveApp(marked.app, [pod({})], T0 + 20_000);
    for (const d of [marked, after]) {
      assert.equal(d.app.numNonAMContainerPreempted, 1);
      assert.equal(d.app.numAMContainerPreempted, 0);
      assert.equal(d.app.preemptedResourceMB, 2048);
      assert.equal(d.app.preemptedResourceVCores, 2);
    }
    const ran = (executor.startTime ? T0 + 10_000 - executor.startTime : 0) / 1000;
    assert.equal(after.app.preemptedMemorySeconds, Math.floor(2048 * ran));
    assert.equal(after.app.preemptedVcoreSeconds, Math.floor(2 * ran));
    // Its usage stays in the app's totals; a replay of the same pods changes nothing.
    assert.ok(after.app.memorySeconds >= Math.floor(2048 * ran));
    assert.deepEqual(deriveApp(after.app, [pod({})], T0 + 20_000).app, after.app);
  });

  it('an AM evicted and deleted ends the attempt with -102, and the retry does not count against maxAppAttempts', () => {
    const running = deriveApp(app({ state: 'ACCEPTED', maxAppAttempts: 1 }), [pod({})], T0 + 2_000).app;
    assert.equal(running.state, 'RUNNING');
    const marked = deriveApp(running, [pod({ evicted: true })], T0 + 3_000).app;
    const d = deriveApp(marked, [], T0 + 4_000);
    assert.equal(d.retryAttempt, 2);
    assert.equal(d.app.state, 'ACCEPTED');
    assert.equal(d.app.numAMContainerPreempted, 1);
    assert.deepEqual(
      d.app.attempts.map((a) => [a.id, a.state, a.preempted ?? false]),
      [
        [1, 'FAILED', true],
        [2, 'SCHEDULED', false],
      ],
    );
    assert.match(
      d.app.diagnostics,
      /exited with {2}exitCode: -102\nFailing this attempt \(preempted; not counted against maxAppAttempts\)\. Starting attempt 2\./,
    );
  });

  it('a simulated AM shows progress as the share of its duration run', () => {
    const running = deriveApp(app({ state: 'RUNNING' }), [pod({ simulatedDurationMs: 20_000 })], T0 + 1_000 + 5_000);
    assert.equal(running.app.progress, 25);
    const late = deriveApp(app({ state: 'RUNNING' }), [pod({ simulatedDurationMs: 20_000 })], T0 + 60_000);
    assert.equal(late.app.progress, 99, 'never 100 before it has finished');
  });

  it('shows why the scheduler keeps the unit waiting in the ACCEPTED diagnostics', () => {
    const unit = { key: 'yarn/u', phase: 'Pending', message: 'queue spark at max (cpu)' };
    const d = deriveApp(app(), [pod({ phase: 'Pending', nodeName: undefined, startTime: undefined })], T0, unit);
    assert.equal(d.app.state, 'ACCEPTED');
    assert.equal(
      d.app.diagnostics,
      'Waiting for the scheduler to place SchedulingUnit yarn/u: queue spark at max (cpu)',
    );
    assert.equal(d.cleanup, undefined);
  });

  it('FAILS the app when its unit timed out, and asks for its objects to go', () => {
    const unit = { key: 'yarn/u', phase: 'TimedOut', message: 'not placed within 300s: 0/5 nodes are available' };
    const d = deriveApp(app(), [], T0 + 5_000, unit);
    assert.equal(d.app.state, 'FAILED');
    assert.equal(d.app.finalStatus, 'FAILED');
    assert.equal(d.app.finishedTime, T0 + 5_000);
    assert.match(d.app.diagnostics, /SchedulingUnit yarn\/u was not placed: not placed within 300s/);
    assert.equal(d.app.attempts[0]?.state, 'FAILED');
    assert.equal(d.cleanup, true);
  });

  it('ignores a TimedOut unit once the AM runs', () => {
    const d = deriveApp(app(), [pod({})], T0, { key: 'yarn/u', phase: 'TimedOut' });
    assert.equal(d.app.state, 'RUNNING');
  });

  it('leaves a final app alone', () => {
    const done = app({ state: 'KILLED' });
    assert.equal(deriveApp(done, [pod({})], T0).app, done);
  });
});
