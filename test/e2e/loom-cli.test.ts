import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { clusterEnv, kubectl } from '../integration/harness.ts';
import { startYarnPipeline, type YarnPipeline } from '../integration/yarn-pipeline.ts';

/**
 * The user's and operator's commands as a shell runs them (`node bin/loom.mjs ...` in a child process): submit,
 * apps and kill over the YARN REST API of a gateway with the whole pipeline behind it; top and queues import
 * against the apiserver.
 */
const execFileP = promisify(execFile);
const bin = new URL('../../bin/loom.mjs', import.meta.url).pathname;
const namespace = `e2e-cli-${randomBytes(3).toString('hex')}`;
let pipeline: YarnPipeline;
let rmUrl = '';

async function loom(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP('node', [bin, ...args], {
      encoding: 'utf8',
      env: { ...process.env, LOOM_STATE_DIR: clusterEnv().stateDir, KUBECONFIG: clusterEnv().kubeconfig },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

before(async () => {
  pipeline = await startYarnPipeline(namespace);
  rmUrl = pipeline.rmUrl;
});
after(() => pipeline.close());

describe('loom CLI', () => {
  it('submit spark follows the app to FINISHED/SUCCEEDED and prints its id', async () => {
    const r = await loom(
      'submit',
      'spark',
      '--rm-url',
      rmUrl,
      '--user',
      'alice',
      '--duration',
      '4s',
      '--executors',
      '2',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^application_\d+_\d{4}$/);
    assert.match(r.stderr, /FINISHED\/SUCCEEDED after/);
  });

  it('submit shell exits non-zero when the app FAILS', async () => {
    const r = await loom(
      'submit',
      'shell',
      '--rm-url',
      rmUrl,
      '--user',
      'alice',
      '--containers',
      '2',
      '--duration',
      '1s',
      '--exit-code',
      '3',
      '--max-attempts',
      '1',
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /FAILED\/FAILED/);
  });

  it('apps lists a running Flink app, kill ends it, and a second kill says it already finished', async () => {
    const submitted = await loom(
      'submit',
      'flink',
      '--rm-url',
      rmUrl,
      '--user',
      'alice',
      '--duration',
      '300s',
      '--no-follow',
    );
    assert.equal(submitted.code, 0, submitted.stderr);
    const id = submitted.stdout.trim();
    const listed = await loom('apps', '--rm-url', rmUrl, '--user', 'alice');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^Total number of applications: \d+/);
    assert.match(
      listed.stdout,
      new RegExp(`${id}\\s+flink-job\\s+Apache Flink\\s+alice\\s+root\\.flink\\s+(ACCEPTED|RUNNING)`),
    );
    const killed = await loom('kill', id, '--rm-url', rmUrl, '--user', 'alice');
    assert.equal(killed.code, 0, killed.stderr);
    assert.match(killed.stdout, new RegExp(`Killed application ${id}`));
    const again = await loom('kill', id, '--rm-url', rmUrl, '--user', 'alice');
    assert.match(again.stdout, /has already finished \(KILLED\)/);
    const unknown = await loom('kill', 'application_1_0001', '--rm-url', rmUrl, '--user', 'alice');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /404 .*not found/);
    assert.doesNotMatch(unknown.stderr, /Usage:/, 'a run-time failure is one line, not the help');
  });

  it('top splits every node into online, batch, reclaimable and idle', async () => {
    const r = await loom('top', '--limit', '50');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^cluster {2}online +\d+% {2}batch-on-reclaimed +\d+% {2}reclaimable-unused +\d+% {2}idle +\d+%/m,
    );
    assert.match(r.stdout, /^kwok-node-0000 +\d+\.\d/m);
  });

  it('queues import applies a capacity-scheduler.xml to the cluster', async () => {
    const file = new URL('../fixtures/capacity-scheduler/local.xml', import.meta.url).pathname;
    const r = await loom('queues', 'import', file, '--force-conflicts');
    assert.equal(r.code, 0, r.stderr);
    const managers = await kubectl(['get', 'queue', 'spark', '-o', 'jsonpath={.metadata.managedFields[*].manager}']);
    assert.match(managers, /\bloom\b/);
    const spec = JSON.parse(await kubectl(['get', 'queue', 'spark', '-o', 'jsonpath={.spec}'])) as Record<
      string,
      unknown
    >;
    assert.equal(spec.capacity, 40);
    assert.equal(spec.parent, 'root');
  });
});
