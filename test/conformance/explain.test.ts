// Explain against PyTorch: for every float64 conv and pool fixture (exact integers), each output
// element's breakdown must add up to PyTorch's value, the partial maps must sum to the output, and
// every input element a breakdown reads must lie in the element's receptive field.
import * as assert from 'node:assert/strict';
import {
  asNCHWTensor,
  convInfo,
  convTransposeInfo,
  explainElement,
  explainPoolElement,
  partialMaps,
  poolInfo,
  receptiveField,
  type ConvInfo,
  type Tensor,
} from '../../src/engine';
import { decodeTensor, decodeValue, readJson, type EncodedTensor, type OpCase } from './fixtureData';

const load = (file: string): OpCase[] => readJson<{ cases: OpCase[] }>('test', 'fixtures', 'torch', `${file}.json`).cases.filter((c) => c.dtype === 'float64');

/** The expected output as NCHW values (the fixtures store the engine's own layout). */
function expectedAt(info: ConvInfo, c: OpCase): (n: number, o: number, y: number, x: number) => number {
  const data = c.expected.data.map(decodeValue);
  return (n, o, y, x) => data[((n * info.outChannels + o) * info.outHeight + y) * info.outWidth + x];
}

const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) || a === b;

function forEachOutput(info: ConvInfo, visit: (n: number, o: number, y: number, x: number) => void): void {
  for (let n = 0; n < info.batch; n++) for (let o = 0; o < info.outChannels; o++) for (let y = 0; y < info.outHeight; y++) for (let x = 0; x < info.outWidth; x++) visit(n, o, y, x);
}

describe('conformance: explain adds up to PyTorch (float64 fixtures)', () => {
  for (const file of ['conv2d', 'conv_transpose2d']) {
    for (const c of load(file)) {
      it(c.name, () => {
        const x = decodeTensor(c.input, 'float64');
        const w = decodeTensor(c.weight as EncodedTensor, 'float64');
        const b: Tensor | null = c.bias ? decodeTensor(c.bias, 'float64') : null;
        const options = { ...c.options, hasBias: b !== null };
        const info = c.op === 'conv2d' ? convInfo(x.shape, w.shape, options) : convTransposeInfo(x.shape, w.shape, options);
        const want = expectedAt(info, c);
        const nchw = asNCHWTensor('test', x);
        forEachOutput(info, (n, o, y, xx) => {
          const e = explainElement(info, nchw, w, b, { n, o, y, x: xx });
          assert.ok(same(e.total, want(n, o, y, xx)), `total at (${n}, ${o}, ${y}, ${xx}): ${e.total} vs PyTorch ${want(n, o, y, xx)}`);
          const field = receptiveField(info, y, xx);
          for (const ch of e.channels) {
            for (const t of ch.terms) {
              const [, h, ww] = t.inputIndex;
              assert.ok(h >= field.top && h <= field.bottom && ww >= field.left && ww <= field.right, `term at ${t.inputIndex} outside the receptive field`);
            }
          }
        });
        // The partial maps of each output channel plus its bias are that channel.
        for (let n = 0; n < info.batch; n++) {
          for (let o = 0; o < info.outChannels; o++) {
            const maps = partialMaps(info, nchw, w, n, o);
            const plane = info.outHeight * info.outWidth;
            for (let p = 0; p < plane; p++) {
              let sum = b ? b.data[o] : 0;
              for (let cl = 0; cl < info.inChannelsPerGroup; cl++) sum += maps.data[cl * plane + p];
              const got = want(n, o, Math.floor(p / info.outWidth), p % info.outWidth);
              assert.ok(same(sum, got), `partial maps at (${n}, ${o}, ${p}): ${sum} vs ${got}`);
            }
          }
        }
      });
    }
  }
  for (const file of ['max_pool2d', 'avg_pool2d', 'lp_pool2d']) {
    for (const c of load(file)) {
      it(c.name, () => {
        const x = decodeTensor(c.input, 'float64');
        const info = poolInfo(c.op as 'max_pool2d', x.shape, c.options);
        const want = expectedAt(info, c);
        const indices = c.indices?.data.map(decodeValue);
        forEachOutput(info, (n, o, y, xx) => {
          const e = explainPoolElement(info, x, { n, o, y, x: xx });
          const expected = want(n, o, y, xx);
          const close = c.op === 'lp_pool2d' ? Math.abs(e.value - expected) <= 1e-13 * Math.abs(expected) : false;
          assert.ok(same(e.value, expected) || close, `value at (${n}, ${o}, ${y}, ${xx}): ${e.value} vs PyTorch ${expected}`);
          if (indices) {
            const at = ((n * info.outChannels + o) * info.outHeight + y) * info.outWidth + xx;
            assert.equal(e.flatIndex, indices[at], `index at (${n}, ${o}, ${y}, ${xx})`);
          }
          if (c.op === 'avg_pool2d' && c.options.divisorOverride == null && Number.isFinite(expected) && e.divisor) {
            assert.equal(e.divisor, e.taps.filter((t) => t.counted).length, 'counted taps are the divisor');
          }
        });
      });
    }
  }
});
