import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startYarnPipeline, type YarnPipeline } from '../integration/yarn-pipeline.ts';

/**
 * A Spark app and a Flink app submitted through the real yarn-api-client run to FINISHED/SUCCEEDED on the local
 * cluster: gateway → translator → Loom's scheduler (gangs on reclaimed capacity) → pods on kwok nodes → status
 * controller, with the node agent publishing reclaimed capacity on the suite's nodes from their simulated load and
 * the simulated AM starting the executors/TaskManagers once the driver/JobManager runs (the scheduler swaps them
 * for their placeholders).
 */
const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;
const script = new URL('./yarn-api-client/run_apps.py', import.meta.url).pathname;
const namespace = `e2e-apps-${randomBytes(3).toString('hex')}`;
let pipeline: YarnPipeline;
let python = '';

before(async () => {
  python = (await run('bash', [`${repo}hack/ensure-yarn-api-client.sh`], { encoding: 'utf8' })).stdout.trim();
  pipeline = await startYarnPipeline(namespace);
});
after(() => pipeline.close());

describe('Spark and Flink through yarn-api-client', () => {
  it('Spark and Flink reach FINISHED/SUCCEEDED with executors and resource-seconds; a failing driver FAILS after its attempts', async () => {
    const child = spawn(python, [script, pipeline.rmUrl, 'alice', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, `run_apps.py failed: ${err || out}`);
    const events = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const finals = events.filter((e) => e.event === 'final');
    assert.deepEqual(finals.map((e) => e.kind).sort(), ['flink', 'spark', 'spark-failing']);
    const failing = finals.find((e) => e.kind === 'spark-failing')!;
    // exit 1 on both allowed attempts: FAILED, as the RM ends an app whose AM keeps failing.
    assert.equal(failing.state, 'FAILED', JSON.stringify(failing));
    assert.equal(failing.finalStatus, 'FAILED');
    assert.deepEqual(failing.attempts, ['FAILED', 'FAILED']);
    for (const f of finals.filter((e) => e !== failing)) {
      assert.equal(f.state, 'FINISHED', JSON.stringify(f));
      assert.equal(f.finalStatus, 'SUCCEEDED');
      assert.deepEqual(f.attempts, ['FINISHED']);
      // The simulated AM started the executors/TaskManagers its placeholders held places for: AM + 2 live at once.
      assert.equal(f.containersSeen, 3, JSON.stringify(f));
      // Their usage adds to the AM's: more than the AM alone could account for in its 8 s.
      const amMB = f.kind === 'spark' ? 1408 : 1600;
      assert.ok((f.memorySeconds as number) > amMB * 9, `memorySeconds ${String(f.memorySeconds)}`);
      assert.ok((f.vcoreSeconds as number) >= 2);
      assert.match(
        String(f.amContainerLogs),
        /^http:\/\/kwok-node-000\d:8042\/node\/containerlogs\/container_\d+_\d+_01_000001\/alice$/,
      );
    }
  });
});
