// Prints test outcomes the way mocha's spec reporter does: suites, ✓ / numbered failures, then
// each failure's title and message. Used where mocha ran out of sight (the extension host).

/** @param {Array<{title: string, fullTitle: string, state: string, durationMs: number, error?: string}>} tests */
export function printResults(tests) {
  let suite;
  const failures = [];
  for (const t of tests) {
    const suiteTitle = t.fullTitle.endsWith(t.title) ? t.fullTitle.slice(0, -t.title.length).trim() : '';
    if (suiteTitle !== suite) {
      suite = suiteTitle;
      console.log(`\n  ${suite}`);
    }
    if (t.state === 'passed') console.log(`    ✓ ${t.title}${t.durationMs >= 75 ? ` (${t.durationMs}ms)` : ''}`);
    else if (t.state === 'skipped') console.log(`    - ${t.title}`);
    else {
      failures.push(t);
      console.log(`    ${failures.length}) ${t.title}`);
    }
  }
  failures.forEach((t, i) => {
    console.log(`\n  ${i + 1}) ${t.fullTitle}:`);
    console.log(`     ${(t.error ?? '(no message)').split('\n').join('\n     ')}`);
  });
}
