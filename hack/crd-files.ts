import { stringify } from 'yaml';
import { allCrds, jsonSchemas } from '../api/crd.ts';

const HEADER = '# Generated from api/ by `npm run gen:crds`. Do not edit by hand.\n';

/** Path under deploy/ → text of every generated file: the CRDs and the JSON Schemas of their specs. */
export function renderCrds(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, crd] of Object.entries(allCrds())) out[`crds/${file}`] = HEADER + stringify(crd, { lineWidth: 0 });
  for (const [file, schema] of Object.entries(jsonSchemas()))
    out[`schemas/${file}`] = JSON.stringify(schema, null, 2) + '\n';
  return out;
}
