/**
 * Shape arithmetic the scanner does on tensors it knows, exactly as PyTorch would: broadcasting,
 * reshape with `-1`, unsqueeze / squeeze, stack / cat, matmul, transpose and permute, reductions,
 * indexing by ints and slices. Each returns undefined when PyTorch would raise (the scanner then
 * knows nothing rather than something wrong). Values are carried along where that is cheap.
 */
import { stridesOf, tensor as makeTensor, type Tensor } from '../engine/tensor';
import { numel } from './values';

/** The shape of a scalar (shared: shapes are never modified). */
export const SCALAR_SHAPE: readonly number[] = [];

/** Whether `small` broadcasts into `big` leaving it as it is (each of its dimensions 1 or the same). */
function fitsInto(small: readonly number[], big: readonly number[]): boolean {
  const offset = big.length - small.length;
  if (offset < 0) return false;
  for (let i = 0; i < small.length; i++) if (small[i] !== 1 && small[i] !== big[i + offset]) return false;
  return true;
}

/**
 * Broadcast shape of two shapes (NumPy rules), or undefined when they do not broadcast. Usually
 * one operand's shape itself (`X + 1`, `X * mask`): shapes are shared, so no new array is made.
 */
export function broadcastShapes(a: readonly number[], b: readonly number[]): readonly number[] | undefined {
  if (fitsInto(b, a)) return a;
  if (fitsInto(a, b)) return b;
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  // Leading dimensions a shape lacks are 1 (indexed, not read at negative indices: those are
  // named-property lookups, slow in the scan's hot path).
  const da = a.length - n;
  const db = b.length - n;
  for (let i = 0; i < n; i++) {
    const x = i + da >= 0 ? (a[i + da] ?? 1) : 1;
    const y = i + db >= 0 ? (b[i + db] ?? 1) : 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/** Element-wise `f(a, b)` with broadcasting over known values. */
export function broadcastValues(a: Tensor, b: Tensor, shape: readonly number[], f: (x: number, y: number) => number, dtype: Tensor['dtype']): Tensor {
  const n = numel(shape);
  const out = new Float64Array(n);
  const rank = shape.length;
  const stridesFor = (t: Tensor): number[] => {
    const own = stridesOf(t.shape);
    const s = new Array<number>(rank).fill(0);
    for (let i = 0; i < t.shape.length; i++) {
      const d = rank - t.shape.length + i;
      s[d] = t.shape[i] === 1 ? 0 : own[i];
    }
    return s;
  };
  const sa = stridesFor(a);
  const sb = stridesFor(b);
  const idx = new Array<number>(rank).fill(0);
  let oa = 0;
  let ob = 0;
  for (let k = 0; k < n; k++) {
    out[k] = f(a.data[oa], b.data[ob]);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      oa += sa[d];
      ob += sb[d];
      if (idx[d] < shape[d]) break;
      oa -= sa[d] * idx[d];
      ob -= sb[d] * idx[d];
      idx[d] = 0;
    }
  }
  return makeTensor(shape, out, dtype);
}

/** `reshape` / `view` target with one `-1` inferred; undefined when the sizes do not fit. */
export function reshapeTarget(from: readonly number[], to: readonly number[]): number[] | undefined {
  const total = numel(from);
  let known = 1;
  let infer = -1;
  for (let i = 0; i < to.length; i++) {
    if (to[i] === -1) {
      if (infer >= 0) return undefined;
      infer = i;
    } else if (to[i] < 0 || !Number.isInteger(to[i])) {
      return undefined;
    } else {
      known *= to[i];
    }
  }
  const out = [...to];
  if (infer >= 0) {
    if (known === 0 || total % known !== 0) return undefined;
    out[infer] = total / known;
  } else if (known !== total) {
    return undefined;
  }
  return out;
}

/** A dim argument wrapped as PyTorch does (`-1` is the last); undefined when out of range. */
function wrapDim(dim: number, rank: number): number | undefined {
  const d = dim < 0 ? dim + rank : dim;
  return Number.isInteger(d) && d >= 0 && d < rank ? d : undefined;
}

export function unsqueezeShape(shape: readonly number[], dim: number): number[] | undefined {
  const d = wrapDim(dim, shape.length + 1);
  if (d === undefined) return undefined;
  return withAxis(shape, d, 1);
}

export function squeezeShape(shape: readonly number[], dim?: number): number[] | undefined {
  if (dim === undefined) return shape.filter((s) => s !== 1);
  if (shape.length === 0) return dim === 0 || dim === -1 ? [] : undefined;
  const d = wrapDim(dim, shape.length);
  if (d === undefined) return undefined;
  return shape[d] === 1 ? shape.filter((_, i) => i !== d) : [...shape];
}

/** `torch.stack(seq, dim)`: all shapes equal; a new axis of length `seq.length` at `dim`. */
export function stackShape(shapes: readonly (readonly number[])[], dim: number): number[] | undefined {
  if (shapes.length === 0) return undefined;
  const first = shapes[0];
  if (shapes.some((s) => s.length !== first.length || s.some((v, i) => v !== first[i]))) return undefined;
  const d = wrapDim(dim, first.length + 1);
  if (d === undefined) return undefined;
  return withAxis(first, d, shapes.length);
}

/** `shape` with a new axis of `size` at `d`, as one exact-size array (a splice made a second array, the removed elements). */
function withAxis(shape: readonly number[], d: number, size: number): number[] {
  const out: number[] = new Array(shape.length + 1);
  for (let i = 0; i < d; i++) out[i] = shape[i];
  out[d] = size;
  for (let i = d; i < shape.length; i++) out[i + 1] = shape[i];
  return out;
}

/** Values of `torch.stack` when every part's values are known. */
export function stackValues(parts: readonly Tensor[], shape: readonly number[], dim: number): Float64Array {
  // Stacking at `dim` interleaves blocks of size prod(shape[dim+1:]).
  const inner = numel(shape.slice(dim + 1));
  const outer = numel(shape.slice(0, dim));
  const out = new Float64Array(numel(shape));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const src = p.data.subarray(o * inner, (o + 1) * inner);
      out.set(src, k);
      k += inner;
    }
  }
  return out;
}

/** `torch.cat(seq, dim)`: equal shapes except at `dim`, where the sizes add. */
export function catShape(shapes: readonly (readonly number[])[], dim: number): number[] | undefined {
  if (shapes.length === 0) return undefined;
  const first = shapes[0];
  const d = wrapDim(dim, first.length);
  if (d === undefined) return undefined;
  let total = 0;
  for (const s of shapes) {
    if (s.length !== first.length) return undefined;
    for (let i = 0; i < s.length; i++) if (i !== d && s[i] !== first[i]) return undefined;
    total += s[d];
  }
  const out = [...first];
  out[d] = total;
  return out;
}

/** `torch.matmul` shapes (1-D, 2-D and batched). */
export function matmulShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  if (a.length === 1 && b.length === 1) return a[0] === b[0] ? [] : undefined;
  if (a.length === 1) {
    const r = matmulShape([1, a[0]], b);
    return r && [...r.slice(0, -2), r[r.length - 1]];
  }
  if (b.length === 1) {
    const r = matmulShape(a, [b[0], 1]);
    return r && r.slice(0, -1);
  }
  const [m, k1] = a.slice(-2);
  const [k2, n] = b.slice(-2);
  if (k1 !== k2) return undefined;
  const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
  return batch && [...batch, m, n];
}

export function transposeShape(shape: readonly number[], d0: number, d1: number): number[] | undefined {
  const a = wrapDim(d0, shape.length);
  const b = wrapDim(d1, shape.length);
  if (a === undefined || b === undefined) return undefined;
  const out = [...shape];
  [out[a], out[b]] = [out[b], out[a]];
  return out;
}

export function permuteShape(shape: readonly number[], dims: readonly number[]): number[] | undefined {
  if (dims.length !== shape.length) return undefined;
  const seen = new Set<number>();
  const out: number[] = [];
  for (const d of dims) {
    const w = wrapDim(d, shape.length);
    if (w === undefined || seen.has(w)) return undefined;
    seen.add(w);
    out.push(shape[w]);
  }
  return out;
}

/** Reduction over `dim` (all dims when undefined). */
export function reduceShape(shape: readonly number[], dim: number | undefined, keepdim: boolean): number[] | undefined {
  if (dim === undefined) return keepdim ? shape.map(() => 1) : [];
  const d = wrapDim(dim, shape.length);
  if (d === undefined) return undefined;
  return keepdim ? shape.map((s, i) => (i === d ? 1 : s)) : shape.filter((_, i) => i !== d);
}

export function flattenShape(shape: readonly number[], start = 0, end = -1): number[] | undefined {
  if (shape.length === 0) return [1];
  const s = wrapDim(start, shape.length);
  const e = wrapDim(end, shape.length);
  if (s === undefined || e === undefined || s > e) return undefined;
  return [...shape.slice(0, s), numel(shape.slice(s, e + 1)), ...shape.slice(e + 1)];
}

/** One component of an index expression: an int, a slice, `None` (new axis) or `...`. */
export type IndexPart = { kind: 'int'; value: number } | { kind: 'slice'; start?: number; stop?: number; step?: number } | { kind: 'newaxis' } | { kind: 'ellipsis' };

/** Length of `range(size)[start:stop:step]`, Python's rules. */
function sliceLength(size: number, start: number | undefined, stop: number | undefined, step = 1): number | undefined {
  if (step === 0 || !Number.isInteger(step)) return undefined;
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  if (step > 0) {
    const s = start === undefined ? 0 : clamp(start < 0 ? start + size : start, 0, size);
    const e = stop === undefined ? size : clamp(stop < 0 ? stop + size : stop, 0, size);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  const s = start === undefined ? size - 1 : clamp(start < 0 ? start + size : start, -1, size - 1);
  const e = stop === undefined ? -1 : clamp(stop < 0 ? stop + size : stop, -1, size - 1);
  return Math.max(0, Math.ceil((s - e) / -step));
}

/** Shape of `x[parts]` (basic indexing), or undefined. */
export function indexShape(shape: readonly number[], parts: readonly IndexPart[]): number[] | undefined {
  const consuming = parts.filter((p) => p.kind === 'int' || p.kind === 'slice').length;
  const ellipses = parts.filter((p) => p.kind === 'ellipsis').length;
  if (ellipses > 1 || consuming > shape.length) return undefined;
  const out: number[] = [];
  let d = 0;
  for (const p of parts) {
    if (p.kind === 'newaxis') out.push(1);
    else if (p.kind === 'ellipsis') {
      const skip = shape.length - consuming;
      for (let i = 0; i < skip; i++) out.push(shape[d++]);
    } else if (p.kind === 'int') {
      if (p.value < -shape[d] || p.value >= shape[d]) return undefined;
      d++;
    } else {
      const len = sliceLength(shape[d], p.start, p.stop, p.step);
      if (len === undefined) return undefined;
      out.push(len);
      d++;
    }
  }
  while (d < shape.length) out.push(shape[d++]);
  return out;
}
