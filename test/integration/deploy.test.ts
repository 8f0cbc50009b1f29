import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { kubectl } from './harness.ts';

/**
 * deploy/base against the real apiserver: a server-side dry run of everything, then each component's RBAC applied
 * for real and questioned with `kubectl auth can-i --as` — what it needs is allowed, what it does not is refused.
 */
const base = new URL('../../deploy/base', import.meta.url).pathname;

before(async () => {
  // A dry run of namespaced objects needs their namespaces to exist; both are harmless on the test cluster.
  for (const ns of ['loom-system', 'yarn']) await kubectl(['create', 'namespace', ns]).catch(() => undefined);
});

const can = async (sa: string, ...args: string[]): Promise<string> =>
  (
    await kubectl(['auth', 'can-i', ...args, `--as=system:serviceaccount:loom-system:${sa}`]).catch(
      (e: { stdout?: string }) => e.stdout ?? '',
    )
  ).trim();

describe('deploy/base', () => {
  it('passes a server-side dry run', async () => {
    const out = await kubectl(['apply', '--server-side', '--dry-run=server', '-k', base]);
    for (const object of [
      'deployment.apps/loom-gateway',
      'deployment.apps/loom-translator',
      'deployment.apps/loom-scheduler',
      'daemonset.apps/loom-node-agent',
      'statefulset.apps/loom-redis',
      'service/loom-gateway',
      'customresourcedefinition.apiextensions.k8s.io/schedulingunits.scheduling.loom.dev',
    ])
      assert.match(out, new RegExp(`${object.replace(/\./g, '\\.')} serverside-applied \\(server dry run\\)`), object);
  });

  it('grants each component exactly what it uses', async () => {
    const rendered = await kubectl(['kustomize', base]);
    const rbac = rendered
      .split(/^---$/m)
      .filter((d) => /^kind: (ServiceAccount|ClusterRole|ClusterRoleBinding|Role|RoleBinding)$/m.test(d));
    await kubectl(['apply', '--server-side', '-f', '-'], rbac.join('\n---\n'));
    const expectations: [string, string[], 'yes' | 'no'][] = [
      ['loom-gateway', ['list', 'pods', '--all-namespaces'], 'yes'],
      ['loom-gateway', ['watch', 'queues.scheduling.loom.dev'], 'yes'],
      ['loom-gateway', ['watch', 'schedulingunits.scheduling.loom.dev', '--all-namespaces'], 'yes'],
      ['loom-gateway', ['create', 'pods', '-n', 'yarn'], 'no'],
      ['loom-gateway', ['get', 'secrets', '-n', 'yarn'], 'no'],
      ['loom-translator', ['create', 'pods', '-n', 'yarn'], 'yes'],
      ['loom-translator', ['create', 'schedulingunits.scheduling.loom.dev', '-n', 'yarn'], 'yes'],
      ['loom-translator', ['create', 'secrets', '-n', 'yarn'], 'yes'],
      ['loom-translator', ['update', 'leases.coordination.k8s.io', '-n', 'loom-system'], 'yes'],
      ['loom-translator', ['create', 'pods', '-n', 'default'], 'no'],
      ['loom-translator', ['get', 'secrets', '-n', 'yarn'], 'no'],
      ['loom-scheduler', ['create', 'pods', '--subresource=binding', '-n', 'yarn'], 'yes'],
      ['loom-scheduler', ['create', 'pods', '--subresource=eviction', '-n', 'default'], 'yes'],
      ['loom-scheduler', ['patch', 'schedulingunits.scheduling.loom.dev', '--subresource=status', '-n', 'yarn'], 'yes'],
      ['loom-scheduler', ['update', 'leases.coordination.k8s.io', '-n', 'loom-system'], 'yes'],
      ['loom-scheduler', ['watch', 'poddisruptionbudgets.policy', '--all-namespaces'], 'yes'],
      ['loom-scheduler', ['create', 'pods', '-n', 'yarn'], 'no'],
      ['loom-scheduler', ['update', 'leases.coordination.k8s.io', '-n', 'kube-system'], 'no'],
      ['loom-node-agent', ['patch', 'nodes', '--subresource=status'], 'yes'],
      ['loom-node-agent', ['patch', 'pods', '--subresource=status', '-n', 'yarn'], 'yes'],
      ['loom-node-agent', ['create', 'pods', '--subresource=eviction', '-n', 'yarn'], 'yes'],
      ['loom-node-agent', ['create', 'events', '-n', 'yarn'], 'yes'],
      ['loom-node-agent', ['delete', 'pods', '-n', 'yarn'], 'no'],
      ['loom-node-agent', ['update', 'pods', '--subresource=binding', '-n', 'yarn'], 'no'],
      ['loom-node-agent', ['delete', 'nodes'], 'no'],
    ];
    for (const [sa, args, want] of expectations) assert.equal(await can(sa, ...args), want, `${sa}: ${args.join(' ')}`);
  });
});
