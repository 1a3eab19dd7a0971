/**
 * What the document scanner knows about an expression: a tensor (its shape, its dtype as PyTorch or
 * NumPy would name it, and its values when the text determines them), a number, a tuple, a layer,
 * a reference to a library name, or nothing.
 */
import { Tensor, DType, tensor as makeTensor } from '../engine/tensor';
import type { NestedLiteral } from './literal';
import type { LayerSpec } from './layers';

export interface TensorValue {
  readonly kind: 'tensor';
  readonly shape: readonly number[];
  /** As the library names it: `torch.float32`, `torch.int64`, `float64` (NumPy) … */
  readonly dtype: string;
  /** The values, when the text determines them. */
  readonly data?: Tensor;
  /** The parsed literal this tensor came from (element offsets). */
  readonly literal?: NestedLiteral;
}

export interface NumberValue {
  readonly kind: 'number';
  readonly value: number;
  readonly isInt: boolean;
}

export interface SeqValue {
  readonly kind: 'seq';
  readonly items: readonly Value[];
  /** `tuple`, `list`, or `size` (a `torch.Size`). */
  readonly form: 'tuple' | 'list' | 'size';
}

/** A numeric nested list written out (`[[1, 2], [3, 4]]`): kept whole rather than as one Value per element. */
export interface ArrayValue {
  readonly kind: 'array';
  readonly literal: NestedLiteral;
  readonly form: 'tuple' | 'list';
}

export interface LayerValue {
  readonly kind: 'layer';
  readonly layer: LayerSpec;
  /** The item that reports the layer (so later applications can add their input and output). */
  readonly itemIndex: number;
}

/** A library name not bound in the document: `torch.tensor`, `F.conv2d`, `corr2d_multi_in`. */
export interface RefValue {
  readonly kind: 'ref';
  readonly path: string;
}

/** A method looked up on a tensor (`X.reshape`), waiting for its call. */
export interface MethodValue {
  readonly kind: 'method';
  readonly self: Value;
  readonly name: string;
}

export interface StringValue {
  readonly kind: 'string';
  readonly value: string;
}

export type Value =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'none' }
  | TensorValue
  | NumberValue
  | SeqValue
  | ArrayValue
  | LayerValue
  | RefValue
  | MethodValue
  | StringValue;

export const UNKNOWN: Value = { kind: 'unknown' };
export const NONE: Value = { kind: 'none' };

/** Values are materialized only up to this many elements (shapes beyond it are still exact). */
const VALUE_CAP = 1_000_000;

const ELEMENT_BYTES: Record<string, number> = {
  bool: 1, uint8: 1, int8: 1, quint8: 1, qint8: 1,
  float16: 2, half: 2, bfloat16: 2, int16: 2, short: 2,
  float32: 4, float: 4, int32: 4, int: 4,
  float64: 8, double: 8, int64: 8, long: 8, complex64: 8,
  complex128: 16, cdouble: 16,
};

const PREFIXES = ['torch.', 'numpy.', 'np.', 'tf.', 'jnp.'];

/** `torch.float32` → `float32` (labels come from a few dozen names: remembered, not re-sliced). */
const bases = new Map<string, string>();
function baseOf(dtype: string): string {
  let base = bases.get(dtype);
  if (base === undefined) {
    const prefix = PREFIXES.find((p) => dtype.startsWith(p));
    base = prefix ? dtype.slice(prefix.length) : dtype;
    if (bases.size < 1000) bases.set(dtype, base);
  }
  return base;
}

/** Bytes per element of a dtype label (`torch.float32` → 4); undefined when unknown. */
export function elementBytes(dtype: string): number | undefined {
  return ELEMENT_BYTES[baseOf(dtype)];
}

/** The engine dtype a tensor of this label computes in: float32 for 32-bit and narrower floats, else float64. */
export function engineDtype(dtype: string): DType {
  const base = baseOf(dtype);
  return base === 'float32' || base === 'float' || base === 'float16' || base === 'half' || base === 'bfloat16' ? 'float32' : 'float64';
}

const INTEGER_BASES = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'int', 'long', 'short']);

export function isIntegerDtype(dtype: string): boolean {
  return INTEGER_BASES.has(baseOf(dtype));
}

export function isBoolDtype(dtype: string): boolean {
  return dtype === 'bool' || dtype === 'torch.bool';
}

/**
 * Values; a number every element holds (`torch.ones`); or a function that makes them when first
 * asked for (most values are never looked at). A fill is a number, not a closure: a closure and its
 * context are two more objects that each kept result holds.
 */
export type Values = ArrayLike<number> | number | (() => ArrayLike<number> | undefined);

/** The engine tensor for `values` in `dtype`: integer dtypes truncate, bool maps to 0/1, float32 rounds (as PyTorch does). */
function build(shape: readonly number[], dtype: string, values: ArrayLike<number>): Tensor | undefined {
  if (values.length !== numel(shape)) return undefined;
  let v: ArrayLike<number> = values;
  if (isIntegerDtype(dtype) || isBoolDtype(dtype)) {
    const out = new Float64Array(values.length);
    const bool = isBoolDtype(dtype);
    for (let i = 0; i < values.length; i++) out[i] = bool ? (values[i] !== 0 ? 1 : 0) : Math.trunc(values[i]);
    v = out;
  }
  return makeTensor(shape, v, engineDtype(dtype));
}

/** A tensor whose engine tensor is built on first use of `data` (a scan that never looks at values never pays). */
class LazyTensorValue implements TensorValue {
  readonly kind = 'tensor' as const;
  private cached: Tensor | undefined | null = null;
  constructor(
    readonly shape: readonly number[],
    readonly dtype: string,
    private values: Values | undefined,
    readonly literal?: NestedLiteral,
  ) {}

  get data(): Tensor | undefined {
    if (this.cached === null) {
      const values = this.values;
      const v = typeof values === 'function' ? values() : typeof values === 'number' ? new Float64Array(numel(this.shape)).fill(values) : values;
      this.cached = v ? build(this.shape, this.dtype, v) : undefined;
      this.values = undefined;
    }
    return this.cached;
  }

  /** False when `data` is certainly undefined (nothing to make it from), without making it. */
  get knowable(): boolean {
    return this.cached === null ? this.values !== undefined : this.cached !== undefined;
  }
}

/**
 * A tensor value of `shape` and `dtype`; `values` (or a function making them) when known, up to
 * VALUE_CAP elements. The shape is kept, not copied: shapes are never modified once made, so values
 * share them (a name's value, a reshape's source, a layer's output); a copy per value was thousands
 * of small arrays for the garbage collector to move in every kept result.
 */
export function tensorValue(shape: readonly number[], dtype: string, values?: Values, literal?: NestedLiteral): TensorValue {
  const own = Array.isArray(shape) ? shape : Array.from(shape);
  return new LazyTensorValue(own, dtype, values !== undefined && numel(own) <= VALUE_CAP ? values : undefined, literal);
}

/** Whether `t`'s values may be known: a lazy value derived from a tensor with none has none, and needs no closure. */
export function knowable(t: TensorValue): boolean {
  return t instanceof LazyTensorValue ? t.knowable : t.data !== undefined;
}

/** `t`'s values, read when first asked for (a reshape, a cast); undefined when `t` has none. */
export function valuesOf(t: TensorValue): Values | undefined {
  // Its own function: a closure made inside a larger one keeps that one's captured variables too.
  return knowable(t) ? () => t.data?.data : undefined;
}

/**
 * The engine's `numel` with an indexed loop: the scan calls it thousands of times, and there the
 * engine's `for…of` allocated an iterator result per dimension.
 */
export function numel(shape: ArrayLike<number>): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** The integers of a shape-like value (`(2, 3)`, `[2, 3]`, `torch.Size([2, 3])`, `X.shape`); undefined when not one. */
export function intTuple(v: Value): number[] | undefined {
  if (v.kind === 'seq') {
    const items = v.items;
    const out: number[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item.kind !== 'number' || !item.isInt) return undefined;
      out[i] = item.value;
    }
    return out;
  }
  if (v.kind === 'array') {
    const lit = v.literal;
    if (lit.shape.length !== 1 || lit.elementKind === 'float' || lit.values.length > 64) return undefined;
    // An indexed copy: Array.from walks a typed array through its iterator.
    const out: number[] = new Array(lit.values.length);
    for (let i = 0; i < out.length; i++) out[i] = lit.values[i];
    return out;
  }
  return undefined;
}

/** An int, or undefined. */
export function intOf(v: Value | undefined): number | undefined {
  return v && v.kind === 'number' && v.isInt ? v.value : undefined;
}

export function seqOfInts(values: readonly number[], form: SeqValue['form'] = 'tuple'): SeqValue {
  const items: NumberValue[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) items[i] = intValue(values[i]);
  return { kind: 'seq', items, form };
}

/** Small non-negative integers' values, shared (values are never modified): sizes, strides, dims. */
const SMALL_INTS: NumberValue[] = Array.from({ length: 1024 }, (_, value) => ({ kind: 'number', value, isInt: true }));

/** An integer's value (`isInt`); shared for 0…1023. */
export function intValue(value: number): NumberValue {
  return value >= 0 && value < 1024 && (value | 0) === value && !Object.is(value, -0) ? SMALL_INTS[value] : { kind: 'number', value, isInt: true };
}

/** A literal's tensor (for `torch.tensor(x)` where x is a bound list). */
export function literalTensor(lit: NestedLiteral, dtype: string): TensorValue {
  return tensorValue(lit.shape, dtype, lit.values, lit);
}
