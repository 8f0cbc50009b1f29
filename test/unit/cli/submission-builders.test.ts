import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeUtilization, sumUtilization } from '../../../api/utilization.ts';
import { submissionProblem } from '../../../api/submission.ts';
import type { AppRecord } from '../../../api/yarn.ts';
import { bar } from '../../../cli/commands/top.ts';
import { appsTable } from '../../../cli/commands/yarn.ts';
import {
  flinkSubmission,
  shellQuote,
  shellSubmission,
  sparkSubmission,
  type SubmissionBody,
} from '../../../cli/submission-builders.ts';
import { profileFor } from '../../../translator/profiles/registry.ts';

const common = { queue: 'spark', amMemoryMiB: 1408, amVcores: 1 };

/** What the translator plans for a body `loom submit` sends: the round trip users rely on. */
function planOf(body: SubmissionBody): {
  roles: { name: string; count: number; memoryMiB: number }[];
  minMember: number;
} {
  const parsed = submissionProblem(body);
  assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed));
  const s = parsed.value;
  const app = {
    id: s['application-id'],
    applicationType: s['application-type'] ?? 'YARN',
    amResource: { memory: s.resource.memory, vCores: s.resource.vCores },
    tags: s['application-tags'].map((t) => t.toLowerCase()),
    unmanagedAM: false,
  } as AppRecord;
  const result = profileFor(app.applicationType)({ app, submission: s });
  assert.ok(result.ok, result.ok ? '' : result.diagnostics);
  return result.plan;
}

describe('loom submit bodies', () => {
  it('spark: the translator reserves the executors asked for, with Spark’s overhead', () => {
    const body = sparkSubmission('application_1_0001', {
      ...common,
      mainClass: 'org.example.Job',
      jar: 'local:///opt/job.jar',
      args: ['--date', '2026-11-27 00:00'],
      executors: 3,
      executorMemory: '2g',
      executorCores: 2,
      duration: '30s',
      tags: ['nightly'],
    });
    assert.deepEqual(body['application-tags'], { tag: ['nightly', 'sim.loom.dev/duration=30s'] });
    const command = (body['am-container-spec'] as { commands: { command: string } }).commands.command;
    assert.match(command, /--arg '2026-11-27 00:00'/);
    const plan = planOf(body);
    assert.equal(plan.minMember, 4);
    const executors = plan.roles.find((r) => r.name === 'executor')!;
    assert.equal(executors.count, 3);
    assert.equal(executors.memoryMiB, 2048 + 384);
  });

  it('spark with dynamic allocation: the gang needs only the minimum', () => {
    const plan = planOf(
      sparkSubmission('application_1_0002', {
        ...common,
        mainClass: 'X',
        jar: 'x.jar',
        args: [],
        executors: 0,
        executorMemory: '1g',
        executorCores: 1,
        dynamicMin: 2,
        dynamicMax: 10,
      }),
    );
    assert.equal(plan.minMember, 3);
  });

  it('flink: parallelism / slots TaskManagers', () => {
    const plan = planOf(
      flinkSubmission('application_1_0003', {
        ...common,
        queue: 'flink',
        parallelism: 6,
        slotsPerTaskManager: 2,
        taskManagerMemory: '2g',
      }),
    );
    assert.equal(plan.roles.find((r) => r.name === 'taskmanager')?.count, 3);
  });

  it('shell: DistributedShell containers', () => {
    const plan = planOf(
      shellSubmission('application_1_0004', {
        ...common,
        queue: 'default',
        command: 'echo "hello world"',
        containers: 4,
        containerMemoryMiB: 256,
        containerVcores: 1,
      }),
    );
    assert.equal(plan.roles.find((r) => r.name === 'container')?.count, 4);
    assert.equal(shellQuote(`it's`), `'it'\\''s'`);
  });
});

describe('loom apps / top rendering', () => {
  it('apps prints yarn application -list columns', () => {
    const table = appsTable([
      {
        id: 'application_1_0001',
        user: 'alice',
        name: 'pi',
        queue: 'root.spark',
        state: 'RUNNING',
        finalStatus: 'UNDEFINED',
        progress: 42.4,
        applicationType: 'SPARK',
        startedTime: 0,
        finishedTime: 0,
        elapsedTime: 65_000,
      },
    ]).split('\n');
    assert.match(table[0]!, /^Application-Id +Application-Name +Application-Type +User +Queue +State +Final-State/);
    assert.match(table[1]!, /^application_1_0001 +pi +SPARK +alice +root\.spark +RUNNING +UNDEFINED +42% +65s$/);
  });

  it('splits a node into four parts that add up, and draws them', () => {
    const u = nodeUtilization({
      allocatable: 32_000,
      onlineUsage: 8_000,
      onlineRequests: 16_000,
      batch: 12_000,
      reclaimable: 20_000,
    });
    assert.deepEqual(u, {
      allocatable: 32_000,
      online: 8_000,
      batch: 12_000,
      reclaimableUnused: 8_000,
      idle: 4_000,
      measured: true,
    });
    assert.equal(bar(u), `${'#'.repeat(10)}${'='.repeat(15)}${'+'.repeat(10)}${'.'.repeat(5)}`);
    // Unreported: online counted at its requests, nothing reclaimable.
    const stale = nodeUtilization({ allocatable: 32_000, onlineRequests: 16_000, batch: 4_000, reclaimable: 0 });
    assert.deepEqual(stale, {
      allocatable: 32_000,
      online: 16_000,
      batch: 4_000,
      reclaimableUnused: 0,
      idle: 12_000,
      measured: false,
    });
    const total = sumUtilization([u, stale]);
    assert.equal(total.online + total.batch + total.reclaimableUnused + total.idle, total.allocatable);
    assert.equal(total.measured, false);
  });
});
