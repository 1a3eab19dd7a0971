/**
 * Dense tensors: a shape and a flat row-major typed array, as PyTorch lays out a contiguous tensor.
 * float64 is the default (exact on the integer examples users type); float32 is what layers run in.
 */

export type DType = 'float64' | 'float32';

export type TypedData = Float64Array | Float32Array;

export interface Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Row-major (C order) values; length is the product of `shape`. */
  readonly data: TypedData;
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function allocate(dtype: DType, length: number): TypedData {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** A tensor over `values` (copied into the dtype's array). Throws if the length does not fit the shape. */
export function tensor(shape: readonly number[], values: ArrayLike<number>, dtype: DType = 'float64'): Tensor {
  const n = numel(shape);
  if (values.length !== n) {
    throw new RangeError(`tensor: shape [${shape.join(', ')}] holds ${n} elements but ${values.length} values were given`);
  }
  const data = allocate(dtype, n);
  data.set(values);
  return { shape: [...shape], dtype, data };
}

export function zeros(shape: readonly number[], dtype: DType = 'float64'): Tensor {
  return { shape: [...shape], dtype, data: allocate(dtype, numel(shape)) };
}

/** The same values seen with another shape of equal element count (no copy). */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  if (numel(shape) !== t.data.length) {
    throw new RangeError(`reshape: cannot view [${t.shape.join(', ')}] as [${shape.join(', ')}]`);
  }
  return { shape: [...shape], dtype: t.dtype, data: t.data };
}

/** A copy in another dtype (float32 rounding happens here). */
export function cast(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  return tensor(t.shape, t.data, dtype);
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Nested JavaScript arrays, for JSON output and tests. */
export function toNested(t: Tensor): unknown {
  const strides = stridesOf(t.shape);
  const build = (dim: number, offset: number): unknown => {
    if (dim === t.shape.length) return t.data[offset];
    const out: unknown[] = [];
    for (let i = 0; i < t.shape[dim]; i++) out.push(build(dim + 1, offset + i * strides[dim]));
    return out;
  };
  return build(0, 0);
}
