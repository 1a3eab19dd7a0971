/**
 * `conv-lens compute --op OP --input FILE [--weight FILE] [--bias FILE] [options]`: one conv or
 * pooling call on tensors read from files (or `-` for stdin), printed as PyTorch prints it or as JSON.
 *
 * FILE holds a nested list in JSON or Python syntax, optionally wrapped in `torch.tensor(…)`.
 * K, S, D, A are `n` or `h,w`; P is `n`, `h,w`, `top,bottom,left,right`, `same` or `valid`.
 * Defaults are PyTorch's. Bad input: exit code 2 and one line on stderr.
 */
import { readFileSync } from 'node:fs';
import {
  EngineError,
  avgPool2d,
  conv2d,
  convCost,
  convInfo,
  convTranspose2d,
  convTransposeInfo,
  formatTensor,
  lpPool2d,
  maxPool2d,
  poolInfo,
  tensor,
  type ConvCost,
  type DType,
  type PaddingMode,
  type Tensor,
} from '../engine';
import { parseNested } from '../parse';

const OPS = ['conv2d', 'conv_transpose2d', 'max_pool2d', 'avg_pool2d', 'lp_pool2d'] as const;
type ComputeOp = (typeof OPS)[number];

/** A usage problem: reported as one line, exit code 2. */
export class UsageError extends Error {}

type Pair = [number, number];

export interface ComputeRequest {
  op: ComputeOp;
  input: string;
  weight?: string;
  bias?: string;
  kernelSize?: Pair;
  stride?: Pair;
  padding?: number | Pair | [number, number, number, number] | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
  paddingMode?: PaddingMode;
  outputPadding?: Pair;
  ceilMode: boolean;
  countIncludePad: boolean;
  divisorOverride?: number;
  normType?: number;
  convolution: boolean;
  dtype: DType;
  /** --dtype was given: text output then shows a float64 tensor's dtype, as PyTorch prints one. */
  dtypeGiven: boolean;
  format: 'text' | 'json';
}

/** Which options make sense for which ops; anything else is a usage error rather than silently ignored. */
const OPTION_OPS: Record<string, readonly ComputeOp[]> = {
  '--weight': ['conv2d', 'conv_transpose2d'],
  '--bias': ['conv2d', 'conv_transpose2d'],
  '--kernel-size': ['max_pool2d', 'avg_pool2d', 'lp_pool2d'],
  '--stride': OPS,
  '--padding': ['conv2d', 'conv_transpose2d', 'max_pool2d', 'avg_pool2d'],
  '--dilation': ['conv2d', 'conv_transpose2d', 'max_pool2d'],
  '--groups': ['conv2d', 'conv_transpose2d'],
  '--padding-mode': ['conv2d'],
  '--output-padding': ['conv_transpose2d'],
  '--ceil-mode': ['max_pool2d', 'avg_pool2d', 'lp_pool2d'],
  '--no-count-include-pad': ['avg_pool2d'],
  '--divisor-override': ['avg_pool2d'],
  '--norm-type': ['lp_pool2d'],
  '--convolution': ['conv2d'],
  '--dtype': OPS,
  '--format': OPS,
  '--input': OPS,
  '--op': OPS,
};
const FLAGS = new Set(['--ceil-mode', '--no-count-include-pad', '--convolution']);

function integer(flag: string, text: string, min: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${flag} expects a whole number, got '${text}'`);
  const n = Number(text);
  if (n < min) throw new UsageError(`${flag} must be at least ${min}, got ${n}`);
  return n;
}

/** `n` or `h,w`. */
function pairOf(flag: string, text: string, min: number): Pair {
  const parts = text.split(',');
  if (parts.length === 1) {
    const n = integer(flag, parts[0], min);
    return [n, n];
  }
  if (parts.length === 2) return [integer(flag, parts[0], min), integer(flag, parts[1], min)];
  throw new UsageError(`${flag} expects n or h,w, got '${text}'`);
}

/** `n`, `h,w`, `top,bottom,left,right`, `same` or `valid`. */
function paddingOf(text: string): NonNullable<ComputeRequest['padding']> {
  if (text === 'same' || text === 'valid') return text;
  const parts = text.split(',');
  if (parts.length === 1) return integer('--padding', parts[0], 0);
  if (parts.length === 2) return [integer('--padding', parts[0], 0), integer('--padding', parts[1], 0)];
  if (parts.length === 4) {
    const [t, b, l, r] = parts.map((p) => integer('--padding', p, 0));
    return [t, b, l, r];
  }
  throw new UsageError(`--padding expects n, h,w, top,bottom,left,right, same or valid, got '${text}'`);
}

/** Reads the command line into a request; throws UsageError with the flag and the value at fault. */
export function parseComputeArgs(args: readonly string[]): ComputeRequest {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (!(flag in OPTION_OPS)) throw new UsageError(`unknown option '${flag}'`);
    if (values.has(flag)) throw new UsageError(`${flag} is given twice`);
    if (FLAGS.has(flag)) {
      values.set(flag, 'true');
      continue;
    }
    const value = args[i + 1];
    if (value === undefined || (value.startsWith('--') && value !== '-')) throw new UsageError(`${flag} needs a value`);
    values.set(flag, value);
    i++;
  }
  const op = values.get('--op');
  if (!op) throw new UsageError(`--op is required (${OPS.join(', ')})`);
  if (!(OPS as readonly string[]).includes(op)) throw new UsageError(`--op must be one of ${OPS.join(', ')}, got '${op}'`);
  const theOp = op as ComputeOp;
  for (const flag of values.keys()) {
    if (!OPTION_OPS[flag].includes(theOp)) throw new UsageError(`${flag} does not apply to ${theOp}`);
  }
  const input = values.get('--input');
  if (!input) throw new UsageError('--input FILE is required (- reads stdin)');
  const isConv = theOp === 'conv2d' || theOp === 'conv_transpose2d';
  if (isConv && !values.has('--weight')) throw new UsageError(`${theOp} needs --weight FILE`);
  if (!isConv && !values.has('--kernel-size')) throw new UsageError(`${theOp} needs --kernel-size K`);
  if (theOp === 'lp_pool2d' && !values.has('--norm-type')) throw new UsageError('lp_pool2d needs --norm-type p');
  const stdinUsers = ['--input', '--weight', '--bias'].filter((f) => values.get(f) === '-');
  if (stdinUsers.length > 1) throw new UsageError(`only one of ${stdinUsers.join(', ')} can read stdin`);

  const dtype = values.get('--dtype') ?? 'float64';
  if (dtype !== 'float64' && dtype !== 'float32') throw new UsageError(`--dtype must be float64 or float32, got '${dtype}'`);
  const format = values.get('--format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got '${format}'`);
  const mode = values.get('--padding-mode');
  if (mode !== undefined && !['zeros', 'reflect', 'replicate', 'circular'].includes(mode)) {
    throw new UsageError(`--padding-mode must be zeros, reflect, replicate or circular, got '${mode}'`);
  }
  const get = <T>(flag: string, read: (text: string) => T): T | undefined => {
    const text = values.get(flag);
    return text === undefined ? undefined : read(text);
  };
  const normType = get('--norm-type', (t) => {
    const p = Number(t);
    if (t.trim() === '' || !Number.isFinite(p)) throw new UsageError(`--norm-type expects a number, got '${t}'`);
    return p;
  });
  return {
    op: theOp,
    input,
    weight: values.get('--weight'),
    bias: values.get('--bias'),
    kernelSize: get('--kernel-size', (t) => pairOf('--kernel-size', t, 1)),
    stride: get('--stride', (t) => pairOf('--stride', t, 1)),
    padding: get('--padding', paddingOf),
    dilation: get('--dilation', (t) => pairOf('--dilation', t, 1)),
    groups: get('--groups', (t) => integer('--groups', t, 1)),
    paddingMode: mode as PaddingMode | undefined,
    outputPadding: get('--output-padding', (t) => pairOf('--output-padding', t, 0)),
    ceilMode: values.has('--ceil-mode'),
    countIncludePad: !values.has('--no-count-include-pad'),
    divisorOverride: get('--divisor-override', (t) => integer('--divisor-override', t, -Infinity)),
    normType,
    convolution: values.has('--convolution'),
    dtype,
    dtypeGiven: values.has('--dtype'),
    format,
  };
}

/**
 * A tensor from a file's text: a nested list (JSON or Python), or one wrapped in a call such as
 * `torch.tensor([...], dtype=torch.float32)`. `what` names the flag in messages.
 */
export function readTensorText(text: string, dtype: DType, what: string): Tensor {
  const wrapper = /^\s*[A-Za-z_][\w.]*\s*\(/.exec(text);
  const start = wrapper ? wrapper[0].length : 0;
  const parsed = parseNested(text, start);
  if (!parsed.ok) throw new UsageError(`${what}: ${parsed.error.message}`);
  const rest = text.slice(parsed.value.end);
  const tail = wrapper ? /^\s*(,\s*\w+\s*=\s*[\w.]+\s*)*,?\s*\)\s*$/ : /^\s*$/;
  if (!tail.test(rest)) {
    throw new UsageError(`${what}: unexpected text after the tensor: '${rest.trim().slice(0, 30)}'`);
  }
  return tensor(parsed.value.shape, parsed.value.values, dtype);
}

export interface ComputeResult {
  output: Tensor;
  indices?: Tensor;
  cost: ConvCost;
}

/** Runs the request on tensors read through `read(path)`. Engine errors pass through as EngineError. */
export function runCompute(req: ComputeRequest, read: (path: string) => string): ComputeResult {
  const load = (flag: string, path: string): Tensor => readTensorText(read(path), req.dtype, `${flag} ${path}`);
  const x = load('--input', req.input);
  if (req.op === 'conv2d' || req.op === 'conv_transpose2d') {
    const w = load('--weight', req.weight as string);
    const b = req.bias ? load('--bias', req.bias) : null;
    const common = { stride: req.stride, dilation: req.dilation, groups: req.groups };
    if (req.op === 'conv2d') {
      const options = { ...common, padding: req.padding, paddingMode: req.paddingMode, convolution: req.convolution };
      const output = conv2d(x, w, b, options);
      return { output, cost: convCost(convInfo(x.shape, w.shape, { ...options, hasBias: b !== null }), req.dtype) };
    }
    if (req.padding === 'same' || req.padding === 'valid') throw new UsageError(`conv_transpose2d takes numeric padding, not '${req.padding}'`);
    const options = { ...common, padding: req.padding, outputPadding: req.outputPadding };
    const output = convTranspose2d(x, w, b, options);
    return { output, cost: convCost(convTransposeInfo(x.shape, w.shape, { ...options, hasBias: b !== null }), req.dtype) };
  }
  if (req.padding === 'same') throw new UsageError(`${req.op} takes numeric padding or 'valid', not 'same'`);
  const pool = {
    kernelSize: req.kernelSize as Pair,
    stride: req.stride,
    padding: req.padding,
    dilation: req.dilation,
    ceilMode: req.ceilMode,
    countIncludePad: req.countIncludePad,
    divisorOverride: req.divisorOverride ?? null,
    normType: req.normType,
  };
  const op = req.op;
  const cost = (): ConvCost => convCost(poolInfo(op, x.shape, pool), req.dtype);
  if (req.op === 'max_pool2d') {
    const { output, indices } = maxPool2d(x, { ...pool, returnIndices: true });
    return { output, indices, cost: cost() };
  }
  if (req.op === 'avg_pool2d') return { output: avgPool2d(x, pool), cost: cost() };
  return { output: lpPool2d(x, { ...pool, normType: req.normType as number }), cost: cost() };
}

/** JSON has no NaN or infinities: they are written as the strings "NaN", "Infinity", "-Infinity". */
const jsonNumber = (v: number): number | string => (Number.isFinite(v) ? v : String(v));

/** The result as one JSON object: shape, row-major data, cost (and indices for max_pool2d). */
export function resultJson(result: ComputeResult): string {
  const out: Record<string, unknown> = {
    shape: result.output.shape,
    data: Array.from(result.output.data, jsonNumber),
    cost: { macs: result.cost.macs, flops: result.cost.flops, params: result.cost.params },
  };
  if (result.indices) out.indices = Array.from(result.indices.data);
  return JSON.stringify(out);
}

/** The result as PyTorch prints the output tensor. */
export function resultText(result: ComputeResult, req: ComputeRequest): string {
  return formatTensor(result.output, { showDtype: req.dtypeGiven && req.dtype === 'float64' });
}

function readPath(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path === '-' ? 'stdin' : path}${code ? ` (${code})` : ''}`);
  }
}

/** The `compute` command: exit 0 with the result on stdout, or 2 with one line on stderr. */
export function computeCommand(args: string[]): number {
  try {
    const req = parseComputeArgs(args);
    const result = runCompute(req, readPath);
    process.stdout.write((req.format === 'json' ? resultJson(result) : resultText(result, req)) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof EngineError) {
      process.stderr.write(`conv-lens compute: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
