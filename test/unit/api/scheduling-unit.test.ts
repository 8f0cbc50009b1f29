import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueueSpec } from '../../../api/queue.ts';
import { SchedulingUnitSpec } from '../../../api/scheduling-unit.ts';

const sparkUnit = {
  queue: 'spark',
  minMember: 21,
  roles: [
    { name: 'driver', count: 1, requests: { cpu: '1', memory: '2Gi' } },
    { name: 'executor', count: 20, requests: { cpu: '2', memory: '4505Mi' }, placeholders: true },
  ],
};

describe('SchedulingUnitSpec', () => {
  it('accepts a Spark-shaped gang and fills defaults', () => {
    const spec = SchedulingUnitSpec.parse(sparkUnit);
    assert.equal(spec.timeoutSeconds, 300);
    assert.equal(spec.mode, 'hard');
    assert.equal(spec.priority, 0);
  });

  const rejected: { name: string; input: unknown; path: string }[] = [
    { name: 'minMember 0', input: { ...sparkUnit, minMember: 0 }, path: 'minMember' },
    { name: 'minMember above the members declared', input: { ...sparkUnit, minMember: 22 }, path: 'minMember' },
    {
      name: 'negative cpu',
      input: { ...sparkUnit, roles: [{ name: 'driver', count: 1, requests: { cpu: '-1' } }], minMember: 1 },
      path: 'roles.0.requests.cpu',
    },
    {
      name: 'negative integer memory',
      input: { ...sparkUnit, roles: [{ name: 'driver', count: 1, requests: { memory: -5 } }], minMember: 1 },
      path: 'roles.0.requests.memory',
    },
    { name: 'unknown mode', input: { ...sparkUnit, mode: 'maybe' }, path: 'mode' },
    { name: 'zero timeout', input: { ...sparkUnit, timeoutSeconds: 0 }, path: 'timeoutSeconds' },
    {
      name: 'role name that is not a DNS label',
      input: { minMember: 1, roles: [{ name: 'Driver_1', count: 1, requests: {} }] },
      path: 'roles.0.name',
    },
  ];
  for (const c of rejected) {
    it(`rejects ${c.name}`, () => {
      const r = SchedulingUnitSpec.safeParse(c.input);
      assert.equal(r.success, false);
      assert.ok(
        r.error?.issues.some((i) => i.path.join('.') === c.path),
        `expected an issue at ${c.path}, got ${JSON.stringify(r.error?.issues.map((i) => i.path.join('.')))}`,
      );
    });
  }
});

describe('QueueSpec', () => {
  it('accepts a CapacityScheduler-style queue', () => {
    const q = QueueSpec.parse({
      parent: 'root',
      guaranteed: { cpu: '100', memory: '400Gi' },
      max: { cpu: '200' },
      acl: { submit: 'alice,bob analysts' },
    });
    assert.equal(q.weight, 1);
    assert.equal(q.state, 'RUNNING');
    assert.equal(q.acl?.administer, '*');
  });
  it('rejects a zero weight and an ACL with two spaces', () => {
    assert.equal(QueueSpec.safeParse({ weight: 0 }).success, false);
    assert.equal(QueueSpec.safeParse({ acl: { submit: 'a b c' } }).success, false);
  });
});
