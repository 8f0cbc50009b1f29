// Writes deploy/crds/*.yaml from api/crd.ts. Run after changing a schema in api/: `npm run gen:crds`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCrds } from './crd-files.ts';

const dir = join(import.meta.dirname, '..', 'deploy', 'crds');
for (const [file, text] of Object.entries(renderCrds())) {
  writeFileSync(join(dir, file), text);
  console.log(`wrote deploy/crds/${file}`);
}
