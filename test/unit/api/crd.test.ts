import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { queueCrd, schedulingUnitCrd } from '../../../api/crd.ts';
import { renderCrds } from '../../../hack/crd-files.ts';

const deployDir = join(import.meta.dirname, '..', '..', '..', 'deploy');
const crdDir = join(deployDir, 'crds');

/** Every schema node of a structural schema must say its type, or be int-or-string. */
function assertStructural(node: unknown, path: string): void {
  if (node === null || typeof node !== 'object') return;
  const s = node as Record<string, unknown>;
  if (s['x-kubernetes-int-or-string'] !== true) assert.ok(typeof s.type === 'string', `${path} has no type`);
  assert.equal(s.$schema, undefined, `${path} keeps $schema`);
  assert.equal(s.propertyNames, undefined, `${path} keeps propertyNames`);
  for (const [k, v] of Object.entries((s.properties as Record<string, unknown>) ?? {}))
    assertStructural(v, `${path}.${k}`);
  if (s.items) assertStructural(s.items, `${path}[]`);
  if (typeof s.additionalProperties === 'object') assertStructural(s.additionalProperties, `${path}{}`);
}

describe('CRDs', () => {
  it('deploy/crds and deploy/schemas match what api/ generates (run npm run gen:crds after a schema change)', () => {
    for (const [file, text] of Object.entries(renderCrds())) {
      assert.equal(readFileSync(join(deployDir, file), 'utf8'), text, `deploy/${file} is stale`);
    }
  });

  for (const [name, crd] of [
    ['SchedulingUnit', schedulingUnitCrd()],
    ['Queue', queueCrd()],
  ] as const) {
    it(`${name} schema is structural, has a status subresource and printer columns`, () => {
      const version = (crd.spec as { versions: Record<string, unknown>[] }).versions[0]!;
      const schema = (version.schema as { openAPIV3Schema: { properties: Record<string, unknown> } }).openAPIV3Schema;
      assertStructural(schema.properties.spec, 'spec');
      assertStructural(schema.properties.status, 'status');
      assert.deepEqual(version.subresources, { status: {} });
      assert.ok((version.additionalPrinterColumns as unknown[]).length >= 3);
    });
  }

  it('SchedulingUnit carries the CEL rule tying minMember to the roles and renders quantities as int-or-string', () => {
    const text = readFileSync(join(crdDir, 'scheduling.loom.dev_schedulingunits.yaml'), 'utf8');
    const doc = parse(text) as { spec: { names: { shortNames: string[] } } };
    assert.deepEqual(doc.spec.names.shortNames, ['su']);
    assert.match(text, /self\.minMember <= self\.roles\.map\(r, r\.count\)\.sum\(\)/);
    assert.match(text, /x-kubernetes-int-or-string: true/);
  });
});
