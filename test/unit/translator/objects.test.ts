import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RECLAIMED_MEMORY, RECLAIMED_MILLICPU } from '../../../api/names.ts';
import { containerId, podName, unitName } from '../../../translator/naming.ts';
import { leafQueue, memberResources, simulationAnnotations } from '../../../translator/objects.ts';

const role = {
  name: 'executor',
  yarnRole: 'executor' as const,
  count: 2,
  cpuMilli: 2000,
  memoryMiB: 4505,
  placeholders: true,
};

describe('translator objects', () => {
  it('names objects deterministically from the app id and attempt', () => {
    assert.equal(unitName('application_1795770000000_0001', 1), 'application-1795770000000-0001-1');
    assert.equal(
      podName('application_1795770000000_0001', 2, 'executor', 19),
      'application-1795770000000-0001-2-executor-19',
    );
    assert.equal(containerId('application_1795770000000_0001', 1, 1), 'container_1795770000000_0001_01_000001');
  });

  it('requests reclaimed resources for reclaimed_cores and cpu/memory otherwise, limits equal to requests', () => {
    assert.deepEqual(memberResources(role, 'reclaimed_cores').requests, {
      [RECLAIMED_MILLICPU]: '2000',
      [RECLAIMED_MEMORY]: '4505Mi',
    });
    const shared = memberResources(role, 'shared_cores');
    assert.deepEqual(shared.requests, { cpu: '2000m', memory: '4505Mi' });
    assert.deepEqual(shared.limits, shared.requests);
  });

  it('takes simulation settings from tags and ignores malformed ones', () => {
    assert.deepEqual(simulationAnnotations(['sim.loom.dev/duration=45s', 'sim.loom.dev/exit-code=3', 'team-x']), {
      'sim.loom.dev/duration': '45s',
      'sim.loom.dev/exit-code': '3',
    });
    assert.deepEqual(simulationAnnotations(['sim.loom.dev/duration=soon', 'sim.loom.dev/exit-code=$(rm -rf)']), {});
  });

  it('maps a queue path to its Queue object name', () => {
    assert.equal(leafQueue('root.spark'), 'spark');
    assert.equal(leafQueue('default'), 'default');
  });
});
