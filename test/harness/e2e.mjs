// E2E stage: mocha over out/test/e2e/*.test.js in this process; the tests drive the real workbench
// (code-server + headless Chromium) through the fixture in test/e2e/workbench.ts. code-server is
// installed (or found in the cache) before the first test, so its install never eats a test's time.
// Every workbench still open at the end, on failure, Ctrl+C or SIGTERM is closed by its process ids.
import Mocha from 'mocha';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer, repoRoot } from '../../scripts/code-server.mjs';
import { cleanup, onCleanup, writeSummary } from './lifecycle.mjs';

const dir = join(repoRoot, 'out', 'test', 'e2e');

/** What the fixture registers on globalThis (see test/e2e/workbench.ts). */
function openWorkbenches() {
  return globalThis[Symbol.for('conv-lens.e2e.workbenches')]?.open ?? new Set();
}
onCleanup(() => Promise.all([...openWorkbenches()].map((wb) => wb.close())));

async function main() {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(dir, f)) : [];
  if (!files.length) throw new Error(`no e2e tests in ${dir}: build first (node esbuild.mjs)`);
  await ensureCodeServer();
  const started = Date.now();
  const mocha = new Mocha({ reporter: 'spec', timeout: 120_000 });
  for (const f of files) mocha.addFile(f);
  const stats = await new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
  });
  const summary = { passed: stats.passes, failed: stats.failures, skipped: stats.pending };
  writeSummary('e2e', summary);
  console.log(`e2e: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return summary.failed === 0 && summary.passed > 0;
}

let ok = false;
try {
  ok = await main();
} catch (err) {
  console.error(`\ne2e: ${err.message}`);
  writeSummary('e2e', { passed: 0, failed: 1, skipped: 0 });
} finally {
  await cleanup();
}
process.exit(ok ? 0 : 1);
