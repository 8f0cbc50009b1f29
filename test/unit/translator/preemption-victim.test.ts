import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPreemptionVictim, type DisruptionFacts } from '../../../translator/status/preemption-victim.ts';

const disruption = (reason: string, status = 'True'): DisruptionFacts => ({
  conditions: [
    { type: 'Ready', status: 'True' },
    { type: 'DisruptionTarget', status, reason },
  ],
});

describe('isPreemptionVictim', () => {
  const cases: { name: string; status: DisruptionFacts | undefined; want: boolean }[] = [
    { name: 'no status', status: undefined, want: false },
    { name: 'a running pod', status: { conditions: [{ type: 'Ready', status: 'True' }] }, want: false },
    { name: 'marked by the node agent', status: { reason: 'Evicted' }, want: true },
    { name: 'marked Preempted', status: { reason: 'Preempted' }, want: true },
    // What the 1.34 apiserver wrote on a pod evicted through the Eviction API (checked on the local cluster).
    { name: 'evicted through the Eviction API', status: disruption('EvictionByEvictionAPI'), want: true },
    { name: "kube-scheduler's preemption", status: disruption('PreemptionByScheduler'), want: true },
    { name: 'a NoExecute taint', status: disruption('DeletionByTaintManager'), want: false },
    { name: 'pod garbage collection', status: disruption('DeletionByPodGC'), want: false },
    { name: "the kubelet's node-pressure eviction", status: disruption('TerminationByKubelet'), want: false },
    { name: 'a condition that is not True', status: disruption('EvictionByEvictionAPI', 'False'), want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(isPreemptionVictim(c.status), c.want));
});
