// ONNX backend conformance (../shared/conformance/onnx, see its README): every 2-D case and every
// 1-D case (run as a height-1 2-D view) through the engine's public API, at ONNX's tolerance.
// 3-D cases are outside a 2-D engine; the test named "3-D cases skipped" lists each by name.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  avgPool2d,
  conv2d,
  convTranspose2d,
  globalAvgPool2d,
  globalMaxPool2d,
  lpPool2d,
  maxPool2d,
  tensor,
  type Tensor,
} from '../../src/engine';
import { assertTensorClose, readJson, type EncodedTensor } from './fixtureData';

const onnxDir = ['..', 'shared', 'conformance', 'onnx'];
const tolerance = { rtol: 1e-3, atol: 1e-7 };

interface OnnxTensor extends EncodedTensor {
  name: string;
  dims: number[];
  dtype: string;
}

interface OnnxCase {
  name: string;
  op: 'Conv' | 'ConvTranspose' | 'MaxPool' | 'AveragePool' | 'LpPool' | 'GlobalAveragePool' | 'GlobalMaxPool';
  attributes: Record<string, number | number[] | string>;
  spatialDims: number;
  inputs: OnnxTensor[];
  outputs: OnnxTensor[];
}

interface IndexEntry {
  name: string;
  file: string;
  spatialDims: number;
}

/** Attributes of one case, always as 2-D pairs (a 1-D case becomes height 1). */
class Attributes {
  constructor(
    private readonly raw: OnnxCase['attributes'],
    private readonly oneD: boolean,
  ) {}

  /** A per-axis attribute as [height, width]; `fill` for a 1-D case's height and for absent attributes. */
  pair(name: string, fallback: number, heightForOneD = fallback): [number, number] {
    const v = this.raw[name] as number[] | undefined;
    if (!v) return [this.oneD ? heightForOneD : fallback, fallback];
    return this.oneD ? [heightForOneD, v[0]] : [v[0], v[1]];
  }

  /** ONNX pads `[x1_begin, x2_begin, x1_end, x2_end]` as the engine's `[top, bottom, left, right]`. */
  pads(): [number, number, number, number] {
    const v = this.raw.pads as number[] | undefined;
    if (!v) return [0, 0, 0, 0];
    return this.oneD ? [0, 0, v[0], v[1]] : [v[0], v[2], v[1], v[3]];
  }

  int(name: string, fallback: number): number {
    return (this.raw[name] as number | undefined) ?? fallback;
  }

  autoPad(): string {
    return (this.raw.auto_pad as string | undefined) ?? 'NOTSET';
  }
}

/** Python-style floor division, which ONNX's pad split needs for negative totals. */
const floorDiv = (a: number, b: number): number => Math.floor(a / b);

/** SAME_UPPER / SAME_LOWER pads for a sliding window: out = ceil(in / s), the odd pixel at the end (upper) or start (lower). */
function samePads(size: number, stride: number, extent: number, mode: string): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + extent - size);
  const begin = mode === 'SAME_UPPER' ? floorDiv(total, 2) : total - floorDiv(total, 2);
  return [begin, total - begin];
}

/** The engine's padding for a sliding-window op: explicit pads, VALID, or SAME_* resolved per axis. */
function windowPadding(a: Attributes, x: Tensor, kernel: [number, number], stride: [number, number], dilation: [number, number]): [number, number, number, number] {
  const mode = a.autoPad();
  if (mode === 'VALID') return [0, 0, 0, 0];
  if (mode === 'NOTSET') return a.pads();
  const [h, w] = x.shape.slice(2);
  const [top, bottom] = samePads(h, stride[0], dilation[0] * (kernel[0] - 1) + 1, mode);
  const [left, right] = samePads(w, stride[1], dilation[1] * (kernel[1] - 1) + 1, mode);
  return [top, bottom, left, right];
}

/** An ONNX tensor as float32; a 1-D case's `[N, C, L]` (or weight `[M, C, k]`) gains a height of 1. */
function toTensor(t: OnnxTensor, oneD: boolean): Tensor {
  const dims = oneD ? [...t.dims.slice(0, 2), 1, t.dims[2]] : t.dims;
  return tensor(dims, t.data.map(Number), 'float32');
}

/**
 * ConvTranspose pads: explicit, or derived from output_shape / SAME_* (ONNX splits the total with
 * floor division, so a total of −1 grows the end). A negative end pad is extra output at the end,
 * which is what output_padding adds.
 */
function transposePadding(a: Attributes, x: Tensor, w: Tensor): { padding: [number, number, number, number]; outputPadding: [number, number] } {
  const stride = a.pair('strides', 1);
  const dilation = a.pair('dilations', 1);
  const outputPadding = a.pair('output_padding', 0);
  const kernel = [w.shape[2], w.shape[3]];
  const outputShape = a.pair('output_shape', -1, 1);
  const mode = a.autoPad();
  if (outputShape[1] < 0 && !mode.startsWith('SAME')) return { padding: a.pads(), outputPadding };
  const axis = (i: number): [number, number, number] => {
    const size = x.shape[2 + i];
    const target = outputShape[1] >= 0 ? outputShape[i] : size * stride[i];
    const total = stride[i] * (size - 1) + outputPadding[i] + (dilation[i] * (kernel[i] - 1) + 1) - target;
    const end = mode === 'SAME_UPPER' ? total - floorDiv(total, 2) : floorDiv(total, 2);
    const begin = total - end;
    assert.ok(begin >= 0, `begin pad ${begin} cannot be expressed`);
    return end < 0 ? [begin, 0, outputPadding[i] - end] : [begin, end, outputPadding[i]];
  };
  const [top, bottom, extraH] = axis(0);
  const [left, right, extraW] = axis(1);
  return { padding: [top, bottom, left, right], outputPadding: [extraH, extraW] };
}

/** Runs one case; returns the outputs in ONNX's order (Y, and MaxPool's Indices when asked for). */
function runCase(c: OnnxCase): Tensor[] {
  const oneD = c.spatialDims === 1;
  const a = new Attributes(c.attributes, oneD);
  const x = toTensor(c.inputs[0], oneD);
  const stride = a.pair('strides', 1);
  const dilation = a.pair('dilations', 1);
  switch (c.op) {
    case 'Conv': {
      const w = toTensor(c.inputs[1], oneD);
      const b = c.inputs[2] ? tensor(c.inputs[2].dims, c.inputs[2].data.map(Number), 'float32') : null;
      const padding = windowPadding(a, x, [w.shape[2], w.shape[3]], stride, dilation);
      return [conv2d(x, w, b, { stride, dilation, padding, groups: a.int('group', 1) })];
    }
    case 'ConvTranspose': {
      const w = toTensor(c.inputs[1], oneD);
      const b = c.inputs[2] ? tensor(c.inputs[2].dims, c.inputs[2].data.map(Number), 'float32') : null;
      const { padding, outputPadding } = transposePadding(a, x, w);
      return [convTranspose2d(x, w, b, { stride, dilation, padding, outputPadding, groups: a.int('group', 1) })];
    }
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool': {
      const kernelSize = a.pair('kernel_shape', 1, 1);
      const padding = windowPadding(a, x, kernelSize, stride, dilation);
      const common = { kernelSize, stride, padding, dilation, ceilMode: a.int('ceil_mode', 0) === 1, rules: 'onnx' as const };
      if (c.op === 'AveragePool') return [avgPool2d(x, { ...common, countIncludePad: a.int('count_include_pad', 0) === 1 })];
      if (c.op === 'LpPool') return [lpPool2d(x, { ...common, normType: a.int('p', 2) })];
      const { output, indices } = maxPool2d(x, { ...common, returnIndices: c.outputs.length > 1 });
      return indices ? [output, onnxIndices(indices, x.shape[2], x.shape[3], a.int('storage_order', 0))] : [output];
    }
    case 'GlobalAveragePool':
      return [globalAvgPool2d(x)];
    case 'GlobalMaxPool':
      return [globalMaxPool2d(x)];
  }
}

/**
 * PyTorch's per-plane index `h·W + w` as ONNX's index into the whole input: the plane's offset
 * `(n·C + c)·H·W` plus `h·W + w` (storage_order 0, row-major) or `h + w·H` (1, column-major).
 */
function onnxIndices(indices: Tensor, inputHeight: number, inputWidth: number, storageOrder: number): Tensor {
  const [, , oh, ow] = indices.shape;
  const data = indices.data.map((v, p) => {
    const plane = Math.floor(p / (oh * ow));
    const h = Math.floor(v / inputWidth);
    const w = v % inputWidth;
    return plane * inputHeight * inputWidth + (storageOrder === 1 ? h + w * inputHeight : v);
  });
  return { shape: indices.shape, dtype: indices.dtype, data };
}

/** A 1-D case's 2-D result back in ONNX's `[N, C, L]`. */
function dropHeight(t: Tensor): Tensor {
  return { ...t, shape: [t.shape[0], t.shape[1], t.shape[3]] };
}

describe('conformance: ONNX backend cases (../shared/conformance/onnx)', () => {
  const indexPath = join(process.cwd(), ...onnxDir, 'index.json');
  it('the ONNX suite is beside the repository', () => {
    assert.ok(existsSync(indexPath), `missing ${indexPath}`);
  });
  if (!existsSync(indexPath)) return;
  const index = readJson<{ cases2d: IndexEntry[]; casesOtherSpatialDims: IndexEntry[] }>(...onnxDir, 'index.json');
  const runnable = [...index.cases2d, ...index.casesOtherSpatialDims.filter((e) => e.spatialDims === 1)];
  const skipped = index.casesOtherSpatialDims.filter((e) => e.spatialDims !== 1);

  it('has the 68 2-D cases the README counts', () => assert.equal(index.cases2d.length, 68));

  for (const entry of runnable) {
    it(`${entry.spatialDims}-D ${entry.name}`, () => {
      const c = readJson<OnnxCase>(...onnxDir, entry.file);
      let outputs = runCase(c);
      if (c.spatialDims === 1) outputs = outputs.map(dropHeight);
      assert.equal(outputs.length, c.outputs.length, 'number of outputs');
      c.outputs.forEach((want, i) => {
        const exact = want.dtype === 'int64';
        assertTensorClose(outputs[i], { shape: want.dims, data: want.data }, exact ? { rtol: 0, atol: 0 } : tolerance, want.name);
      });
    });
  }

  it(`3-D cases skipped (${skipped.length}), a 2-D engine has no depth axis: ${skipped.map((e) => e.name).join(', ')}`, () => {
    assert.ok(skipped.every((e) => e.spatialDims === 3));
    console.log(`      skipped 3-D ONNX cases (${skipped.length}): ${skipped.map((e) => e.name).join(', ')}`);
  });
});
