import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { ClusterState } from '../../hack/local-cluster/state.ts';
import { RECLAIMED_MILLICPU } from '../../api/names.ts';
import { eventually } from './harness.ts';

const run = promisify(execFile);
const loomBin = new URL('../../bin/loom.mjs', import.meta.url).pathname;

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.on('connect', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });

const alive = (pid: number): boolean => existsSync(`/proc/${pid}`);

/** Stopped children are re-parented to PID 1, which reaps their exit records a moment later. */
async function reaped(pids: number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

describe('loom up / loom down', () => {
  it('starts a second, independent cluster (with the upstream scheduler) and leaves no process or socket behind', async () => {
    // Its own state folder: the suite's shared cluster must not be touched.
    const stateDir = mkdtempSync(join(tmpdir(), 'loom-lifecycle-'));
    const env = { ...process.env, LOOM_STATE_DIR: stateDir };
    await run('node', [loomBin, 'up', '--nodes', '2', '--with-kube-scheduler', '--gateway-port', '0'], { env });
    const state = JSON.parse(readFileSync(join(stateDir, 'cluster.json'), 'utf8')) as ClusterState;
    const pids = state.processes.map((p) => p.pid);
    const gatewayPort = Number(new URL(state.gatewayUrl ?? '').port);
    const ports = [state.ports.etcd, state.ports.apiserver, state.ports.redis, gatewayPort];
    assert.deepEqual(state.processes.map((p) => p.name).sort(), [
      'etcd',
      'gateway',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok',
      'node-agent',
      'redis',
      'scheduler',
      'sim-am',
      'translator',
    ]);
    const info = await fetch(`${state.gatewayUrl}/ws/v1/cluster/info`);
    assert.equal(info.status, 200, 'the gateway loom up started answers');
    assert.ok(pids.every(alive));

    // --with-kube-scheduler: a pod for the default scheduler is placed and run.
    const kc = new KubeConfig();
    kc.loadFromFile(state.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    await eventually('ServiceAccount default', () =>
      core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' }),
    );
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'placed' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    });
    const placed = await eventually('pod placed by kube-scheduler and Running', async () => {
      const p = await core.readNamespacedPod({ name: 'placed', namespace: 'default' });
      return p.status?.phase === 'Running' ? p : false;
    });
    assert.match(placed.spec?.nodeName ?? '', /^kwok-node-000[01]$/);
    // The fleet node agent loom up started publishes reclaimed capacity on the local nodes.
    await eventually('reclaimed capacity published on kwok-node-0000', async () => {
      const n = await core.readNode({ name: 'kwok-node-0000' });
      return Number(n.status?.allocatable?.[RECLAIMED_MILLICPU] ?? 0) > 0;
    });
    for (const port of ports) assert.equal(await portOpen(port), true, `port ${port} open while up`);

    await run('node', [loomBin, 'down'], { env });
    assert.deepEqual(await reaped(pids), [], 'processes left after down');
    for (const port of ports) assert.equal(await portOpen(port), false, `port ${port} still listening after down`);
    assert.equal(existsSync(stateDir), false, 'state folder removed');
  });
});
