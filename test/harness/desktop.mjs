// `npm run test:desktop`: the integration suite (test/integration) in desktop VS Code, through
// @vscode/test-electron, for machines that can download VS Code from Microsoft. On the project's
// offline machines the download fails: this says so plainly and points to `npm test`, which runs
// the same suite in code-server.
// Env: CONV_LENS_VSCODE_VERSION (default 1.100.3, the oldest VS Code the manifest accepts; "stable"
// for the newest). Linux without a display: run it under `xvfb-run -a`.
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/code-server.mjs';
import { cleanup, onCleanup, writeSummary } from './lifecycle.mjs';
import { printResults } from './report.mjs';

const version = process.env.CONV_LENS_VSCODE_VERSION ?? '1.100.3';
const testsIndex = join(repoRoot, 'out', 'test', 'integration', 'index.js');

async function main() {
  if (!existsSync(testsIndex)) throw new Error(`${testsIndex} is missing: build first (node esbuild.mjs)`);
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.warn('desktop: no DISPLAY; VS Code (Electron) needs one. On a headless machine: xvfb-run -a npm run test:desktop');
  }
  console.log(`desktop: downloading VS Code ${version} (cached in .cache/vscode-test)…`);
  let vscodeExecutablePath;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath: join(repoRoot, '.cache', 'vscode-test'), timeout: 30_000 });
  } catch (err) {
    throw new Error(
      `could not download VS Code ${version}: ${err?.message ?? err}\n` +
        '  This machine cannot reach Microsoft\'s update service (update.code.visualstudio.com), so the\n' +
        '  desktop run is not possible here. `npm test` runs the same suite inside code-server\'s VS Code 1.100.3.',
    );
  }
  const scratch = mkdtempSync(join(tmpdir(), 'conv-lens-desktop-'));
  onCleanup(() => rmSync(scratch, { recursive: true, force: true }));
  const resultsFile = join(scratch, 'results.json');
  const userDataDir = join(scratch, 'user-data');
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsIndex,
      extensionTestsEnv: { CONV_LENS_TEST_RESULTS: resultsFile, CONV_LENS_TEST_LOGS: join(userDataDir, 'logs') },
      launchArgs: [join(repoRoot, 'samples'), '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', userDataDir, '--extensions-dir', join(scratch, 'extensions')],
    });
  } catch (err) {
    if (!existsSync(resultsFile)) throw new Error(`VS Code ${version} ran no tests: ${err?.message ?? err}`);
  }
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  console.log(`\nIntegration tests in desktop VS Code ${results.vscodeVersion}:`);
  printResults(results.tests);
  writeSummary('desktop', results);
  console.log(`\ndesktop: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  return results.failed === 0 && results.passed > 0;
}

let ok = false;
try {
  ok = await main();
} catch (err) {
  console.error(`\ndesktop: FAILED: ${err.message}`);
  writeSummary('desktop', { passed: 0, failed: 1, skipped: 0 });
} finally {
  await cleanup();
}
process.exit(ok ? 0 : 1);
