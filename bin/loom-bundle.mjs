// Builds and finds the bundle `loom` runs: the TypeScript sources and their packages as ES modules, built by
// esbuild (tsx's own transformer) into node_modules/.cache/loom/ and rebuilt whenever an input changed. The bundle is
// split at the commands' dynamic imports: `loom scheduler` compiles the CLI, the scheduler and what they share, not
// the gateway's Express/BullMQ stack (compiling the single 11 MB file was a third of the scheduler's start-up cpu).
//
// Why a bundle: run through tsx's loader, every module a process loads (client-node alone is hundreds) costs a
// round trip to the loader's hook thread. Measured on this 2-core machine kind: importing the scheduler took 3.7–4.5 s
// of cpu through tsx, 1.2 s with our sources bundled and packages left to Node, 0.3 s with everything bundled, and
// that start-up sits in front of every scheduler failover, node-agent restart and CLI call.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..');
const OUT_DIR = join(ROOT, 'node_modules', '.cache', 'loom');
// Named after the checkout: git worktrees may share one node_modules, and each needs the bundle of its own sources.
const NAME = `loom-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`;
/** Every build gets its own folder under this one: a running process may still import chunks of the one it started. */
const BUILDS = join(OUT_DIR, NAME);
/** Which build is current and the inputs it was made from: `{ build, inputs }`. */
const CURRENT = join(OUT_DIR, `${NAME}.current.json`);
/** Builds kept besides the current one, for processes started from them that import a chunk late. */
const KEEP_BUILDS = 4;
// Inputs besides the sources esbuild reports: a reinstall rewrites node_modules/.package-lock.json, and a change to
// this file changes how the bundle is made.
const EXTRA_INPUTS = ['node_modules/.package-lock.json', 'bin/loom-bundle.mjs'];

/** [path relative to the repository, mtimeMs, size] of every input the bundle was built from. */
function stamp(file) {
  const s = statSync(join(ROOT, file));
  return [file, s.mtimeMs, s.size];
}

/**
 * The entry module of the current bundle when it exists and none of its inputs changed since it was built (one stat
 * per input, ~300), else undefined.
 */
export function freshBundle() {
  try {
    const { build, inputs } = JSON.parse(readFileSync(CURRENT, 'utf8'));
    const entry = join(BUILDS, build, 'main.mjs');
    if (!existsSync(entry)) return undefined;
    const fresh = inputs.every(([file, mtimeMs, size]) => {
      const [, m, s] = stamp(file);
      return m === mtimeMs && s === size;
    });
    return fresh ? entry : undefined;
  } catch {
    return undefined;
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

// With splitting, esbuild turns `await import('some-package')` of a CommonJS package into a chunk whose only export
// is `default`, where Node would give the named exports too: the build refuses it instead of shipping the break.
const noDynamicPackageImports = {
  name: 'no-dynamic-package-imports',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'dynamic-import' || args.path.startsWith('node:')) return undefined;
      return {
        errors: [
          {
            text: `dynamic import of package '${args.path}' in ${relative(ROOT, args.importer)}: import it statically from a module that is itself imported dynamically`,
          },
        ],
      };
    });
  },
};

/**
 * Builds the bundle of `cli/main.ts` into a new build folder, makes it current and returns its entry module; safe
 * when several processes build at once (each writes its own folder; the last to finish is current).
 */
export async function buildBundle() {
  // esbuild is only loaded to build: a start with a fresh bundle does not pay for it.
  const { build } = await import('esbuild');
  const id = `${Date.now().toString(36)}-${process.pid}`;
  const dir = join(BUILDS, id);
  mkdirSync(dir, { recursive: true });
  const result = await build({
    entryPoints: { main: join(ROOT, 'cli', 'main.ts') },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunk-[hash]',
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
    plugins: [importMetaPaths, noDynamicPackageImports],
  });
  const sources = Object.keys(result.metafile.inputs)
    .map((input) => (isAbsolute(input) ? relative(ROOT, input) : relative(ROOT, join(process.cwd(), input))))
    .filter((file) => !file.startsWith('node_modules') && !file.startsWith('..'));
  const inputs = [...new Set([...sources, ...EXTRA_INPUTS])].filter((file) => existsSync(join(ROOT, file))).map(stamp);
  // The folder is complete before it becomes current, so a reader never sees half a build.
  writeFileSync(`${CURRENT}.${process.pid}.tmp`, JSON.stringify({ build: id, inputs }));
  renameSync(`${CURRENT}.${process.pid}.tmp`, CURRENT);
  pruneBuilds(id);
  // The single-file layout this one replaced.
  for (const ext of ['.mjs', '.mjs.map', '.inputs.json']) rmSync(join(OUT_DIR, `${NAME}${ext}`), { force: true });
  return join(dir, 'main.mjs');
}

/** Removes all but the newest {@link KEEP_BUILDS} builds besides `current` (ids sort by build time). */
function pruneBuilds(current) {
  const old = readdirSync(BUILDS)
    .filter((b) => b !== current)
    .sort()
    .reverse()
    .slice(KEEP_BUILDS);
  for (const b of old) rmSync(join(BUILDS, b), { recursive: true, force: true });
}
