// What every harness stage shares: the summary file run-all.mjs reads, and stopping what the
// stage started (by the process ids it holds) on success, failure, Ctrl+C and SIGTERM alike.
import { mkdirSync, writeFileSync } from 'node:fs';

/** Writes test-results/<depth>.json = {depth, passed, failed, skipped} for run-all.mjs. */
export function writeSummary(depth, { passed, failed, skipped }) {
  mkdirSync('test-results', { recursive: true });
  writeFileSync(`test-results/${depth}.json`, JSON.stringify({ depth, passed, failed, skipped }));
}

const cleanups = [];
let cleaning;

/** Registers `fn` to run once when the stage ends, however it ends. */
export function onCleanup(fn) {
  cleanups.push(fn);
}

/** Runs the registered clean-ups (last registered first); safe to call more than once. */
export function cleanup() {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error(`clean-up failed: ${err?.message ?? err}`);
      }
    }
  })();
  return cleaning;
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping what this stage started…`);
    void cleanup().finally(() => process.exit(code));
  });
}
