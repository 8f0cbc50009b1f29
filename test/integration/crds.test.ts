import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { GROUP, QUEUE, SCHEDULING_UNIT, VERSION } from '../../api/names.ts';
import { SchedulingUnit } from '../../api/scheduling-unit.ts';
import { freshNamespace, kube, kubectl } from './harness.ts';

let ns = '';
before(async () => {
  ns = await freshNamespace('crds');
});
after(async () => {
  await kube().core.deleteNamespace({ name: ns });
  await kube()
    .custom.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: QUEUE.plural, name: 'it-spark' })
    .catch(() => undefined);
});

const unit = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: `${GROUP}/${VERSION}`,
  kind: SCHEDULING_UNIT.kind,
  metadata: { name },
  spec,
});

const createUnit = (body: object) =>
  kube().custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: ns,
    plural: SCHEDULING_UNIT.plural,
    body,
  });

/** Resolves to the apiserver's rejection message, failing the test if the object was accepted. */
async function rejection(body: object): Promise<string> {
  try {
    await createUnit(body);
  } catch (err) {
    assert.ok(err instanceof ApiException, String(err));
    assert.equal(err.code, 422);
    return String(err.body);
  }
  assert.fail('the apiserver accepted an invalid SchedulingUnit');
}

describe('SchedulingUnit and Queue CRDs', () => {
  it('a SchedulingUnit round-trips with defaults and a status subresource', async () => {
    await createUnit(
      unit('spark-pi', {
        queue: 'spark',
        minMember: 21,
        roles: [
          { name: 'driver', count: 1, requests: { cpu: '1', memory: '2Gi' } },
          { name: 'executor', count: 20, requests: { cpu: 2, memory: '4505Mi' }, placeholders: true },
        ],
      }),
    );
    const args = { group: GROUP, version: VERSION, namespace: ns, plural: SCHEDULING_UNIT.plural, name: 'spark-pi' };
    await kube().custom.patchNamespacedCustomObjectStatus(
      { ...args, body: { status: { phase: 'Pending', members: { total: 21, scheduled: 0 } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const got = SchedulingUnit.parse(await kube().custom.getNamespacedCustomObject(args));
    assert.equal(got.spec.timeoutSeconds, 300, 'the apiserver applied the schema default');
    assert.equal(got.spec.mode, 'hard');
    assert.equal(got.status?.phase, 'Pending');
    const table = await kubectl(['get', 'su', '-n', ns]);
    assert.match(table, /spark-pi\s+spark\s+21\s+0\s+Pending/);
  });

  it('the apiserver rejects minMember 0', async () => {
    assert.match(await rejection(unit('zero', { minMember: 0 })), /minMember/);
  });

  it('the apiserver rejects negative resources', async () => {
    const body = unit('neg', { minMember: 1, roles: [{ name: 'driver', count: 1, requests: { cpu: '-1' } }] });
    assert.match(await rejection(body), /requests\.cpu/);
  });

  it('the apiserver rejects minMember above the members declared (CEL rule)', async () => {
    const body = unit('toomany', { minMember: 5, roles: [{ name: 'driver', count: 1, requests: {} }] });
    assert.match(await rejection(body), /minMember must not exceed the total count of the roles/);
  });

  it('a Queue round-trips through kubectl', async () => {
    const queue = {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: QUEUE.kind,
      metadata: { name: 'it-spark' },
      spec: {
        parent: 'root',
        guaranteed: { cpu: '64', memory: '256Gi' },
        max: { cpu: '128' },
        acl: { submit: 'alice analysts' },
      },
    };
    await kubectl(['apply', '-f', '-'], JSON.stringify(queue));
    const got = JSON.parse(await kubectl(['get', 'queue', 'it-spark', '-o', 'json'])) as {
      spec: { weight: number; acl: { administer: string } };
    };
    assert.equal(got.spec.weight, 1);
    assert.equal(got.spec.acl.administer, '*');
  });
});
