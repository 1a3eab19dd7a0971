/**
 * What the scanner knows about library calls: which ones make a tensor from data (`torch.tensor`,
 * `np.array`, printed `tensor(…)`), which make one from a shape (`torch.ones(1, 1, 8, 8)`), which are
 * conv or pooling layers, and what methods and operators do to shapes. Pure functions over Values.
 */
import type { Tensor } from '../engine/tensor';
import { EngineError } from '../engine/errors';
import {
  type Value, type Values, type RefValue, type TensorValue, type SeqValue, type NumberValue, UNKNOWN, NONE,
  tensorValue, intTuple, intOf, seqOfInts, literalTensor, isBoolDtype, isIntegerDtype, engineDtype, numel, knowable, valuesOf,
} from './values';
import type { NestedLiteral } from './literal';
import {
  broadcastShapes, broadcastValues, reshapeTarget, unsqueezeShape, squeezeShape, stackShape, stackValues, catShape,
  matmulShape, transposeShape, permuteShape, reduceShape, flattenShape, SCALAR_SHAPE,
} from './shapes';
import { type LayerSpec, type LayerReport, type LayerOp, moduleWeights, resolveInfo, quickConvSize } from './layers';
import { LazyConvReport, withOnes } from './lazyConvReport';
import type { Padding2d } from '../engine/convInfo';

/** A call's argument: its value (a value itself, not an object around it: a call makes one per argument). */
export type Arg = Value;

export interface Args {
  readonly positional: readonly Arg[];
  readonly keywords: ReadonlyMap<string, Arg>;
  /** `*args` or `**kwargs` appeared: the call's arguments are not all known. */
  readonly starred: boolean;
}

export type ItemKind = 'literal' | 'constructor' | 'printed' | 'layer' | 'name';

/** What a call contributes to the document's items (the scanner adds the range and name). */
export interface CallItem {
  readonly kind: ItemKind;
  /** The form as written: `torch.tensor`, `tensor(…)`, `torch.ones`, `nn.Conv2d` … */
  readonly form: string;
  readonly layer?: LayerReport;
  readonly error?: string;
}

export interface CallOutcome {
  readonly value: Value;
  readonly item?: CallItem;
}

const ALIASES: Record<string, string> = {
  F: 'torch.nn.functional',
  nn: 'torch.nn',
  np: 'numpy',
  jnp: 'jax.numpy',
  tf: 'tensorflow',
};

/** `F.conv2d` → `torch.nn.functional.conv2d`; `np.array` → `numpy.array`. */
export function canonical(path: string): string {
  return memo(CANONICAL, path, unaliased);
}

function unaliased(path: string): string {
  const dot = path.indexOf('.');
  const head = dot < 0 ? path : path.slice(0, dot);
  const mapped = ALIASES[head];
  return mapped ? mapped + (dot < 0 ? '' : path.slice(dot)) : path;
}

/**
 * Memo tables for what the scanner asks about library names over and over (`torch.tensor` on every
 * line): without them each call built its path and canonical name as fresh strings, and hashed them
 * again for every table lookup. Emptied when full, so odd documents cannot grow them without bound.
 */
const MEMO_LIMIT = 4096;
/**
 * Longer paths are not looked up: hashing one reads all of it, and a chain like `a.a.a.a…` would
 * make that quadratic (the path itself is built as a rope, never read).
 */
const MEMO_KEY_LENGTH = 64;
const CANONICAL = new Map<string, string>();
const REFS = new Map<string, RefValue>();
const MEMBERS = new Map<string, Map<string, RefValue>>();
let memberCount = 0;

function remember<V>(table: Map<string, V>, key: string, value: V): void {
  if (table.size >= MEMO_LIMIT) table.clear();
  table.set(key, value);
}

/**
 * `make(key)`, remembered in `table` when the key is short enough. `make` is a module function, not
 * a closure: a closure would be one more object per call on the scanner's hot path.
 */
function memo<V>(table: Map<string, V>, key: string, make: (key: string) => V): V {
  if (key.length > MEMO_KEY_LENGTH) return make(key);
  let v = table.get(key);
  if (v === undefined) {
    v = make(key);
    remember(table, key, v);
  }
  return v;
}

/** The reference value for a library name (shared: values are never modified). */
export function refValue(path: string): RefValue {
  return memo(REFS, path, newRef);
}

function newRef(path: string): RefValue {
  return { kind: 'ref', path };
}

/** `path.name` as a reference value (shared, like refValue's). */
function memberRef(path: string, name: string): RefValue {
  if (path.length + name.length >= MEMO_KEY_LENGTH) return { kind: 'ref', path: `${path}.${name}` };
  let byName = MEMBERS.get(path);
  if (byName === undefined) {
    byName = new Map();
    remember(MEMBERS, path, byName);
  }
  let r = byName.get(name);
  if (r === undefined) {
    r = { kind: 'ref', path: `${path}.${name}` };
    // One bound for all the inner tables together.
    if (++memberCount > MEMO_LIMIT) {
      MEMBERS.clear();
      memberCount = 1;
      MEMBERS.set(path, byName = new Map());
    }
    byName.set(name, r);
  }
  return r;
}

/** Calls that build a tensor from data, with the dtype each gives to bool / int / float elements. */
const DATA_CALLS: Record<string, { bool: string; int: string; float: string; fixed?: string; printed?: boolean }> = {
  'torch.tensor': { bool: 'torch.bool', int: 'torch.int64', float: 'torch.float32' },
  'torch.as_tensor': { bool: 'torch.bool', int: 'torch.int64', float: 'torch.float32' },
  'torch.asarray': { bool: 'torch.bool', int: 'torch.int64', float: 'torch.float32' },
  'torch.Tensor': { bool: '', int: '', float: '', fixed: 'torch.float32' },
  'torch.FloatTensor': { bool: '', int: '', float: '', fixed: 'torch.float32' },
  'torch.DoubleTensor': { bool: '', int: '', float: '', fixed: 'torch.float64' },
  'torch.HalfTensor': { bool: '', int: '', float: '', fixed: 'torch.float16' },
  'torch.BFloat16Tensor': { bool: '', int: '', float: '', fixed: 'torch.bfloat16' },
  'torch.LongTensor': { bool: '', int: '', float: '', fixed: 'torch.int64' },
  'torch.IntTensor': { bool: '', int: '', float: '', fixed: 'torch.int32' },
  'torch.ShortTensor': { bool: '', int: '', float: '', fixed: 'torch.int16' },
  'torch.CharTensor': { bool: '', int: '', float: '', fixed: 'torch.int8' },
  'torch.ByteTensor': { bool: '', int: '', float: '', fixed: 'torch.uint8' },
  'torch.BoolTensor': { bool: '', int: '', float: '', fixed: 'torch.bool' },
  'numpy.array': { bool: 'bool', int: 'int64', float: 'float64' },
  'numpy.asarray': { bool: 'bool', int: 'int64', float: 'float64' },
  'jax.numpy.array': { bool: 'bool', int: 'int32', float: 'float32' },
  'jax.numpy.asarray': { bool: 'bool', int: 'int32', float: 'float32' },
  'tensorflow.constant': { bool: 'bool', int: 'int32', float: 'float32' },
  'tensorflow.convert_to_tensor': { bool: 'bool', int: 'int32', float: 'float32' },
  // PyTorch's and NumPy's printed forms.
  tensor: { bool: 'torch.bool', int: 'torch.int64', float: 'torch.float32', printed: true },
  array: { bool: 'bool', int: 'int64', float: 'float64', printed: true },
};

/** Is `path` (canonical) a call whose first argument is tensor data? */
export function isDataCall(path: string): boolean {
  return Object.prototype.hasOwnProperty.call(DATA_CALLS, path);
}

/** `torch.float32`, `np.float32`, `float`, `'float32'` → a dtype label in the family of `family` (torch or numpy). */
function dtypeLabel(v: Value | undefined, torchFamily: boolean): string | undefined {
  if (!v) return undefined;
  let base: string | undefined;
  if (v.kind === 'ref') {
    const path = canonical(v.path);
    const last = path.slice(path.lastIndexOf('.') + 1);
    if (path === 'float') base = 'float64';
    else if (path === 'int') base = 'int64';
    else if (path === 'bool') base = 'bool';
    else base = last;
  } else if (v.kind === 'string') {
    base = v.value;
  }
  if (!base) return undefined;
  const names: Record<string, string> = {
    float: torchFamily ? 'float32' : 'float64', float32: 'float32', float64: 'float64', double: 'float64', half: 'float16', float16: 'float16',
    bfloat16: 'bfloat16', int64: 'int64', long: 'int64', int32: 'int32', int: torchFamily ? 'int32' : 'int64', int16: 'int16', short: 'int16',
    int8: 'int8', uint8: 'uint8', bool: 'bool', bool_: 'bool', complex64: 'complex64', complex128: 'complex128', cfloat: 'complex64', cdouble: 'complex128',
  };
  const name = names[base];
  if (!name) return undefined;
  return torchFamily ? `torch.${name}` : name;
}

/** A tensor from a parsed literal and the call's keywords (`dtype=`). */
export function fromData(path: string, lit: NestedLiteral, keywords: ReadonlyMap<string, Arg>): CallOutcome {
  const spec = DATA_CALLS[path];
  const torchFamily = path.startsWith('torch') || path === 'tensor';
  const given = keywords.get('dtype');
  let dtype = given ? dtypeLabel(given, torchFamily) : undefined;
  let error: string | undefined;
  if (given && !dtype) error = `unknown dtype ${JSON.stringify(given.kind === 'ref' ? given.path : given.kind)}`;
  dtype ??= spec.fixed ?? spec[lit.elementKind];
  let shape = lit.shape;
  // PyTorch prints an empty tensor with its size: tensor([], size=(0, 3)).
  const size = keywords.get('size');
  const sizeShape = size && intTuple(size);
  if (spec.printed && sizeShape && lit.values.length === 0 && numel(sizeShape) === 0) shape = sizeShape;
  const value = shape === lit.shape ? literalTensor(lit, dtype) : tensorValue(shape, dtype, new Float64Array(0), lit);
  const kind = spec.printed || lit.spaceSeparated ? 'printed' : 'literal';
  return { value, item: error ? { kind, form: dataForm(path, spec.printed), error } : dataItem(path, kind, spec.printed) };
}

/** By path: DATA_CALLS has a fixed set of paths. */
const DATA_ITEMS = new Map<string, CallItem>();
const PRINTED_ITEMS = new Map<string, CallItem>();

/** The form a data call's item shows: the path, or `tensor(…)` for PyTorch's printed form. */
function dataForm(path: string, printed: boolean | undefined): string {
  return printed ? `${path}(…)` : path;
}

/** A data call's item when it has no error: one per path and kind, not one per call (calls' items are never modified). */
function dataItem(path: string, kind: 'printed' | 'literal', printed: boolean | undefined): CallItem {
  const items = kind === 'printed' ? PRINTED_ITEMS : DATA_ITEMS;
  let item = items.get(path);
  if (item === undefined) {
    item = { kind, form: dataForm(path, printed) };
    items.set(path, item);
  }
  return item;
}

/** `torch.tensor(x)` where x is a value rather than written-out data. */
export function fromValue(path: string, v: Value, keywords: ReadonlyMap<string, Arg>): CallOutcome {
  const spec = DATA_CALLS[path];
  if (v.kind === 'array') return fromData(path, v.literal, keywords);
  if (v.kind === 'number') {
    const lit: NestedLiteral = { shape: [], values: Float64Array.of(v.value), offsets: new Uint32Array(1), start: 0, end: 0, elementKind: v.isInt ? 'int' : 'float', spaceSeparated: false };
    return { value: fromData(path, lit, keywords).value };
  }
  if (v.kind === 'tensor') {
    const torchFamily = path.startsWith('torch') || path === 'tensor';
    const given = keywords.get('dtype');
    const dtype = (given && dtypeLabel(given, torchFamily)) ?? spec.fixed ?? retag(v.dtype, torchFamily);
    return { value: tensorValue(v.shape, dtype, valuesOf(v)) };
  }
  return { value: UNKNOWN };
}

/** The same dtype named in the other library's words (`torch.float32` ↔ `float32`). */
function retag(dtype: string, torchFamily: boolean): string {
  const base = dtype.replace(/^torch\./, '');
  return torchFamily ? `torch.${base}` : base;
}

/** `torch.Size([3, 2, 2, 2])` as printed. */
export function sizeFromData(lit: NestedLiteral): CallOutcome {
  if (lit.shape.length !== 1 || lit.elementKind === 'float') {
    return { value: UNKNOWN, item: { kind: 'printed', form: 'torch.Size', error: 'torch.Size holds a flat list of whole numbers' } };
  }
  return { value: seqOfInts(Array.from(lit.values), 'size'), item: { kind: 'printed', form: 'torch.Size' } };
}

// ---------------------------------------------------------------------------------------------
// Constructors from a shape.

/** The shape given to a constructor: `f(2, 3)`, `f((2, 3))`, `f([2, 3])`, `f(size=(2, 3))`, `f(X.shape)`. */
function shapeArgs(args: Args, from: number, keyword = 'size'): number[] | undefined {
  const kw = args.keywords.get(keyword) ?? args.keywords.get('shape');
  if (kw) return intTuple(kw) ?? (intOf(kw) !== undefined ? [intOf(kw) as number] : undefined);
  const positional = args.positional;
  const count = positional.length - from;
  if (count === 1) {
    const t = intTuple(positional[from]);
    if (t) return t;
  }
  if (count <= 0) return undefined;
  // Exact size, no slice of the arguments first: the tensor keeps this array as its shape.
  const out: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const n = intOf(positional[from + i]);
    if (n === undefined) return undefined;
    out[i] = n;
  }
  return out;
}

function numberArg(args: Args, index: number, keyword: string): NumberValue | undefined {
  const a = args.keywords.get(keyword) ?? args.positional[index];
  if (!a) return undefined;
  if (a.kind === 'number') return a;
  return undefined;
}

function validShape(shape: readonly number[] | undefined): shape is number[] {
  return !!shape && shape.every((d) => Number.isInteger(d) && d >= 0);
}

function filled(shape: readonly number[], dtype: string, fill: number): TensorValue {
  return tensorValue(shape, dtype, fill);
}

/** A constructor's name in its library (`ones`), and its items: made, or the shape not known. */
interface ConstructorNames {
  readonly name: string;
  readonly made: CallItem;
  readonly unknownShape: CallItem;
}

const CONSTRUCTORS = new Map<string, ConstructorNames>();

/**
 * Remembered by path: the name, the form (`torch.ones`, `np.zeros`) and the item each call reports
 * are made once, not sliced and built again for every call (each item keeps its form).
 */
function constructorNames(path: string): ConstructorNames {
  return memo(CONSTRUCTORS, path, newConstructorNames);
}

/** For a `torch.` or `numpy.` path (what `construct` passes). */
function newConstructorNames(path: string): ConstructorNames {
  const torch = path.startsWith('torch.');
  const name = path.slice(torch ? 'torch.'.length : 'numpy.'.length);
  const form = (torch ? 'torch.' : 'np.') + name;
  return { name, made: { kind: 'constructor', form }, unknownShape: { kind: 'constructor', form, error: 'the shape is not known' } };
}

/** A constructor's outcome: its tensor, or, when the shape is not known, the item saying so (a function, not a closure made per call). */
function constructed(names: ConstructorNames, value: TensorValue | undefined): CallOutcome {
  return value ? { value, item: names.made } : { value: UNKNOWN, item: names.unknownShape };
}

/** Constructors that take a shape; `undefined` when `path` is not one. */
export function construct(path: string, args: Args): CallOutcome | undefined {
  const torch = path.startsWith('torch.');
  if (!torch && !path.startsWith('numpy.')) return undefined;
  const names = constructorNames(path);
  const name = names.name;
  const given = args.keywords.get('dtype');
  const explicit = given ? dtypeLabel(given, torch) : undefined;
  const floatDtype = explicit ?? (torch ? 'torch.float32' : 'float64');
  switch (name) {
    case 'ones':
    case 'zeros':
    case 'empty': {
      const shape = shapeArgs(args, 0, torch ? 'size' : 'shape');
      if (!validShape(shape)) return constructed(names, undefined);
      return constructed(names, name === 'empty' ? tensorValue(shape, floatDtype) : filled(shape, floatDtype, name === 'ones' ? 1 : 0));
    }
    case 'rand':
    case 'randn':
    case 'random.rand':
    case 'random.randn': {
      const shape = shapeArgs(args, 0);
      if (!validShape(shape)) return constructed(names, undefined);
      return constructed(names, tensorValue(shape, floatDtype));
    }
    case 'full': {
      const shape = args.keywords.get('size') ? shapeArgs(args, 99) : args.positional[0] ? intTuple(args.positional[0]) : undefined;
      const fill = numberArg(args, 1, 'fill_value');
      if (!validShape(shape)) return constructed(names, undefined);
      const dtype = explicit ?? (fill && fill.isInt ? (torch ? 'torch.int64' : 'int64') : floatDtype);
      return constructed(names, fill ? filled(shape, dtype, fill.value) : tensorValue(shape, dtype));
    }
    case 'eye': {
      const n = intOf(args.positional[0] ?? args.keywords.get('n') ?? args.keywords.get('N'));
      const mArg = args.positional[1] ?? args.keywords.get('m') ?? args.keywords.get('M');
      const m = mArg && mArg.kind !== 'none' ? intOf(mArg) : n;
      if (n === undefined || m === undefined || n < 0 || m < 0) return constructed(names, undefined);
      return constructed(names, tensorValue([n, m], floatDtype, () => {
        const v = new Float64Array(n * m);
        for (let i = 0; i < Math.min(n, m); i++) v[i * m + i] = 1;
        return v;
      }));
    }
    case 'arange': {
      const nums = args.positional.map((a) => (a.kind === 'number' ? a : undefined));
      if (nums.length === 0 || nums.some((x) => !x)) {
        const end = numberArg(args, 99, 'end');
        if (!end) return constructed(names, undefined);
        nums.splice(0, nums.length, end);
      }
      const [a, b, c] = nums as NumberValue[];
      const start = b ? a.value : 0;
      const end = b ? b.value : a.value;
      const step = c ? c.value : (numberArg(args, 99, 'step')?.value ?? 1);
      if (step === 0 || !Number.isFinite(start) || !Number.isFinite(end)) return constructed(names, undefined);
      const length = Math.max(0, Math.ceil((end - start) / step));
      const allInt = nums.every((x) => x?.isInt) && Number.isInteger(step);
      const dtype = explicit ?? (allInt ? (torch ? 'torch.int64' : 'int64') : floatDtype);
      return constructed(names, tensorValue([length], dtype, () => {
        const v = new Float64Array(length);
        for (let i = 0; i < length; i++) v[i] = start + i * step;
        return v;
      }));
    }
    case 'linspace': {
      const s = numberArg(args, 0, 'start');
      const e = numberArg(args, 1, 'end');
      const steps = intOf(args.positional[2] ?? args.keywords.get('steps') ?? args.keywords.get('num')) ?? (torch ? undefined : 50);
      if (!s || !e || steps === undefined || steps < 0) return constructed(names, undefined);
      return constructed(names, tensorValue([steps], floatDtype, () => {
        const v = new Float64Array(steps);
        for (let i = 0; i < steps; i++) v[i] = steps === 1 ? s.value : s.value + ((e.value - s.value) * i) / (steps - 1);
        return v;
      }));
    }
    case 'normal':
    case 'random.normal': {
      // torch.normal(mean, std, size) with numbers; with tensors the shape is theirs.
      const size = torch ? shapeArgs(args, 2) : shapeArgs(args, 2, 'size');
      if (validShape(size)) return constructed(names, tensorValue(size, floatDtype));
      const mean = args.positional[0];
      const std = args.positional[1];
      if (mean?.kind === 'tensor' && std?.kind === 'tensor') {
        const shape = broadcastShapes(mean.shape, std.shape);
        return constructed(names, shape && tensorValue(shape, mean.dtype));
      }
      if (mean?.kind === 'tensor') return constructed(names, tensorValue(mean.shape, mean.dtype));
      if (std?.kind === 'tensor') return constructed(names, tensorValue(std.shape, std.dtype));
      return constructed(names, undefined);
    }
    case 'randint':
    case 'random.randint': {
      const size = shapeArgs(args, torch ? (args.positional.length >= 3 ? 2 : 1) : 2);
      if (!validShape(size)) return constructed(names, undefined);
      return constructed(names, tensorValue(size, explicit ?? (torch ? 'torch.int64' : 'int64')));
    }
    case 'zeros_like':
    case 'ones_like':
    case 'empty_like':
    case 'rand_like':
    case 'randn_like':
    case 'full_like': {
      const x = args.positional[0];
      if (x?.kind !== 'tensor') return constructed(names, undefined);
      const dtype = explicit ?? x.dtype;
      if (name === 'zeros_like' || name === 'ones_like') return constructed(names, filled(x.shape, dtype, name === 'ones_like' ? 1 : 0));
      if (name === 'full_like') {
        const fill = numberArg(args, 1, 'fill_value');
        return constructed(names, fill ? filled(x.shape, dtype, fill.value) : tensorValue(x.shape, dtype));
      }
      return constructed(names, tensorValue(x.shape, dtype));
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Tensor functions, methods, attributes and operators.

function tensorsOf(v: Value): TensorValue[] | undefined {
  if (v.kind !== 'seq') return undefined;
  // Exact size, not `[]` and push: stack's values function keeps the list (see resultObjects.ts).
  const out = new Array<TensorValue>(v.items.length);
  for (let i = 0; i < out.length; i++) {
    const item = v.items[i];
    if (item.kind !== 'tensor') return undefined;
    out[i] = item;
  }
  return out;
}

function dimArg(args: Args, index: number, fallback?: number): number | undefined {
  const a = args.keywords.get('dim') ?? args.keywords.get('axis') ?? args.positional[index];
  if (!a) return fallback;
  return intOf(a);
}

function same(t: TensorValue, shape: readonly number[], dtype = t.dtype, keepValues = true): TensorValue {
  return tensorValue(shape, dtype, keepValues && numel(shape) === numel(t.shape) ? valuesOf(t) : undefined);
}

function stack(parts: TensorValue[], dim: number): Value {
  const shape = stackShape(parts.map((p) => p.shape), dim);
  if (!shape) return UNKNOWN;
  if (!parts.every(knowable)) return tensorValue(shape, parts[0].dtype);
  const d = dim < 0 ? dim + shape.length : dim;
  const values = (): Float64Array | undefined => {
    const datas = parts.map((p) => p.data);
    return datas.every((x): x is Tensor => !!x) ? stackValues(datas, shape, d) : undefined;
  };
  return tensorValue(shape, parts[0].dtype, values);
}

const TENSOR_FUNCTION_PREFIXES = ['torch.nn.functional.', 'torch.', 'numpy.'];

const FUNCTION_NAMES = new Map<string, string | null>();

/** `torch.stack` → `stack` (null: not a tensor function's path), remembered: every call of a library name asks. */
function tensorFunctionName(path: string): string | undefined {
  return memo(FUNCTION_NAMES, path, unprefixed) ?? undefined;
}

function unprefixed(path: string): string | null {
  for (const p of TENSOR_FUNCTION_PREFIXES) if (path.startsWith(p)) return path.slice(p.length);
  return null;
}

/** Functions of the torch namespace (and a few NumPy ones) on tensors: `torch.stack`, `torch.matmul` … */
export function tensorFunction(path: string, args: Args): Value | undefined {
  const name = tensorFunctionName(path);
  if (name === undefined) return undefined;
  const a0 = args.positional[0];
  switch (name) {
    case 'stack': {
      const parts = a0 && tensorsOf(a0);
      const dim = dimArg(args, 1, 0);
      return parts && dim !== undefined ? stack(parts, dim) : UNKNOWN;
    }
    case 'cat':
    case 'concat':
    case 'concatenate': {
      const parts = a0 && tensorsOf(a0);
      const dim = dimArg(args, 1, 0);
      const shape = parts && dim !== undefined ? catShape(parts.map((p) => p.shape), dim) : undefined;
      return shape && parts ? tensorValue(shape, parts[0].dtype) : UNKNOWN;
    }
    case 'matmul':
    case 'mm':
    case 'bmm':
    case 'dot': {
      const b = args.positional[1];
      if (a0?.kind !== 'tensor' || b?.kind !== 'tensor') return UNKNOWN;
      const shape = matmulShape(a0.shape, b.shape);
      return shape ? tensorValue(shape, a0.dtype) : UNKNOWN;
    }
    case 'Parameter':
    case 'from_numpy':
    case 'clone':
    case 'detach':
      return a0?.kind === 'tensor' ? a0 : UNKNOWN;
    case 'abs': case 'exp': case 'log': case 'sqrt': case 'relu': case 'sigmoid': case 'tanh': case 'neg': case 'sin': case 'cos':
    case 'square': case 'floor': case 'ceil': case 'round': case 'sign': case 'leaky_relu': case 'gelu': case 'softmax': case 'log_softmax':
      return a0?.kind === 'tensor' ? elementwise(a0, name) : UNKNOWN;
    case 'add': case 'sub': case 'mul': case 'div': case 'maximum': case 'minimum': case 'pow':
      return a0 && args.positional[1] ? binary(({ add: '+', sub: '-', mul: '*', div: '/', maximum: 'max', minimum: 'min', pow: '**' } as Record<string, string>)[name], a0, args.positional[1]) : UNKNOWN;
    case 'reshape':
    case 'unsqueeze':
    case 'squeeze':
    case 'flatten':
    case 'transpose':
    case 'permute':
    case 'sum': case 'mean': case 'prod': case 'std': case 'var':
      return a0 ? method(a0, name, { positional: args.positional.slice(1), keywords: args.keywords, starred: args.starred }) : UNKNOWN;
    default:
      return undefined;
  }
}

function elementwise(t: TensorValue, name: string): TensorValue {
  const fns: Record<string, (x: number) => number> = {
    abs: Math.abs, exp: Math.exp, log: Math.log, sqrt: Math.sqrt, relu: (x) => Math.max(0, x), sigmoid: (x) => 1 / (1 + Math.exp(-x)),
    tanh: Math.tanh, neg: (x) => -x, sin: Math.sin, cos: Math.cos, square: (x) => x * x, floor: Math.floor, ceil: Math.ceil,
    round: (x) => Math.round(x), sign: Math.sign,
  };
  const f = fns[name];
  const integer = isIntegerDtype(t.dtype) || isBoolDtype(t.dtype);
  const dtype = integer && ['exp', 'log', 'sqrt', 'sigmoid', 'tanh', 'sin', 'cos', 'softmax', 'log_softmax', 'gelu'].includes(name) ? (t.dtype.startsWith('torch.') ? 'torch.float32' : 'float64') : t.dtype;
  if (!f || !knowable(t)) return tensorValue(t.shape, dtype);
  return tensorValue(t.shape, dtype, () => {
    const d = t.data;
    return d ? Array.from(d.data, f) : undefined;
  });
}

const METHOD_DTYPES: Record<string, string> = { float: 'float32', double: 'float64', half: 'float16', int: 'int32', long: 'int64', bool: 'bool', short: 'int16', byte: 'uint8' };

/** `x.name(args)` on a tensor. */
export function method(self: Value, name: string, args: Args): Value {
  if (self.kind === 'seq' && self.form === 'size') {
    if (name === 'numel') return { kind: 'number', value: numel(intTuple(self) ?? []), isInt: true };
    return UNKNOWN;
  }
  if (self.kind !== 'tensor') return UNKNOWN;
  const t = self;
  const ints = (): number[] | undefined => {
    if (args.positional.length === 1) {
      const tuple = intTuple(args.positional[0]);
      if (tuple) return tuple;
    }
    const kw = args.keywords.get('shape') ?? args.keywords.get('size');
    if (kw) return intTuple(kw);
    const out: number[] = [];
    for (const a of args.positional) {
      const n = intOf(a);
      if (n === undefined) return undefined;
      out.push(n);
    }
    return out;
  };
  const shaped = (shape: number[] | undefined, keepValues = true): Value => (shape ? same(t, shape, t.dtype, keepValues) : UNKNOWN);
  switch (name) {
    case 'reshape':
    case 'view': {
      const to = ints();
      return shaped(to && reshapeTarget(t.shape, to));
    }
    case 'view_as':
    case 'reshape_as':
    case 'expand_as': {
      const o = args.positional[0];
      return o?.kind === 'tensor' ? shaped(name === 'expand_as' ? [...o.shape] : reshapeTarget(t.shape, o.shape), name !== 'expand_as') : UNKNOWN;
    }
    case 'unsqueeze': {
      const d = dimArg(args, 0);
      return shaped(d === undefined ? undefined : unsqueezeShape(t.shape, d));
    }
    case 'squeeze': {
      const a = args.keywords.get('dim') ?? args.positional[0];
      if (!a) return shaped(squeezeShape(t.shape));
      const d = intOf(a);
      return shaped(d === undefined ? undefined : squeezeShape(t.shape, d));
    }
    case 'flatten': {
      const s = dimArg(args, 0, 0) ?? intOf(args.keywords.get('start_dim'));
      const e = intOf(args.positional[1] ?? args.keywords.get('end_dim')) ?? -1;
      return shaped(s === undefined ? undefined : flattenShape(t.shape, s, e));
    }
    case 't':
      return t.shape.length <= 2 ? shaped([...t.shape].reverse(), t.shape.length < 2) : UNKNOWN;
    case 'transpose':
    case 'swapaxes': {
      const a = intOf(args.positional[0]);
      const b = intOf(args.positional[1]);
      return a === undefined || b === undefined ? UNKNOWN : shaped(transposeShape(t.shape, a, b), false);
    }
    case 'permute': {
      const dims = ints();
      return shaped(dims && permuteShape(t.shape, dims), false);
    }
    case 'float': case 'double': case 'half': case 'int': case 'long': case 'bool': case 'short': case 'byte': {
      const base = METHOD_DTYPES[name];
      const dtype = t.dtype.startsWith('torch.') ? `torch.${base}` : base;
      return tensorValue(t.shape, dtype, valuesOf(t));
    }
    case 'to':
    case 'type':
    case 'astype': {
      const target = args.keywords.get('dtype') ?? args.positional.find((a) => a.kind === 'ref' || a.kind === 'string');
      const dtype = target && dtypeLabel(target, t.dtype.startsWith('torch.'));
      return dtype ? tensorValue(t.shape, dtype, valuesOf(t)) : t;
    }
    case 'detach': case 'clone': case 'contiguous': case 'cpu': case 'cuda': case 'numpy': case 'requires_grad_': case 'copy':
    case 'abs': case 'exp': case 'log': case 'sqrt': case 'relu': case 'sigmoid': case 'tanh': case 'neg': case 'sin': case 'cos': case 'square':
    case 'floor': case 'ceil': case 'round': case 'sign': case 'zero_':
      if (name === 'zero_') return filled(t.shape, t.dtype, 0);
      return ['detach', 'clone', 'contiguous', 'cpu', 'cuda', 'numpy', 'requires_grad_', 'copy'].includes(name)
        ? name === 'numpy' ? tensorValue(t.shape, t.dtype.replace(/^torch\./, ''), valuesOf(t)) : t
        : elementwise(t, name);
    case 'sum': case 'mean': case 'prod': case 'std': case 'var': case 'max': case 'min': case 'norm': case 'amax': case 'amin': case 'all': case 'any': {
      const d = args.keywords.get('dim') ?? args.keywords.get('axis') ?? args.positional[0];
      const dim = d ? intOf(d) : undefined;
      if (d && dim === undefined) return UNKNOWN;
      const keep = args.keywords.get('keepdim') ?? args.keywords.get('keepdims');
      const keepdim = !!keep && keep.kind === 'number' && keep.value !== 0;
      if ((name === 'max' || name === 'min') && dim !== undefined) return UNKNOWN; // returns (values, indices)
      const shape = reduceShape(t.shape, dim, keepdim);
      if (!shape) return UNKNOWN;
      const dtype = ['all', 'any'].includes(name) ? (t.dtype.startsWith('torch.') ? 'torch.bool' : 'bool') : ['mean', 'std', 'var', 'norm'].includes(name) && (isIntegerDtype(t.dtype) || isBoolDtype(t.dtype)) ? t.dtype : name === 'sum' && isBoolDtype(t.dtype) ? (t.dtype.startsWith('torch.') ? 'torch.int64' : 'int64') : t.dtype;
      if (dim === undefined && !keepdim && numel(t.shape) > 0) return tensorValue(SCALAR_SHAPE, dtype, reducedValues(t, name));
      return tensorValue(shape, dtype);
    }
    case 'item':
      return t.data && t.data.data.length === 1 ? { kind: 'number', value: t.data.data[0], isInt: isIntegerDtype(t.dtype) } : UNKNOWN;
    case 'size': {
      const d = args.positional[0] ?? args.keywords.get('dim');
      if (!d) return seqOfInts(t.shape, 'size');
      const dim = intOf(d);
      const w = dim === undefined ? undefined : dim < 0 ? dim + t.shape.length : dim;
      return w !== undefined && w >= 0 && w < t.shape.length ? { kind: 'number', value: t.shape[w], isInt: true } : UNKNOWN;
    }
    case 'numel':
      return { kind: 'number', value: numel(t.shape), isInt: true };
    case 'dim':
    case 'ndimension':
      return { kind: 'number', value: t.shape.length, isInt: true };
    default:
      return UNKNOWN;
  }
}

/** The one value of reducing all of `t` (a function of its own: a closure in `method` kept its arguments too). */
function reducedValues(t: TensorValue, name: string): Values | undefined {
  if (!knowable(t)) return undefined;
  return () => {
    const d = t.data;
    const v = d ? reduceAll(d.data, name) : undefined;
    return v === undefined ? undefined : [v];
  };
}

function reduceAll(data: ArrayLike<number>, name: string): number | undefined {
  const n = data.length;
  let s = 0;
  switch (name) {
    case 'sum':
    case 'mean':
      for (let i = 0; i < n; i++) s += data[i];
      return name === 'sum' ? s : s / n;
    case 'max':
    case 'amax': {
      let m = -Infinity;
      for (let i = 0; i < n; i++) m = Math.max(m, data[i]);
      return m;
    }
    case 'min':
    case 'amin': {
      let m = Infinity;
      for (let i = 0; i < n; i++) m = Math.min(m, data[i]);
      return m;
    }
    default:
      return undefined;
  }
}

/** `x.name` on a value. */
export function attribute(self: Value, name: string): Value {
  if (self.kind === 'ref') return memberRef(self.path, name);
  if (self.kind === 'tensor') {
    switch (name) {
      case 'shape':
        return seqOfInts(self.shape, 'size');
      case 'T':
        return self.shape.length <= 2 ? same(self, [...self.shape].reverse(), self.dtype, self.shape.length < 2) : tensorValue([...self.shape].reverse(), self.dtype);
      case 'data':
      case 'grad':
        return name === 'grad' ? tensorValue(self.shape, self.dtype) : self;
      case 'ndim':
        return { kind: 'number', value: self.shape.length, isInt: true };
      case 'dtype':
        return { kind: 'ref', path: self.dtype };
      default:
        return { kind: 'method', self, name };
    }
  }
  if (self.kind === 'layer') {
    const w = moduleWeights(self.layer);
    if (name === 'weight' && w.weightShape) return tensorValue(w.weightShape, 'torch.float32');
    if (name === 'bias') return w.biasShape ? tensorValue(w.biasShape, 'torch.float32') : NONE;
    return UNKNOWN;
  }
  if (self.kind === 'seq' && self.form === 'size') return { kind: 'method', self, name };
  return UNKNOWN;
}

const OPS: Record<string, (x: number, y: number) => number> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '/': (x, y) => x / y,
  '//': (x, y) => Math.floor(x / y),
  '%': (x, y) => x - Math.floor(x / y) * y,
  '**': (x, y) => x ** y,
  max: Math.max,
  min: Math.min,
  '==': (x, y) => +(x === y),
  '!=': (x, y) => +(x !== y),
  '<': (x, y) => +(x < y),
  '>': (x, y) => +(x > y),
  '<=': (x, y) => +(x <= y),
  '>=': (x, y) => +(x >= y),
  '&': (x, y) => x & y,
  '|': (x, y) => x | y,
  '^': (x, y) => x ^ y,
};

const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=']);

/** A Python number as a 0-d tensor for element-wise arithmetic (kept exact: the result's dtype rounds). */
function scalarTensor(n: NumberValue): TensorValue {
  return tensorValue([], 'float64', [n.value]);
}

/** Result dtype of `a op b` where one side may be a Python number (PyTorch's type promotion, simplified). */
function isFloatValue(v: Value): boolean {
  return v.kind === 'number' ? !v.isInt : v.kind === 'tensor' ? !isIntegerDtype(v.dtype) && !isBoolDtype(v.dtype) : false;
}

function resultDtype(op: string, a: Value, b: Value, t: TensorValue): string {
  const torch = t.dtype.startsWith('torch.');
  if (COMPARISONS.has(op)) return torch ? 'torch.bool' : 'bool';
  const fa = a.kind === 'tensor' && isFloatValue(a) ? a : undefined;
  const fb = b.kind === 'tensor' && isFloatValue(b) ? b : undefined;
  // Float tensors win; of two, the wider one.
  if (fa && fb) return engineDtype(fb.dtype) === 'float64' && engineDtype(fa.dtype) !== 'float64' ? fb.dtype : fa.dtype;
  if (fa || fb) return (fa ?? fb as TensorValue).dtype;
  if (op === '/' || isFloatValue(a) || isFloatValue(b)) return torch ? 'torch.float32' : 'float64';
  if (a.kind === 'tensor' && isIntegerDtype(a.dtype)) return a.dtype;
  if (b.kind === 'tensor' && isIntegerDtype(b.dtype)) return b.dtype;
  if (a.kind === 'number' || b.kind === 'number') return torch ? 'torch.int64' : 'int64';
  return t.dtype;
}

/** `a op b` for numbers, tuples and tensors (broadcasting); UNKNOWN when it cannot be known. */
export function binary(op: string, a: Value, b: Value): Value {
  const f = OPS[op];
  if (a.kind === 'number' && b.kind === 'number') {
    if (!f) return UNKNOWN;
    const value = f(a.value, b.value);
    const isInt = a.isInt && b.isInt && op !== '/' && Number.isInteger(value);
    return COMPARISONS.has(op) ? { kind: 'number', value, isInt: true } : { kind: 'number', value, isInt };
  }
  if (op === '+' && a.kind === 'seq' && b.kind === 'seq') {
    return { kind: 'seq', items: [...a.items, ...b.items], form: a.form === 'list' ? 'list' : 'tuple' } satisfies SeqValue;
  }
  if (op === '+' && (a.kind === 'seq' || a.kind === 'array') && (b.kind === 'seq' || b.kind === 'array')) {
    const x = intTuple(a);
    const y = intTuple(b);
    return x && y ? seqOfInts([...x, ...y]) : UNKNOWN;
  }
  if (op === '@') {
    if (a.kind !== 'tensor' || b.kind !== 'tensor') return UNKNOWN;
    const shape = matmulShape(a.shape, b.shape);
    return shape ? tensorValue(shape, a.dtype) : UNKNOWN;
  }
  const t = a.kind === 'tensor' ? a : b.kind === 'tensor' ? b : undefined;
  if (!t) return UNKNOWN;
  const other = t === a ? b : a;
  if (other.kind !== 'tensor' && other.kind !== 'number') return UNKNOWN;
  const shape = broadcastShapes(a.kind === 'tensor' ? a.shape : SCALAR_SHAPE, b.kind === 'tensor' ? b.shape : SCALAR_SHAPE);
  if (!shape) return UNKNOWN;
  const dtype = resultDtype(op, a, b, t);
  // An operand with no values: neither has the result (and no closure keeps the operands).
  if (!f || (a.kind === 'tensor' && !knowable(a)) || (b.kind === 'tensor' && !knowable(b))) return tensorValue(shape, dtype);
  return tensorValue(shape, dtype, () => {
    const x = a.kind === 'tensor' ? a.data : scalarTensor(a as NumberValue).data;
    const y = b.kind === 'tensor' ? b.data : scalarTensor(b as NumberValue).data;
    return x && y ? broadcastValues(x, y, shape, f, 'float64').data : undefined;
  });
}

/** Unary minus, plus and `~`. */
export function unary(op: string, v: Value): Value {
  if (v.kind === 'number') return op === '-' ? { kind: 'number', value: -v.value, isInt: v.isInt } : op === '+' ? v : { kind: 'number', value: ~v.value, isInt: true };
  if (v.kind === 'tensor') {
    if (op === '+') return v;
    if (!knowable(v)) return tensorValue(v.shape, v.dtype);
    return tensorValue(v.shape, v.dtype, () => {
      const d = v.data;
      return d ? Array.from(d.data, op === '-' ? (x) => -x : (x) => (isBoolDtype(v.dtype) ? 1 - x : ~x)) : undefined;
    });
  }
  return UNKNOWN;
}

// ---------------------------------------------------------------------------------------------
// Layers.

const MODULES: Record<string, LayerOp> = {
  'torch.nn.Conv2d': 'conv2d',
  'torch.nn.ConvTranspose2d': 'conv_transpose2d',
  'torch.nn.MaxPool2d': 'max_pool2d',
  'torch.nn.AvgPool2d': 'avg_pool2d',
};

const FUNCTIONALS: Record<string, LayerOp> = {
  'torch.nn.functional.conv2d': 'conv2d',
  'torch.conv2d': 'conv2d',
  'torch.nn.functional.conv_transpose2d': 'conv_transpose2d',
  'torch.conv_transpose2d': 'conv_transpose2d',
  'torch.nn.functional.max_pool2d': 'max_pool2d',
  'torch.max_pool2d': 'max_pool2d',
  'torch.nn.functional.avg_pool2d': 'avg_pool2d',
  'torch.avg_pool2d': 'avg_pool2d',
};

/** d2l's and the seeds' helpers, by name (with or without `d2l.`). */
const HELPERS = new Set(['corr2d', 'corr2d_multi_in', 'corr2d_multi_in_out', 'corr2d_multi_in_out_1x1', 'pool2d', 'comp_conv2d']);

/** Keyword names of each call's positional parameters, in PyTorch's order. */
const POSITIONAL: Record<string, readonly string[]> = {
  'module:conv2d': ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias', 'padding_mode'],
  'module:conv_transpose2d': ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'output_padding', 'groups', 'bias', 'dilation', 'padding_mode'],
  'module:max_pool2d': ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'],
  'module:avg_pool2d': ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override'],
  'functional:conv2d': ['input', 'weight', 'bias', 'stride', 'padding', 'dilation', 'groups'],
  'functional:conv_transpose2d': ['input', 'weight', 'bias', 'stride', 'padding', 'output_padding', 'groups', 'dilation'],
  'functional:max_pool2d': ['input', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices'],
  'functional:avg_pool2d': ['input', 'kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override'],
};

/** The same lists by op (not by a key built as a fresh string per call). */
const MODULE_PARAMETERS = byOp('module');
const FUNCTIONAL_PARAMETERS = byOp('functional');

function byOp(style: 'module' | 'functional'): Record<LayerOp, readonly string[]> {
  const out = {} as Record<LayerOp, readonly string[]>;
  for (const op of ['conv2d', 'conv_transpose2d', 'max_pool2d', 'avg_pool2d', 'corr2d'] as const) out[op] = POSITIONAL[`${style}:${op}`] ?? [];
  return out;
}

/** Arguments by parameter name: a keyword, else the positional one at the name's place in PyTorch's order (looked up, not copied into a Map per call). */
class NamedArgs {
  constructor(
    private readonly args: Args,
    private readonly names: readonly string[],
  ) {}

  get(name: string): Value | undefined {
    const keyword = this.args.keywords.get(name);
    if (keyword) return keyword;
    const i = this.names.indexOf(name);
    return i >= 0 ? this.args.positional[i] : undefined;
  }
}

function named(args: Args, names: readonly string[]): NamedArgs {
  return new NamedArgs(args, names);
}

/** `(n, n)` pairs of small sizes, shared by every spec (specs are never modified): strides, kernels, dilations. */
const SQUARE_PAIRS: readonly (readonly [number, number])[] = Array.from({ length: 16 }, (_, n) => [n, n] as const);

function pair(h: number, w: number): readonly [number, number] {
  return h === w && h >= 0 && h < SQUARE_PAIRS.length && Number.isInteger(h) ? SQUARE_PAIRS[h] : [h, w];
}

/**
 * Reads a layer's arguments one by one, noting the first that is not a literal value (a class, not
 * four closures over the arguments: the scan reads thousands of layers, and each closure was garbage).
 */
class ArgumentReader {
  /** The first argument that is not a literal value (a name the scanner does not know). */
  unknownArgument: string | undefined;
  constructor(private readonly a: NamedArgs) {}

  note(name: string): undefined {
    this.unknownArgument ??= name;
    return undefined;
  }

  size2(name: string): readonly [number, number] | undefined {
    const v = this.a.get(name);
    if (!v || v.kind === 'none') return undefined;
    const n = intOf(v);
    if (n !== undefined) return pair(n, n);
    const t = intTuple(v);
    if (t && t.length === 2) return pair(t[0], t[1]);
    if (t && t.length === 1) return pair(t[0], t[0]);
    return this.note(name);
  }

  int(name: string): number | undefined {
    const v = this.a.get(name);
    if (!v) return undefined;
    const n = intOf(v);
    return n === undefined ? this.note(name) : n;
  }

  bool(name: string): boolean | undefined {
    const v = this.a.get(name);
    if (!v) return undefined;
    if (v.kind === 'number') return v.value !== 0;
    return this.note(name);
  }
}

/** Reads a layer's arguments into a spec; `unknownArgument` names the first one that is not a literal value. */
function layerSpec(op: LayerOp, style: 'module' | 'functional', callee: string, a: NamedArgs): LayerSpec {
  const r = new ArgumentReader(a);
  let padding: Padding2d | undefined;
  const p = a.get('padding');
  if (p) {
    // The constant, not the text's copy of it (the spec keeps it).
    if (p.kind === 'string' && (p.value === 'same' || p.value === 'valid')) padding = p.value === 'same' ? 'same' : 'valid';
    else {
      const n = intOf(p);
      const t = intTuple(p);
      padding = n !== undefined ? n : t && t.length === 2 ? [t[0], t[1]] : t && t.length === 4 ? [t[0], t[1], t[2], t[3]] : r.note('padding');
    }
  }
  const stride = a.get('stride');
  const modeValue = a.get('padding_mode');
  const mode = modeValue?.kind === 'string' && ['zeros', 'reflect', 'replicate', 'circular'].includes(modeValue.value) ? (modeValue.value as LayerSpec['paddingMode']) : undefined;
  const divisor = a.get('divisor_override');
  const biasValue = a.get('bias');
  const spec: LayerSpec = {
    op,
    style,
    callee,
    inChannels: style === 'module' && op !== 'max_pool2d' && op !== 'avg_pool2d' ? r.int('in_channels') : undefined,
    outChannels: style === 'module' && op !== 'max_pool2d' && op !== 'avg_pool2d' ? r.int('out_channels') : undefined,
    kernelSize: op === 'max_pool2d' || op === 'avg_pool2d' || style === 'module' ? r.size2('kernel_size') : undefined,
    stride: stride && stride.kind !== 'none' ? (r.size2('stride') ?? null) : null,
    padding,
    dilation: r.size2('dilation'),
    outputPadding: r.size2('output_padding'),
    groups: r.int('groups'),
    bias: style === 'module' ? r.bool('bias') : biasValue ? biasValue.kind !== 'none' : false,
    paddingMode: mode,
    ceilMode: r.bool('ceil_mode'),
    countIncludePad: r.bool('count_include_pad'),
    divisorOverride: divisor && divisor.kind !== 'none' ? intOf(divisor) ?? r.note('divisor_override') : null,
    unknownArgument: undefined,
  };
  // Read last: the fields above note the first argument they cannot read.
  return r.unknownArgument === undefined ? spec : { ...spec, unknownArgument: r.unknownArgument };
}

function shapeText(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

/** Output shape in the input's own rank (unbatched CHW stays CHW). */
function outputShape(op: LayerOp, input: readonly number[], o: { batch: number; outChannels: number; outHeight: number; outWidth: number }): number[] {
  if (input.length === 4) return [o.batch, o.outChannels, o.outHeight, o.outWidth];
  if (input.length === 3) return [o.outChannels, o.outHeight, o.outWidth];
  return op === 'corr2d' ? [o.outHeight, o.outWidth] : [o.outHeight, o.outWidth];
}

function failure(err: unknown): string {
  if (err instanceof EngineError || err instanceof Error) return err.message;
  return String(err);
}

/**
 * A layer's report for `inputShape` (when known): weight/bias shapes from the module's arguments or
 * the functional call's operands, and the engine's resolution (output shape, padding per side).
 */
export function report(spec: LayerSpec, inputShape: readonly number[] | undefined, operandWeight?: readonly number[], operandBias?: readonly number[] | null): LayerReport {
  const fromModule = moduleWeights(spec);
  // Shapes are shared, not copied (they are never modified): the operands', the module's.
  const weightShape = operandWeight ?? fromModule.weightShape;
  const biasShape = operandBias !== undefined ? operandBias : fromModule.biasShape;
  const params = spec.style === 'module' ? fromModule.params : null;
  // Literal objects, not `{ ...base, … }`: a spread with extra keys is a slow runtime call, once per layer.
  if (spec.unknownArgument && spec.op !== 'corr2d') {
    return inputShape ? { spec, weightShape, biasShape, params, inputShape } : { spec, weightShape, biasShape, params };
  }
  if (!inputShape) return { spec, weightShape, biasShape, params };
  const isPool = spec.op === 'max_pool2d' || spec.op === 'avg_pool2d';
  if (spec.op !== 'corr2d' && inputShape.length !== 3 && inputShape.length !== 4) {
    const what = isPool ? spec.op : spec.op === 'conv_transpose2d' ? 'conv_transpose2d' : 'conv2d';
    return { spec, weightShape, biasShape, params, inputShape, error: `${what}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, but got ${inputShape.length}-D ${shapeText(inputShape)}` };
  }
  if (spec.op === 'conv2d' && weightShape) {
    const size = quickConvSize(spec, inputShape, weightShape);
    if (size && !(spec.style === 'module' && spec.inChannels !== undefined && size.inChannels !== spec.inChannels)) {
      // The same report as below, with the ConvInfo resolved on first read (hover, CLI).
      return new LazyConvReport(spec, weightShape, biasShape, params, inputShape, outputShape(spec.op, inputShape, size));
    }
  }
  try {
    const info = resolveInfo(spec, inputShape, weightShape);
    if (spec.style === 'module' && !isPool && spec.op === 'conv2d' && spec.inChannels !== undefined && info.inChannels !== spec.inChannels) {
      throw new EngineError('conv2d', `input has ${info.inChannels} channels but the layer expects ${spec.inChannels} (weight ${shapeText(weightShape ?? [])})`);
    }
    return { spec, weightShape, biasShape, params, inputShape, outputShape: outputShape(spec.op, inputShape, info), info };
  } catch (err) {
    return { spec, weightShape, biasShape, params, inputShape, error: failure(err) };
  }
}

function isLayerModule(path: string): boolean {
  return Object.prototype.hasOwnProperty.call(MODULES, path);
}

export function isLayerCall(path: string): boolean {
  const bare = path.startsWith('d2l.') ? path.slice(4) : path;
  return isLayerModule(path) || Object.prototype.hasOwnProperty.call(FUNCTIONALS, path) || HELPERS.has(bare);
}

function tensorArg(v: Value | undefined): TensorValue | undefined {
  return v?.kind === 'tensor' ? v : undefined;
}

/** `nn.Conv2d(…)` → a layer value; `F.conv2d(X, K, …)` and helpers → the output tensor with the layer's report. */
export function layerCall(path: string, callee: string, args: Args): CallOutcome {
  if (isLayerModule(path)) {
    const op = MODULES[path];
    const spec = layerSpec(op, 'module', callee, named(args, MODULE_PARAMETERS[op]));
    const layer = report(spec, undefined);
    return { value: UNKNOWN, item: { kind: 'layer', form: callee, layer } };
  }
  const fop = FUNCTIONALS[path];
  if (fop) {
    const a = named(args, FUNCTIONAL_PARAMETERS[fop]);
    const spec = layerSpec(fop, 'functional', callee, a);
    const input = tensorArg(a.get('input'));
    const weight = tensorArg(a.get('weight'));
    const biasV = a.get('bias');
    const bias = biasV?.kind === 'tensor' ? biasV.shape : biasV === undefined || biasV.kind === 'none' ? null : undefined;
    const layer = report(spec, input?.shape, weight?.shape, bias === undefined ? null : bias);
    return outcome(layer, callee, input);
  }
  return helper(path.startsWith('d2l.') ? path.slice(4) : path, callee, args);
}

function outcome(layer: LayerReport, callee: string, input: TensorValue | undefined): CallOutcome {
  const value = layer.outputShape && input ? tensorValue(layer.outputShape, input.dtype) : UNKNOWN;
  return { value, item: { kind: 'layer', form: callee, layer } };
}

/** A layer (module) applied to an input: `conv(X)`. */
export function applyLayer(spec: LayerSpec, input: Value): { value: Value; layer: LayerReport } {
  const x = tensorArg(input);
  const layer = report(spec, x?.shape);
  const value = layer.outputShape && x ? tensorValue(layer.outputShape, x.dtype) : UNKNOWN;
  return { value, layer };
}

/** The seeds' helpers, with d2l's semantics: corr2d on H×W, multi-in on C×H×W with C×kH×kW … */
/** `name: expected … of n dimensions` when `t` has another rank. */
function rankProblem(name: string, t: TensorValue, n: number, what: string): string | undefined {
  return t.shape.length !== n ? `${name}: expected ${what} of ${n} dimensions, but got ${shapeText(t.shape)}` : undefined;
}

/** What is wrong with d2l's corr2d helper `name`'s operands, if anything. */
function corrProblem(name: string, x: TensorValue, k: TensorValue): string | undefined {
  switch (name) {
    case 'corr2d':
      return rankProblem(name, x, 2, 'an input (H, W)') ?? rankProblem(name, k, 2, 'a kernel (kH, kW)');
    case 'corr2d_multi_in':
      return rankProblem(name, x, 3, 'an input (C, H, W)') ?? rankProblem(name, k, 3, 'a kernel (C, kH, kW)') ??
        (x.shape[0] !== k.shape[0] ? `${name}: the input has ${x.shape[0]} channels but the kernel has ${k.shape[0]}` : undefined);
    default:
      return rankProblem(name, x, 3, 'an input (C, H, W)') ?? rankProblem(name, k, 4, 'a kernel (C_out, C_in, kH, kW)') ??
        (x.shape[0] !== k.shape[1] ? `${name}: the input has ${x.shape[0]} channels but the kernel expects ${k.shape[1]}` : undefined) ??
        (name === 'corr2d_multi_in_out_1x1' && (k.shape[2] !== 1 || k.shape[3] !== 1) ? `${name}: expected 1×1 kernels, but got ${k.shape[2]}×${k.shape[3]}` : undefined);
  }
}

/**
 * d2l's corr2d helper `name` on input `x` and kernel `k`: a conv2d over their shapes with
 * `inputOnes` and `weightOnes` leading 1s (corr2d takes H×W, the multi-in kernel C×kH×kW).
 * Module-level functions, not closures made per call: the scan reads one per few lines.
 */
function corr(name: string, callee: string, x: TensorValue | undefined, k: TensorValue | undefined, inputOnes: number, weightOnes: number): CallOutcome {
  const spec: LayerSpec = { op: 'corr2d', style: 'helper', callee, stride: null, bias: false };
  const weightShape = k ? k.shape : null;
  if (!x || !k) return { value: UNKNOWN, item: { kind: 'layer', form: callee, layer: { spec, weightShape, biasShape: null, params: null } } };
  const problem = corrProblem(name, x, k);
  if (problem) return { value: UNKNOWN, item: { kind: 'layer', form: callee, layer: { spec, weightShape, biasShape: null, params: null, inputShape: x.shape, error: problem } } };
  const input = withOnes(x.shape, inputOnes);
  const weight = withOnes(k.shape, weightOnes);
  const withChannels = name === 'corr2d_multi_in_out' || name === 'corr2d_multi_in_out_1x1';
  const size = quickConvSize(spec, input, weight);
  if (size) {
    // As below, with the ConvInfo resolved on first read.
    const out = withChannels ? [size.outChannels, size.outHeight, size.outWidth] : [size.outHeight, size.outWidth];
    const layer: LayerReport = new LazyConvReport(spec, k.shape, null, null, x.shape, out, inputOnes, weightOnes);
    return { value: tensorValue(out, x.dtype), item: { kind: 'layer', form: callee, layer } };
  }
  try {
    const info = resolveInfo({ ...spec, op: 'conv2d' }, input, weight);
    const out = withChannels ? [info.outChannels, info.outHeight, info.outWidth] : [info.outHeight, info.outWidth];
    const layer: LayerReport = { spec, weightShape, biasShape: null, params: null, inputShape: x.shape, outputShape: out, info };
    return { value: tensorValue(out, x.dtype), item: { kind: 'layer', form: callee, layer } };
  } catch (err) {
    return { value: UNKNOWN, item: { kind: 'layer', form: callee, layer: { spec, weightShape, biasShape: null, params: null, inputShape: x.shape, error: `${name}: ${failure(err).replace(/^conv2d: /, '')}` } } };
  }
}

function helper(name: string, callee: string, args: Args): CallOutcome {
  const x = tensorArg(args.positional[0]);
  const k = tensorArg(args.positional[1]);
  switch (name) {
    case 'corr2d':
      return corr(name, callee, x, k, 2, 2);
    case 'corr2d_multi_in':
      return corr(name, callee, x, k, 0, 1);
    case 'corr2d_multi_in_out':
    case 'corr2d_multi_in_out_1x1':
      return corr(name, callee, x, k, 0, 0);
    case 'pool2d': {
      const size = args.positional[1] ? intTuple(args.positional[1]) : undefined;
      const spec: LayerSpec = { op: 'max_pool2d', style: 'helper', callee, kernelSize: size && size.length === 2 ? [size[0], size[1]] : undefined, stride: [1, 1], bias: false };
      const modeArg = args.positional[2] ?? args.keywords.get('mode');
      const op = modeArg?.kind === 'string' && modeArg.value === 'avg' ? 'avg_pool2d' : 'max_pool2d';
      const s = { ...spec, op } as LayerSpec;
      if (!x || !s.kernelSize) return { value: UNKNOWN, item: { kind: 'layer', form: callee, layer: { spec: s, weightShape: null, biasShape: null, params: 0 } } };
      if (x.shape.length !== 2) return { value: UNKNOWN, item: { kind: 'layer', form: callee, layer: { spec: s, weightShape: null, biasShape: null, params: 0, inputShape: x.shape, error: `${name}: expected an input (H, W) of 2 dimensions, but got ${shapeText(x.shape)}` } } };
      const layer = report(s, [1, ...x.shape]);
      const out = layer.outputShape ? layer.outputShape.slice(1) : undefined;
      return { value: out ? tensorValue(out, x.dtype) : UNKNOWN, item: { kind: 'layer', form: callee, layer: { ...layer, inputShape: x.shape, ...(out ? { outputShape: out } : {}) } } };
    }
    case 'comp_conv2d': {
      // d2l: X = X.reshape((1, 1) + X.shape); Y = conv2d(X); return Y.reshape(Y.shape[2:])
      const l = args.positional[0];
      const input = tensorArg(args.positional[1]);
      if (l?.kind !== 'layer') return { value: UNKNOWN, item: { kind: 'layer', form: callee, layer: { spec: { op: 'conv2d', style: 'helper', callee, stride: null }, weightShape: null, biasShape: null, params: null } } };
      const reshaped = input ? [1, 1, ...input.shape] : undefined;
      const layer = report(l.layer, reshaped);
      const out = layer.outputShape ? layer.outputShape.slice(2) : undefined;
      const copy: LayerReport = layer instanceof LazyConvReport ? layer.withOutput(out ?? layer.outputShape) : { ...layer, ...(out ? { outputShape: out } : {}) };
      return { value: out && input ? tensorValue(out, input.dtype) : UNKNOWN, item: { kind: 'layer', form: callee, layer: copy } };
    }
    default:
      return { value: UNKNOWN };
  }
}


