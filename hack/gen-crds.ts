// Writes deploy/crds/*.yaml and deploy/schemas/*.json from api/. Run after changing a schema: `npm run gen:crds`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderCrds } from './crd-files.ts';

const dir = join(import.meta.dirname, '..', 'deploy');
for (const [file, text] of Object.entries(renderCrds())) {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
  console.log(`wrote deploy/${file}`);
}
