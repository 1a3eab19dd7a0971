/**
 * `npm run bench` (`-- --json` for JSON): workloads W1–W8 of ../shared/notes/performance.md on
 * Conv Lens and, in the same run, on its peers; then every bench/*.bench.ts module's rows.
 * Options: --only W2,W5 (workloads), --engines tfjs-wasm,conv-lens (substrings), --quick (fewer samples).
 * Internal: --child <ort-t2|fma|memory|tile> runs one part in a fresh process and prints its rows as JSON.
 * As a worker_threads helper (conv-lens t2) this same bundle serves the engine's threads instead.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { conv2d, type Tensor } from '../src/engine';
import { fastHeapBytes, hasRelaxedSimd, setFastMode, threadsReady, useThreads } from '../src/engine/fast';
import { engineRunner, kernelRunner } from './engineRunners';
import { tileCeiling } from './limits.bench';
import { nodeThreadHost, runHelperIfWorker } from './nodeThreads';
import { ortRunner, tfjsRunner, type Runner } from './peers';
import { table, type Row } from './report';
import { measure, type Timing, type TimingOptions } from './timing';
import { convData, gflop, poolGigabytes, workloads, type Workload } from './workloads';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const json = flag('--json');
const onlyWorkloads = option('--only')?.split(',');
const onlyEngines = option('--engines')?.split(',');
const timing: TimingOptions = flag('--quick') ? { minSamples: 5, minMs: 200, warmupMs: 50 } : {};
// Progress goes to stderr when stdout carries JSON (--json, and children reporting to the parent).
const log = (s: string) => {
  if (!json && !args.includes('--child')) console.log(s);
  else console.error(s);
};

const selected = workloads.filter((w) => !onlyWorkloads || onlyWorkloads.includes(w.id));
const wanted = (engine: string) => !onlyEngines || onlyEngines.some((e) => engine.includes(e));

function rowFor(w: Workload, engine: string, t: Timing, note?: string): Row {
  const row: Row = { suite: 'conv', workload: w.id, engine, ms: t.wall, cpuMs: t.cpu, faults: t.faults };
  if (w.kind === 'conv' && w.id !== 'W1') Object.assign(row, { rate: gflop(w) / (t.wall / 1000), unit: 'GFLOP/s' });
  if (w.kind === 'maxpool') Object.assign(row, { rate: poolGigabytes(w) / (t.wall / 1000), unit: 'GB/s' });
  if (note) row.note = note;
  return row;
}

/** Largest |a − b| relative to the largest |b|: peers must compute the same thing. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / (scale || 1);
}

/** Our SIMD result per workload: the answer every other engine is checked against. */
const answers = new Map<string, ArrayLike<number>>();

async function measureRunner(runner: Runner, list: readonly Workload[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const w of list) {
    const call = await runner.prepare(w);
    if (!call) continue;
    const first = (await call()) as ArrayLike<number>;
    const answer = answers.get(w.id);
    let note: string | undefined;
    if (answer) {
      const err = relativeError(first, answer);
      if (!(err < 1e-3)) note = `differs from conv-lens by ${err.toExponential(1)}`;
    } else {
      answers.set(w.id, Array.from(first));
    }
    const t = await measure(call, timing);
    runner.release();
    rows.push(rowFor(w, runner.engine, t, note));
    const show = (ms: number) => (ms < 0.01 ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(3)} ms`);
    log(`  ${runner.engine.padEnd(24)} ${w.id}  ${show(t.wall)} (CPU ${show(t.cpu)}, ${t.faults.toFixed(0)} page faults)${note ? `  (${note})` : ''}`);
  }
  return rows;
}

/** Runs `--child name` for one workload in a fresh Node process (with `nodeFlags`) and returns its rows. */
function child(name: string, workload: string, nodeFlags: string[] = []): Row[] {
  const passed = args.filter((a, i) => a !== '--json' && a !== '--only' && args[i - 1] !== '--only');
  const r = spawnSync(process.execPath, ['--expose-gc', ...nodeFlags, __filename, '--child', name, '--only', workload, ...passed], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Row[];
  } catch {
    log(`  (child ${name} failed: exit ${r.status}, ${r.stdout.slice(-300)})`);
    return [];
  }
}

/** Extra memory of one W2 call, in a fresh process so nothing else has grown the heap. */
async function memoryRows(): Promise<Row[]> {
  const w = workloads.find((x) => x.id === 'W2');
  if (!w || w.kind !== 'conv') return [];
  const d = convData(w);
  const t = (shape: number[], data: Float32Array): Tensor => ({ shape, dtype: 'float32', data });
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const y = conv2d(t([1, w.cin, w.h, w.w], d.x), t([w.cout, w.cin, w.k, w.k], d.weight), t([w.cout], d.bias));
  const ms = performance.now() - started;
  const after = process.memoryUsage();
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  const outBytes = y.data.byteLength;
  const im2col = 4 * w.cin * w.k * w.k * 64 * 64;
  const note = `W2 first call: RSS +${mib(after.rss - before.rss)} MiB, arrayBuffers +${mib(after.arrayBuffers - before.arrayBuffers)} MiB ` +
    `(output ${mib(outBytes)} MiB), kernel heap ${mib(fastHeapBytes())} MiB; a full im2col would be ${mib(im2col)} MiB`;
  return [{ suite: 'memory', workload: 'W2', engine: 'conv-lens t1', ms, note }];
}

async function childMain(name: string): Promise<void> {
  let rows: Row[] = [];
  if (name === 'ort-t2') rows = await measureRunner(ortRunner(2), selected);
  if (name === 'memory') rows = await memoryRows();
  if (name === 'tile') rows = await tileCeiling('FMA');
  if (name === 'fma') {
    // Relaxed SIMD is on by default where the extension runs (VS Code, Chrome ≥ 114, Node ≥ 22).
    if (!hasRelaxedSimd()) throw new Error('relaxed SIMD is off in this child');
    const fma = [engineRunner('conv-lens t1 FMA', () => setFastMode('auto')), engineRunner('conv-lens t2 FMA', twoThreads, () => useThreads(null))];
    for (const r of fma) if (wanted(r.engine)) rows.push(...(await measureRunner(r, selected)));
  }
  process.stdout.write('\n' + JSON.stringify(rows) + '\n');
  process.exit(0); // onnxruntime's threads would keep the process alive
}

/** Every bench/*.bench.ts module (e.g. parse.bench.ts) that exports `run(): Promise<Row[]>`. */
async function moduleRows(): Promise<Row[]> {
  const dir = join(__dirname, '..', 'bench');
  if (!existsSync(dir)) return [];
  const rows: Row[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
    const name = file.slice(0, -'.bench.ts'.length);
    const mod = (await import(`./${name}.bench.ts`)) as { run?: () => Promise<Row[]> };
    if (typeof mod.run !== 'function') continue;
    log(`\n${file}:`);
    // A module's own progress lines must not end up in the JSON on stdout.
    const print = console.log;
    if (json) console.log = console.error;
    try {
      rows.push(...(await mod.run()));
    } finally {
      console.log = print;
    }
  }
  return rows;
}

function load(): string {
  return `load average ${loadavg().map((l) => l.toFixed(2)).join(', ')} on ${cpus().length} cores`;
}

/** Two threads: this one and one helper (waits for the helper's runtime to come up). */
async function twoThreads(): Promise<void> {
  if (!useThreads(nodeThreadHost, 1)) throw new Error('no shared WebAssembly memory here');
  while (threadsReady() < 1) await new Promise((r) => setTimeout(r, 10));
}

async function main(): Promise<void> {
  if (runHelperIfWorker()) return;
  const childName = option('--child');
  if (childName) return childMain(childName);

  log(`Conv Lens bench, Node ${process.version}, ${load()}`);
  const rows: Row[] = [];
  const runners: Runner[] = [
    engineRunner('conv-lens t1', () => setFastMode('auto')),
    kernelRunner('conv-lens t1 kernel'),
    engineRunner('conv-lens t2', twoThreads, () => useThreads(null)),
    engineRunner('conv-lens no-SIMD', () => setFastMode('scalar')),
    tfjsRunner('cpu'),
    tfjsRunner('wasm'),
    ortRunner(1),
  ];
  // Workload by workload, every engine in turn, so a burst of other load hits all of them alike.
  for (const w of selected) {
    log(`${w.id}: ${w.what}`);
    for (const r of runners) {
      // conv-lens t1 always runs: its result is what the others are checked against.
      if (!wanted(r.engine) && r.engine !== 'conv-lens t1') continue;
      const got = await measureRunner(r, [w]);
      if (wanted(r.engine)) rows.push(...got);
    }
    // onnxruntime fixes its thread count per process; relaxed SIMD needs a Node flag.
    if (wanted('onnxruntime-web t2')) rows.push(...child('ort-t2', w.id));
    if (wanted('conv-lens t1 FMA') || wanted('conv-lens t2 FMA')) rows.push(...child('fma', w.id, ['--experimental-wasm-relaxed-simd']));
  }
  const loadAfterConv = load();
  const extra = [
    ...(selected.some((w) => w.id === 'W2') ? child('memory', 'W2') : []),
    ...(await moduleRows()),
    ...child('tile', selected[0]?.id ?? 'W1', ['--experimental-wasm-relaxed-simd']), // limits.bench.ts's tile, with FMA
  ];
  if (json) {
    console.log(JSON.stringify({ node: process.version, load: loadAfterConv, rows: [...rows, ...extra] }, null, 2));
    return;
  }
  const wallRows = rows.filter((r) => !r.engine.endsWith(' kernel'));
  console.log(`\n## Conv Lens vs peers (wall clock: ms / GFLOP/s; W1 in µs; W8 ms / GB/s) — ${loadAfterConv}\n`);
  console.log(table(wallRows, (w) => ratios(wallRows, w)));
  if (rows.some((r) => r.engine.endsWith('FMA'))) {
    console.log('\n`FMA`: the same engine where relaxed SIMD is on (VS Code, Chrome ≥ 114, Node ≥ 22; here Node 20 with --experimental-wasm-relaxed-simd).');
  }
  // The machine is shared: single-threaded engines by CPU time, close to their time on an idle core.
  const single = rows.filter((r) => !r.engine.includes(' t2'));
  console.log('\n### Single-threaded engines by CPU time (less sensitive to other load)\n');
  console.log('`conv-lens t1 kernel`: the fast path alone, into a preallocated output (no fresh pages to fault in).\n');
  console.log(table(single, (w) => ratios(single, w, (r) => r.cpuMs ?? r.ms), (r) => r.cpuMs));
  console.log(`\n${faultLine(rows)}`);
  for (const r of extra.filter((x) => x.suite === 'memory')) console.log(`\nMemory: ${r.note}`);
  for (const suite of new Set(extra.filter((x) => x.suite !== 'memory').map((x) => x.suite))) {
    console.log(`\n## ${suite}\n`);
    console.log(table(extra.filter((x) => x.suite === suite)));
  }
}

const isPeer = (engine: string) => !engine.startsWith('conv-lens');

/**
 * Page faults per call of the public call and of the kernel alone: the difference is the fresh
 * output's pages (and whatever else a call maps anew), which the kernel row does not pay.
 */
function faultLine(rows: readonly Row[]): string {
  const of = (w: string, engine: string) => rows.find((r) => r.workload === w && r.engine === engine)?.faults;
  const cells = [...new Set(rows.map((r) => r.workload))].flatMap((w) => {
    const pub = of(w, 'conv-lens t1');
    const kernel = of(w, 'conv-lens t1 kernel');
    return pub === undefined ? [] : [`${w} ${pub.toFixed(0)}${kernel === undefined ? '' : ` / ${kernel.toFixed(0)}`}`];
  });
  return `Page faults per call, conv-lens t1 / t1 kernel: ${cells.join(', ')}.`;
}

/** Ratios of Conv Lens to the best peer: single thread against single-thread peers, t2 against all. */
function ratios(rows: readonly Row[], workload: string, time: (r: Row) => number = (r) => r.ms): Record<string, string> {
  const of = (pred: (r: Row) => boolean) => rows.filter((r) => r.workload === workload && pred(r));
  const fastest = (list: Row[]) => list.reduce<Row | undefined>((best, r) => (!best || time(r) < time(best) ? r : best), undefined);
  const t1Peer = fastest(of((r) => isPeer(r.engine) && !r.engine.endsWith('t2')));
  const anyPeer = fastest(of((r) => isPeer(r.engine)));
  const ours = (engine: string) => of((r) => r.engine === engine)[0];
  const ratio = (a: Row | undefined, b: Row | undefined) => (a && b ? `${(time(b) / time(a)).toFixed(2)}×` : '—');
  const out: Record<string, string> = { 'best t1 peer': t1Peer?.engine ?? '—' };
  // Each of ours that ran: single-threaded ones against the best single-threaded peer, t2 against any.
  for (const engine of ['conv-lens t1', 'conv-lens t1 kernel', 'conv-lens t1 FMA', 'conv-lens t2', 'conv-lens t2 FMA']) {
    if (!rows.some((r) => r.engine === engine)) continue;
    const t2 = engine.includes('t2');
    out[`${engine.replace('conv-lens ', '')} ÷ best ${t2 ? 'peer' : 't1 peer'}`] = ratio(ours(engine), t2 ? anyPeer : t1Peer);
  }
  return out;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
