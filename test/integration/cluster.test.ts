import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { describe, it } from 'node:test';
import { RACK_LABEL, ZONE_LABEL } from '../../api/names.ts';
import { isNodeReady } from '../../hack/local-cluster/kube-client.ts';
import { clusterEnv, kube, kubectl, loom } from './harness.ts';

/** LISTEN sockets of a pid: inode → local address (hex, as /proc/net/tcp writes it). */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      /* fd closed meanwhile */
    }
  }
  const out: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && cols[9] && inodes.has(cols[9]) && cols[1]) out.push(cols[1]);
    }
  }
  return out;
}

/** 127.0.0.1 in /proc/net/tcp is 0100007F; in tcp6, ::1 or ::ffff:127.0.0.1. */
const isLoopback = (hexAddr: string): boolean => {
  const ip = hexAddr.split(':')[0] ?? '';
  if (ip.length === 8) return ip.endsWith('7F');
  return ip === '00000000000000000000000001000000' || ip === '0000000000000000FFFF00000100007F';
};

describe('local cluster', () => {
  it('has every node Ready, untainted, with capacity and topology labels', async () => {
    const { state } = clusterEnv();
    const nodes = (await kube().core.listNode()).items;
    assert.equal(nodes.length, state.nodes.count);
    for (const n of nodes) {
      assert.ok(isNodeReady(n), `${n.metadata?.name} is not Ready`);
      assert.equal(n.status?.allocatable?.pods, '110');
      assert.ok(n.metadata?.labels?.[ZONE_LABEL] && n.metadata.labels[RACK_LABEL]);
    }
  });

  it('keeps node heartbeats through Leases', async () => {
    const leases = await kubectl(['get', 'leases', '-n', 'kube-node-lease', '-o', 'name']);
    assert.equal(leases.trim().split('\n').length, clusterEnv().state.nodes.count);
  });

  it('answers kubectl get nodes,su,queues', async () => {
    const out = await kubectl(['get', 'nodes,su,queues', '-A']);
    assert.match(out, /kwok-node-0000\s+Ready/);
  });

  it('reports every component running in loom cluster status', async () => {
    const { stdout } = await loom(['cluster', 'status', '--json']);
    const status = JSON.parse(stdout) as { running: boolean; components: { name: string; running: boolean }[] };
    assert.equal(status.running, true);
    assert.deepEqual(status.components.map((c) => c.name).sort(), [
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kwok',
      'redis',
    ]);
  });

  it('treats a second up as a no-op that keeps the same processes', async () => {
    const before = clusterEnv().state.processes.map((p) => p.pid);
    const { state } = clusterEnv();
    await loom(['cluster', 'up', '--nodes', String(state.nodes.count)]);
    const after = clusterEnv().state.processes.map((p) => p.pid);
    assert.deepEqual(after, before);
  });

  it('prints env exports that point at the cluster', async () => {
    const { stdout } = await loom(['cluster', 'env']);
    assert.match(stdout, /^export KUBECONFIG=\S+$/m);
    assert.match(stdout, /^export REDIS_URL=redis:\/\/127\.0\.0\.1:\d+$/m);
    assert.equal((await loom(['cluster', 'env', '--kubeconfig'])).stdout.trim(), clusterEnv().kubeconfig);
  });

  it('listens only on 127.0.0.1', () => {
    let sockets = 0;
    for (const p of clusterEnv().state.processes) {
      for (const addr of listeningAddresses(p.pid)) {
        sockets++;
        assert.ok(isLoopback(addr), `${p.name} listens on ${addr}`);
      }
    }
    assert.ok(sockets >= 4, `expected etcd, apiserver, kwok and redis sockets, saw ${sockets}`);
  });
});
