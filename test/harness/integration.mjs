// Integration stage: the mocha suite in test/integration runs inside a real VS Code extension host.
// code-server (VS Code 1.100.3) serves the workbench on a free loopback port; headless Chromium
// opens it with the extension under development and `extensionTestsPath`, so VS Code itself calls
// run() in out/test/integration/index.js. That writes its results to CONV_LENS_TEST_RESULTS, which
// this script waits for, prints and summarises in test-results/integration.json.
// Env: CONV_LENS_INTEGRATION_TIMEOUT (seconds, default 600).
import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromiumArgs, ensureCodeServer, repoRoot, requireChromium, startCodeServer, workbenchUrl } from '../../scripts/code-server.mjs';
import { cleanup, onCleanup, writeSummary } from './lifecycle.mjs';
import { printResults } from './report.mjs';

const timeoutMs = Number(process.env.CONV_LENS_INTEGRATION_TIMEOUT ?? 600) * 1000;
const testsIndex = join(repoRoot, 'out', 'test', 'integration', 'index.js');
const samples = join(repoRoot, 'samples');

async function main() {
  if (!existsSync(testsIndex)) throw new Error(`${testsIndex} is missing: build first (node esbuild.mjs)`);
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: build first (node esbuild.mjs)');
  const chromiumPath = requireChromium();
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  await ensureCodeServer();

  const scratch = mkdtempSync(join(tmpdir(), 'conv-lens-integration-'));
  onCleanup(() => rmSync(scratch, { recursive: true, force: true }));
  const resultsFile = join(scratch, 'results.json');
  const userDataDir = join(scratch, 'user-data');
  const server = await startCodeServer({
    workspace: samples,
    userDataDir,
    env: { CONV_LENS_TEST_RESULTS: resultsFile, CONV_LENS_TEST_LOGS: join(userDataDir, 'logs') },
  });
  onCleanup(() => server.stop());
  console.log(`code-server ${server.url} (pid ${server.pid}) up after ${elapsed()}`);

  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, handleSIGINT: false, handleSIGTERM: false });
  onCleanup(() => Promise.race([browser.close(), sleep(10_000)]));
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  const url = workbenchUrl({ port: server.port, folder: samples, extensionDevelopmentPath: repoRoot, extensionTestsPath: testsIndex.replace(/\.js$/, '') });
  await page.goto(url);
  console.log(`workbench opened with the tests after ${elapsed()}; waiting for their results (up to ${timeoutMs / 1000} s)`);

  const deadline = Date.now() + timeoutMs;
  let serverEnded = null;
  void server.exit.then((how) => { serverEnded = how; });
  while (!existsSync(resultsFile)) {
    if (serverEnded) throw new Error(`code-server ended (${serverEnded.code ?? serverEnded.signal}) before the tests finished:\n${server.logTail()}`);
    if (Date.now() > deadline) {
      throw new Error(`no results after ${timeoutMs / 1000} s.\ncode-server log:\n${server.logTail()}\npage errors:\n${pageErrors.slice(-5).join('\n')}`);
    }
    await sleep(250);
  }
  await sleep(100); // written in one call; let the writer close it
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  console.log(`\nIntegration tests in VS Code ${results.vscodeVersion} (code-server), ${(results.durationMs / 1000).toFixed(1)} s:`);
  printResults(results.tests);
  writeSummary('integration', results);
  console.log(`\nintegration: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped (${elapsed()} in all)`);
  return results.failed === 0 && results.passed > 0;
}

let ok = false;
try {
  ok = await main();
} catch (err) {
  console.error(`\nintegration: ${err.message}`);
  writeSummary('integration', { passed: 0, failed: 1, skipped: 0 });
} finally {
  await cleanup();
}
process.exit(ok ? 0 : 1);
