import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CgroupEnforcer, cpuMaxFor } from '../../../node-agent/enforce/cgroup-enforcer.ts';

const SLICES = {
  systemd: 'kubepods.slice/kubepods-besteffort.slice',
  cgroupfs: 'kubepods/besteffort',
} as const;
type Driver = keyof typeof SLICES;

let fixtureCount = 0;
const tempRoot = await mkdtemp(join(tmpdir(), 'loom-cgroup-enforcer-'));
after(() => rm(tempRoot, { recursive: true, force: true }));

/** A cgroup root whose BestEffort slice holds what the kubelet leaves there, plus one reclaimed pod. */
async function buildTree(driver: Driver, files: Record<string, string> = {}): Promise<{ root: string; slice: string }> {
  const root = join(tempRoot, `${driver}-${fixtureCount++}`);
  const slice = join(root, SLICES[driver]);
  const pod =
    driver === 'systemd'
      ? 'kubepods-besteffort-pod7e9a1b3c_5d7f_4b2a_8c6e_9f0a1b2c3d4e.slice'
      : 'pod7e9a1b3c-5d7f-4b2a-8c6e-9f0a1b2c3d4e';
  await mkdir(join(slice, pod), { recursive: true });
  const defaults: Record<string, string> = {
    'cpu.weight': '1\n',
    'cpu.max': 'max 100000\n',
    'cpu.stat': 'usage_usec 120004331\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n',
    'cgroup.subtree_control': 'cpuset cpu io memory hugetlb pids rdma misc\n',
  };
  for (const [name, text] of Object.entries({ ...defaults, ...files })) await writeFile(join(slice, name), text);
  await writeFile(join(slice, pod, 'cpu.weight'), '1\n');
  await writeFile(join(slice, pod, 'cpu.max'), 'max 100000\n');
  return { root, slice };
}

const read = (path: string) => readFile(path, 'utf8');

describe('cpuMaxFor', () => {
  const cases: { name: string; input: number | undefined; want: string }[] = [
    { name: 'disabled lifts the quota', input: undefined, want: 'max 100000' },
    { name: '1 millicore is 100 µs per period', input: 2500, want: '250000 100000' },
    { name: 'more than one core', input: 12_000, want: '1200000 100000' },
    { name: 'fractional millicores round', input: 10.4, want: '1040 100000' },
    { name: 'zero gets the floor, never a frozen slice', input: 0, want: '1000 100000' },
    { name: 'below the floor', input: 3, want: '1000 100000' },
    { name: 'negative gets the floor', input: -50, want: '1000 100000' },
    { name: 'NaN gets the floor', input: NaN, want: '1000 100000' },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(cpuMaxFor(c.input), c.want));
  }
});

for (const driver of ['systemd', 'cgroupfs'] as const) {
  describe(`CgroupEnforcer (${driver} driver)`, () => {
    it('sets the quota on the BestEffort slice and leaves the kubelet-set weight alone', async () => {
      const { root, slice } = await buildTree(driver);
      const result = await new CgroupEnforcer({ root }).apply({ reclaimedMilliCpu: 2500 });
      assert.deepEqual(result, {
        slice,
        changes: [{ file: 'cpu.max', from: 'max 100000', to: '250000 100000' }],
        errors: [],
      });
      assert.equal(await read(join(slice, 'cpu.max')), '250000 100000');
      assert.equal(await read(join(slice, 'cpu.weight')), '1\n');
    });

    it('lowers a higher weight to 1', async () => {
      const { root, slice } = await buildTree(driver, { 'cpu.weight': '100\n' });
      const result = await new CgroupEnforcer({ root }).apply({ reclaimedMilliCpu: undefined });
      assert.deepEqual(result.changes, [{ file: 'cpu.weight', from: '100', to: '1' }]);
      assert.equal(await read(join(slice, 'cpu.weight')), '1');
    });
  });
}

describe('CgroupEnforcer', () => {
  it('writes nothing when the slice already matches', async () => {
    const { root, slice } = await buildTree('systemd', { 'cpu.max': '250000 100000\n' });
    const old = new Date('2020-01-01T00:00:00Z');
    for (const file of ['cpu.weight', 'cpu.max']) await utimes(join(slice, file), old, old);
    const enforcer = new CgroupEnforcer({ root });
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(await enforcer.apply({ reclaimedMilliCpu: 2500 }), { slice, changes: [], errors: [] });
    }
    for (const file of ['cpu.weight', 'cpu.max']) {
      assert.equal((await stat(join(slice, file))).mtimeMs, old.getTime(), `${file} was rewritten`);
    }
  });

  it('follows the reclaimable amount down to the floor and back to unlimited', async () => {
    const { root, slice } = await buildTree('cgroupfs');
    const enforcer = new CgroupEnforcer({ root });
    const steps: [number | undefined, string][] = [
      [4000, '400000 100000'],
      [0, '1000 100000'],
      [undefined, 'max 100000'],
    ];
    for (const [reclaimedMilliCpu, want] of steps) {
      const { changes } = await enforcer.apply({ reclaimedMilliCpu });
      assert.equal(changes.length, 1);
      assert.equal(changes[0]?.to, want);
      assert.equal(await read(join(slice, 'cpu.max')), want);
    }
  });

  it('reports a node without a BestEffort slice instead of throwing', async () => {
    const root = join(tempRoot, 'no-kubepods');
    await mkdir(join(root, 'system.slice'), { recursive: true });
    assert.deepEqual(await new CgroupEnforcer({ root }).apply({ reclaimedMilliCpu: 1000 }), {
      changes: [],
      errors: [],
    });
    const missing = join(tempRoot, 'does-not-exist');
    assert.deepEqual(await new CgroupEnforcer({ root: missing }).apply({}), { changes: [], errors: [] });
  });

  it('reports a missing cgroup file without creating it, and still applies the other', async () => {
    const { root, slice } = await buildTree('systemd', { 'cpu.weight': '50\n' });
    await rm(join(slice, 'cpu.max'));
    const result = await new CgroupEnforcer({ root }).apply({ reclaimedMilliCpu: 2500 });
    assert.equal(result.slice, slice);
    assert.deepEqual(result.changes, [{ file: 'cpu.weight', from: '50', to: '1' }]);
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0]?.file, 'cpu.max');
    await assert.rejects(access(join(slice, 'cpu.max')));
  });

  it('prefers the systemd slice when both layouts exist', async () => {
    const { root, slice } = await buildTree('systemd');
    await mkdir(join(root, SLICES.cgroupfs), { recursive: true });
    await writeFile(join(root, SLICES.cgroupfs, 'cpu.max'), 'max 100000\n');
    const result = await new CgroupEnforcer({ root }).apply({ reclaimedMilliCpu: 500 });
    assert.equal(result.slice, slice);
    assert.equal(await read(join(root, SLICES.cgroupfs, 'cpu.max')), 'max 100000\n');
  });
});
