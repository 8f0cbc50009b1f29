import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { renderKubeconfig } from '../../../hack/local-cluster/kubeconfig.ts';
import { resolveStateDir } from '../../../hack/local-cluster/state.ts';

describe('kubeconfig', () => {
  it('points at the server with the CA inline and a token user', () => {
    const doc = parse(renderKubeconfig({ server: 'https://127.0.0.1:6443', caPem: 'PEM', token: 't0k' })) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { user: { token: string } }[];
      'current-context': string;
    };
    assert.equal(doc.clusters[0]?.cluster.server, 'https://127.0.0.1:6443');
    assert.equal(Buffer.from(doc.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString(), 'PEM');
    assert.equal(doc.users[0]?.user.token, 't0k');
    assert.equal(doc['current-context'], 'loom-local');
  });
});

describe('state folder', () => {
  it('prefers the flag, then LOOM_STATE_DIR, then XDG_STATE_HOME', () => {
    assert.equal(resolveStateDir('/a', { LOOM_STATE_DIR: '/b' }), '/a');
    assert.equal(resolveStateDir(undefined, { LOOM_STATE_DIR: '/b' }), '/b');
    assert.equal(resolveStateDir(undefined, { XDG_STATE_HOME: '/x' }), '/x/loom');
  });
});
