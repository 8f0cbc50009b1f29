#!/usr/bin/env node
// The `loom` command. It runs a bundle of the TypeScript sources (bin/loom-bundle.mjs explains why), rebuilt on
// first use after any source changed, so `npm ci` is still the whole install. LOOM_NO_BUNDLE=1 runs the sources
// through tsx's loader instead (slower start, nothing built).
if (process.env.LOOM_NO_BUNDLE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
} else {
  const { buildBundle, freshBundle } = await import('./loom-bundle.mjs');
  const entry = freshBundle() ?? (await buildBundle());
  // Stack traces name the TypeScript sources, not the bundle's lines.
  process.setSourceMapsEnabled(true);
  await import(entry);
}
