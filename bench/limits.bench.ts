/**
 * What this machine allows, measured in the same run as the workloads, so that a shortfall can be
 * read against it rather than against another machine's figures: the GEMM tile alone, on data in
 * L1, is the most any dense conv path here can reach per thread (separate multiplies and adds
 * here; index.ts adds the same with relaxed SIMD's fused multiply-add, from a child process). The other limit, the page faults of
 * a fresh output, is counted per call with each workload (timing.ts).
 */
import { simdKernels, hasRelaxedSimd } from '../src/engine/fast';
import { measure } from './timing';
import type { Row } from './report';

const SUITE = 'limits';

/** C[16×32] += A·B with kc = 128: A 8 KiB, B 16 KiB, C 2 KiB, all in L1 (16 calls of the 4×8 tile). */
export async function tileCeiling(label: string): Promise<Row[]> {
  const kern = simdKernels();
  if (!kern) return [];
  const kc = 128, mt = 4, nt = 4;
  const a = 64, b = a + 16 * kc * mt, c = b + 32 * kc * nt, bias = c + 4 * 32 * 4 * mt;
  kern.reserve(bias + 64);
  const f32 = kern.f32;
  for (let i = a >>> 2; i < (bias >>> 2) + 16; i++) f32[i] = ((i * 7919) % 13) / 13 - 0.5;
  const flop = 2 * (4 * mt) * (8 * nt) * kc;
  const t = await measure(() => kern.gemm(a, b, kc, mt, nt, c, 4 * 32, bias, 0), { minMs: 300 });
  return [{ suite: SUITE, workload: 'GEMM 4×8 tile, data in L1', engine: label, ms: t.cpu, rate: flop / (t.cpu * 1e6), unit: 'GFLOP/s' }];
}

export async function run(): Promise<Row[]> {
  const rows = await tileCeiling(hasRelaxedSimd() ? 'FMA' : 'multiply + add');
  for (const r of rows) console.log(`  ${r.workload.padEnd(40)} ${r.engine.padEnd(16)} ${r.ms.toFixed(4)} ms CPU${r.rate ? `  ${r.rate.toFixed(1)} ${r.unit}` : ''}`);
  return rows;
}
