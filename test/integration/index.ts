// Runs inside VS Code's extension host: VS Code loads this module (the `extensionTestsPath`) and
// calls `run()`, in code-server's workbench (test/harness/integration.mjs) and in desktop VS Code
// (test/harness/desktop.mjs, through @vscode/test-electron) alike.
// The results go to the JSON file named by CONV_LENS_TEST_RESULTS, because the harness cannot see
// the extension host's exit code or console from the browser side.
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

/** One test's outcome, as the harness prints it. */
export interface TestOutcome {
  title: string;
  fullTitle: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  error?: string;
}

/** The file the harness waits for. */
export interface IntegrationResults {
  depth: 'integration';
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  vscodeVersion: string;
  tests: TestOutcome[];
}

// The activation test checks that nothing woke the extension before a Python, notebook or Markdown
// document was open, so it must run before any file that opens one.
const FIRST = 'activation.test.js';

function testFiles(): string[] {
  return readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort((a, b) => Number(b === FIRST) - Number(a === FIRST) || a.localeCompare(b))
    .map((name) => join(__dirname, name));
}

function message(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function run(): Promise<void> {
  const started = Date.now();
  const tests: TestOutcome[] = [];
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30_000 });
  const write = () => {
    const count = (state: TestOutcome['state']) => tests.filter((t) => t.state === state).length;
    const results: IntegrationResults = {
      depth: 'integration',
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      durationMs: Date.now() - started,
      vscodeVersion: vscode.version,
      tests,
    };
    const file = process.env.CONV_LENS_TEST_RESULTS;
    if (file) writeFileSync(file, JSON.stringify(results, null, 2));
    return results;
  };

  return new Promise((resolve, reject) => {
    try {
      for (const file of testFiles()) mocha.addFile(file);
      const runner = mocha.run(() => {
        const results = write();
        if (results.failed) reject(new Error(`${results.failed} integration test(s) failed`));
        else resolve();
      });
      const outcome = (state: TestOutcome['state']) => (test: Mocha.Runnable, err?: unknown) => {
        tests.push({
          title: test.title,
          fullTitle: test.fullTitle(),
          state,
          durationMs: test.duration ?? 0,
          ...(err === undefined ? {} : { error: message(err) }),
        });
      };
      runner.on('pass', outcome('passed'));
      runner.on('fail', outcome('failed')); // also a failing hook, under its own title
      runner.on('pending', outcome('skipped'));
    } catch (err) {
      // A test file that throws while loading: report it as a failure instead of hanging the harness.
      tests.push({ title: 'loading the test files', fullTitle: 'loading the test files', state: 'failed', durationMs: 0, error: message(err) });
      write();
      reject(err);
    }
  });
}
