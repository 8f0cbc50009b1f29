import { stringify } from 'yaml';
import { allCrds } from '../api/crd.ts';

const HEADER = '# Generated from api/ by `npm run gen:crds`. Do not edit by hand.\n';

/** File name → YAML text of every CRD Loom installs. */
export function renderCrds(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, crd] of Object.entries(allCrds())) out[file] = HEADER + stringify(crd, { lineWidth: 0 });
  return out;
}
