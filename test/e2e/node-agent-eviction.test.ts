import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { V1Pod } from '@kubernetes/client-node';
import { SIM_USAGE_ANNOTATIONS, YARN_APPLICATION_ID_LABEL } from '../../api/names.ts';
import { eventually, kube } from '../integration/harness.ts';
import { startYarnPipeline, type YarnPipeline } from '../integration/yarn-pipeline.ts';

/**
 * Online needs its capacity back: a YARN app submitted with curl runs its AM on reclaimed capacity; an online pod on
 * the same node spikes; the node agent evicts the AM; the YARN side reports a preempted AM container (exit -102),
 * starts attempt 2 elsewhere without counting the preempted one against max-app-attempts, and the real
 * yarn-api-client reads all of that back.
 */
const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;
const namespace = `e2e-evict-${randomBytes(3).toString('hex')}`;
const WS = '/ws/v1/cluster';
let pipeline: YarnPipeline;
let base = '';
let python = '';

const curl = async (...args: string[]): Promise<string> =>
  (await run('curl', ['-sS', '--fail-with-body', ...args], { encoding: 'utf8' })).stdout;
const appState = async (id: string): Promise<Record<string, unknown>> =>
  (JSON.parse(await curl(`${base}${WS}/apps/${id}?user.name=alice`)) as { app: Record<string, unknown> }).app;
const amPod = async (id: string, attempt: number): Promise<V1Pod | undefined> =>
  (
    await kube().core.listNamespacedPod({
      namespace,
      labelSelector: `${YARN_APPLICATION_ID_LABEL}=${id},yarn.loom.dev/attempt=${attempt},yarn.loom.dev/role=am`,
    })
  ).items[0];

before(async () => {
  python = (await run('bash', [`${repo}hack/ensure-yarn-api-client.sh`], { encoding: 'utf8' })).stdout.trim();
  // The AM is the app's only member here: no simulated AM needed.
  pipeline = await startYarnPipeline(namespace, { simulatedAm: false });
  base = pipeline.rmUrl;
});
after(() => pipeline.close());

describe('node agent eviction seen through YARN', () => {
  it('an evicted AM is a preempted container (-102), and attempt 2 runs on another node', async () => {
    const id = (
      JSON.parse(await curl('-X', 'POST', `${base}${WS}/apps/new-application?user.name=alice`)) as Record<
        string,
        string
      >
    )['application-id']!;
    await curl(
      '-X',
      'POST',
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify({
        'application-id': id,
        'application-name': 'evict-me',
        queue: 'default',
        'application-type': 'YARN',
        'application-tags': { tag: ['sim.loom.dev/duration=600s'] },
        resource: { memory: 1024, vCores: 1 },
        'am-container-spec': { commands: { command: 'sleep 600' } },
      }),
      `${base}${WS}/apps?user.name=alice`,
    );
    await eventually('RUNNING on reclaimed capacity', async () => (await appState(id)).state === 'RUNNING', 60_000);
    const node = (await amPod(id, 1))?.spec?.nodeName ?? '';
    assert.ok(node, 'the AM pod has a node');

    // An online service on that node, requesting it whole, goes from idle to fully busy.
    const alloc = (await kube().core.readNode({ name: node })).status?.allocatable ?? {};
    await kube().core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: 'online-spike',
          annotations: { [SIM_USAGE_ANNOTATIONS.base]: '1', [SIM_USAGE_ANNOTATIONS.noise]: '0' },
        },
        spec: {
          nodeName: node,
          containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu: alloc.cpu ?? '1' } } }],
        },
      },
    });

    const retried = await eventually(
      'attempt 2 RUNNING after the AM was evicted',
      async () => {
        const a = await appState(id);
        const am2 = await amPod(id, 2);
        return a.state === 'RUNNING' && am2?.spec?.nodeName ? a : undefined;
      },
      90_000,
    );
    const node2 = (await amPod(id, 2))?.spec?.nodeName;
    assert.notEqual(node2, node, 'the new attempt avoids the node online took back');
    assert.equal(retried.numAMContainerPreempted, 1);

    // What a YARN user sees, through the real client.
    const { stdout } = await run(python, [`${repo}test/e2e/yarn-api-client/app_report.py`, base, 'alice', id], {
      encoding: 'utf8',
    });
    const report = JSON.parse(stdout) as {
      app: Record<string, unknown>;
      attempts: Record<string, unknown>[];
      details: Record<string, unknown>[];
    };
    assert.equal(report.app.numAMContainerPreempted, 1);
    assert.ok((report.app.preemptedResourceMB as number) >= 1024);
    assert.equal(report.attempts.length, 2);
    assert.match(
      String(report.details[0]!.diagnosticsInfo),
      /exited with {2}exitCode: -102/,
      JSON.stringify(report.details[0]),
    );
    const events = await kube().core.listNamespacedEvent({ namespace });
    const evicted = events.items.find((e) => e.reason === 'Evicted' && e.source?.component === 'loom-node-agent');
    assert.match(evicted?.message ?? '', new RegExp(`cpu on node ${node} is needed by online pods`));

    await curl(
      '-X',
      'PUT',
      '-H',
      'Content-Type: application/json',
      '--data',
      '{"state":"KILLED"}',
      `${base}${WS}/apps/${id}/state?user.name=alice`,
    );
    await eventually('KILLED', async () => (await appState(id)).state === 'KILLED');
  });
});
