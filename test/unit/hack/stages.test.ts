import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { SIM_DURATION_ANNOTATION, SIM_EXIT_CODE_ANNOTATION } from '../../../api/names.ts';
import { kwokConfigYaml, localStages } from '../../../hack/local-cluster/stages.ts';

describe('kwok stages', () => {
  it('render to YAML documents kwok can read, one per stage, uniquely named', () => {
    const docs = parseAllDocuments(kwokConfigYaml()).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string } },
    );
    assert.equal(docs.length, localStages().length);
    assert.ok(docs.every((d) => d.kind === 'Stage'));
    assert.equal(new Set(docs.map((d) => d.metadata.name)).size, docs.length);
  });

  it('cover node readiness, heartbeat, pod running, completion and deletion', () => {
    const names = localStages().map((s) => s.metadata.name);
    for (const want of [
      'node-initialize',
      'node-heartbeat',
      'pod-ready',
      'pod-complete-after-duration',
      'job-pod-complete',
      'pod-delete',
    ]) {
      assert.ok(names.includes(want), `missing stage ${want}`);
    }
  });

  it('time completion from the duration annotation and take the exit code from its own annotation', () => {
    const stage = localStages().find((s) => s.metadata.name === 'pod-complete-after-duration')!;
    const text = JSON.stringify(stage);
    assert.ok(text.includes(`.metadata.annotations[\\"${SIM_DURATION_ANNOTATION}\\"]`));
    assert.ok(text.includes(SIM_EXIT_CODE_ANNOTATION));
  });

  it('leave Job pods with a duration to the duration stage', () => {
    const job = localStages().find((s) => s.metadata.name === 'job-pod-complete')!;
    const exprs = (job.spec.selector as { matchExpressions: { key: string; operator: string }[] }).matchExpressions;
    assert.ok(exprs.some((e) => e.key.includes(SIM_DURATION_ANNOTATION) && e.operator === 'DoesNotExist'));
  });
});
