// Reading fixture tensors (JSON, non-finite values as strings) and comparing results with a tolerance.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor, type DType, type Tensor } from '../../src/engine';

/** A tensor as the fixtures store it: row-major data, with "NaN" / "Infinity" / "-Infinity" as strings. */
export interface EncodedTensor {
  shape: number[];
  data: Array<number | string>;
}

/** One op case of test/fixtures/torch/*.json, as scripts/torch/make_fixtures.py writes it. */
export interface OpCase {
  name: string;
  op: string;
  dtype: DType;
  // The engine's own option names; each op reads its own.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  options: any;
  input: EncodedTensor;
  weight?: EncodedTensor;
  bias?: EncodedTensor;
  expected: EncodedTensor;
  indices?: EncodedTensor;
}

export function decodeValue(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`fixture: unexpected value ${v}`);
}

export function decodeTensor(e: EncodedTensor, dtype: DType): Tensor {
  return tensor(e.shape, e.data.map(decodeValue), dtype);
}

/** Reads a JSON file relative to the repository root (tests run from there). */
export function readJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(join(process.cwd(), ...parts), 'utf8')) as T;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * Checks shape and every value: NaN must meet NaN, infinities must match exactly, finite values
 * `|got − want| ≤ atol + rtol·|want|`; with both 0 the values must be identical, signed zeros included.
 */
export function assertTensorClose(got: Tensor, want: EncodedTensor, tol: Tolerance, label: string): void {
  assert.deepEqual([...got.shape], want.shape, `${label}: shape`);
  let worst = '';
  for (let i = 0; i < want.data.length; i++) {
    // float32 fixtures are written as the shortest decimals; read them back as float32.
    const w = got.dtype === 'float32' ? Math.fround(decodeValue(want.data[i])) : decodeValue(want.data[i]);
    const g = got.data[i];
    // Exact comparisons also tell −0 from 0: PyTorch prints them differently (`-0.` and `0.`).
    const exact = tol.atol === 0 && tol.rtol === 0;
    const ok = Number.isNaN(w) ? Number.isNaN(g) : exact || !Number.isFinite(w) ? Object.is(g, w) : Math.abs(g - w) <= tol.atol + tol.rtol * Math.abs(w);
    if (!ok) {
      const show = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));
      worst = `element ${i}: got ${show(g)}, PyTorch ${show(w)}`;
      break;
    }
  }
  assert.equal(worst, '', `${label}: ${worst}`);
}
