// Builds and finds the bundle `loom` runs: the TypeScript sources and their packages in one ES module, built by
// esbuild (tsx's own transformer) into node_modules/.cache/loom/ and rebuilt whenever an input changed.
//
// Why a bundle: run through tsx's loader, every module a process loads (client-node alone is hundreds) costs a
// round trip to the loader's hook thread. Measured on this 2-core machine kind: importing the scheduler took 3.7–4.5 s
// of cpu through tsx, 1.2 s with our sources bundled and packages left to Node, 0.3 s with everything bundled, and
// that start-up sits in front of every scheduler failover, node-agent restart and CLI call.
import { createHash } from 'node:crypto';
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..');
const OUT_DIR = join(ROOT, 'node_modules', '.cache', 'loom');
// Named after the checkout: git worktrees may share one node_modules, and each needs the bundle of its own sources.
const NAME = `loom-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`;
/** The bundle's path. */
export const BUNDLE = join(OUT_DIR, `${NAME}.mjs`);
const INPUTS = join(OUT_DIR, `${NAME}.inputs.json`);
// Inputs besides the sources esbuild reports: a reinstall rewrites node_modules/.package-lock.json, and a change to
// this file changes how the bundle is made.
const EXTRA_INPUTS = ['node_modules/.package-lock.json', 'bin/loom-bundle.mjs'];

/** [path relative to the repository, mtimeMs, size] of every input the bundle was built from. */
function stamp(file) {
  const s = statSync(join(ROOT, file));
  return [file, s.mtimeMs, s.size];
}

/** Whether the bundle exists and none of its inputs changed since it was built (one stat per input, ~300). */
export function bundleIsFresh() {
  if (!existsSync(BUNDLE) || !existsSync(INPUTS)) return false;
  try {
    const inputs = JSON.parse(readFileSync(INPUTS, 'utf8'));
    return inputs.every(([file, mtimeMs, size]) => {
      const [, m, s] = stamp(file);
      return m === mtimeMs && s === size;
    });
  } catch {
    return false;
  }
}

// In a bundle every module's import.meta is the bundle's; the few sources that find files next to themselves (the
// UI's static folder, hack/'s scripts, package.json) get their own paths written in instead.
const importMetaPaths = {
  name: 'import-meta-paths',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta')) return { contents: text, loader: 'ts' };
      const contents = text
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path))
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: 'ts' };
    });
  },
};

/** Builds the bundle of `cli/main.ts` and records its inputs; safe when several processes build at once. */
export async function buildBundle() {
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  const result = await build({
    entryPoints: [join(ROOT, 'cli', 'main.ts')],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // As tsx does: class and function names survive (error names, logs).
    keepNames: true,
    sourcemap: 'linked',
    // Line numbers are what a stack trace needs; the sources themselves are in the repository (4× smaller map).
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    // Packages written as CommonJS call require(); an ES module has none unless it makes one.
    banner: {
      js: "import { createRequire as __loomCreateRequire } from 'node:module';\nconst require = __loomCreateRequire(import.meta.url);",
    },
    plugins: [importMetaPaths],
  });
  const sources = Object.keys(result.metafile.inputs)
    .map((input) => (isAbsolute(input) ? relative(ROOT, input) : relative(ROOT, join(process.cwd(), input))))
    .filter((file) => !file.startsWith('node_modules') && !file.startsWith('..'));
  const inputs = [...new Set([...sources, ...EXTRA_INPUTS])].filter((file) => existsSync(join(ROOT, file))).map(stamp);
  // The map goes first and the inputs last, so a reader never pairs a new bundle with inputs it was not built from
  // (at worst it sees old inputs and builds once more).
  renameSync(`${tmp}.map`, `${BUNDLE}.map`);
  renameSync(tmp, BUNDLE);
  writeFileSync(`${INPUTS}.${process.pid}.tmp`, JSON.stringify(inputs));
  renameSync(`${INPUTS}.${process.pid}.tmp`, INPUTS);
  return BUNDLE;
}
