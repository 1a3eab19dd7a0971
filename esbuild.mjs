// One esbuild config for every target: extension host, CLI, engine module, webviews, tests, bench.
// Usage: node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { readdirSync, statSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Every file under `dir` whose name ends with one of `suffixes`. */
function filesUnder(dir, suffixes) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, suffixes);
    return suffixes.some((s) => name.endsWith(s)) ? [path] : [];
  });
}

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  minify: production,
  logLevel: 'warning',
  target: 'es2022',
};

const node = { ...common, platform: 'node', format: 'cjs', external: ['vscode'] };
const browser = { ...common, platform: 'browser', format: 'iife' };

const webviewEntries = filesUnder('webview', ['main.ts', 'worker.ts']).map((f) => ({
  in: f,
  out: f.replace(/^webview[\\/]/, '').replace(/\.ts$/, ''),
}));

const targets = [
  { ...node, entryPoints: { extension: 'src/extension.ts', computeWorker: 'src/features/computeWorker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: { engine: 'src/engine/index.ts' }, outdir: 'dist' },
  { ...browser, entryPoints: webviewEntries, outdir: 'dist/webview', loader: { '.ttf': 'file', '.css': 'css' } },
];

if (!production) {
  // Tests and benchmarks are never packaged.
  const testEntries = [...filesUnder('test', ['.test.ts']), ...filesUnder('test/integration', ['index.ts'])];
  // Compiled tests whose source was removed or renamed would still run: start from an empty out/.
  rmSync('out', { recursive: true, force: true });
  // The test runner and the browser driver are loaded from node_modules at run time, not bundled.
  targets.push({ ...node, entryPoints: testEntries, outdir: 'out', outbase: '.', sourcemap: 'inline', external: ['vscode', 'mocha', 'playwright-core'] });
  if (existsSync('bench/index.ts')) {
    targets.push({ ...node, entryPoints: { bench: 'bench/index.ts' }, outdir: 'dist', external: ['vscode', '@tensorflow/*', 'onnxruntime-web'] });
  }
}

if (production) {
  // A production build writes no source maps; stale ones from a development build must not be packaged.
  for (const map of filesUnder('dist', ['.map'])) rmSync(map);
}

// Build-time generators (for example the engine's WebAssembly kernels) run first.
for (const gen of filesUnder('scripts/build', ['.mjs']).sort()) {
  await import('./' + gen.replace(/\\/g, '/'));
}

if (watch) {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching', targets.length, 'targets');
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
