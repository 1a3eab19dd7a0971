// `npm test`: type check, lint, build, then the tests at each depth, and one summary at the end.
// Every stage runs even when an earlier one fails, so one run shows everything that is wrong.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, existsSync } from 'node:fs';

const stages = [
  { name: 'typecheck', cmd: ['npx', 'tsc', '-p', '.', '--noEmit'] },
  { name: 'lint', cmd: ['npx', 'eslint', '--max-warnings', '0', '.'] },
  { name: 'build', cmd: ['node', 'esbuild.mjs'] },
  { name: 'unit', depth: true, cmd: ['node', 'test/harness/mocha.mjs', 'unit', 'out/test/unit', 'out/test/conformance'] },
  { name: 'integration', depth: true, cmd: ['node', 'test/harness/integration.mjs'] },
  { name: 'e2e', depth: true, cmd: ['node', 'test/harness/e2e.mjs'] },
];

const only = process.argv.slice(2);
rmSync('test-results', { recursive: true, force: true });
const failedStages = [];
for (const stage of stages) {
  if (only.length && !only.includes(stage.name)) continue;
  if (stage.depth && !existsSync(stage.cmd[1])) {
    console.error(`\n[${stage.name}] ${stage.cmd[1]} is missing`);
    failedStages.push(stage.name);
    continue;
  }
  console.log(`\n=== ${stage.name}: ${stage.cmd.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(stage.cmd[0], stage.cmd.slice(1), { stdio: 'inherit' });
  console.log(`=== ${stage.name}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) failedStages.push(stage.name);
}

let passed = 0;
let failed = 0;
let skipped = 0;
console.log('\nTests by depth:');
for (const stage of stages.filter((s) => s.depth && (!only.length || only.includes(s.name)))) {
  const file = `test-results/${stage.name}.json`;
  if (!existsSync(file)) {
    console.log(`  ${stage.name.padEnd(12)} no results (the stage did not finish)`);
    failed += 1;
    continue;
  }
  const s = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`  ${stage.name.padEnd(12)} ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  passed += s.passed;
  failed += s.failed;
  skipped += s.skipped;
}
if (failedStages.length) console.log(`Failed stages: ${failedStages.join(', ')}`);
console.log(`${passed} passed, ${failed + (failedStages.length && !failed ? failedStages.length : 0)} failed, ${skipped} skipped`);
process.exit(failedStages.length || failed ? 1 : 0);
