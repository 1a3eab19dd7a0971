// Runs mocha over compiled test files and writes a summary for run-all.mjs.
// Usage: node test/harness/mocha.mjs <depth> <dir> [<dir> …]   (dirs under out/, files *.test.js)
import Mocha from 'mocha';
import { readdirSync, statSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [depth, ...dirs] = process.argv.slice(2);

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? testFiles(p) : name.endsWith('.test.js') ? [resolve(p)] : [];
  });
}

const mocha = new Mocha({ reporter: 'spec', timeout: 20000 });
for (const f of dirs.flatMap(testFiles).sort()) mocha.addFile(f);
const runner = mocha.run((failures) => {
  const s = runner.stats ?? { passes: 0, failures, pending: 0 };
  mkdirSync('test-results', { recursive: true });
  writeFileSync(`test-results/${depth}.json`, JSON.stringify({ depth, passed: s.passes, failed: s.failures, skipped: s.pending }));
  process.exitCode = failures ? 1 : 0;
});
