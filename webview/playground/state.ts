/**
 * Everything the playground shows follows from this one serialisable state. It is saved with
 * `vscode.setState` after each change, so hiding the panel or reloading the window loses nothing;
 * a restored state is checked like any other input (it may come from an older version).
 */
import {
  isFiniteNumber,
  isInteger,
  isObject,
  isPlaygroundParams,
  isWireTensor,
  type PlaygroundArgs,
  type PlaygroundOp,
  type PlaygroundPaddingMode,
  type WireTensor,
} from '../../src/protocol';

export type Pair = [number, number];
export type TabId = 'output' | 'step' | 'channels' | 'costs' | 'learn' | 'images';
export const TABS: readonly TabId[] = ['output', 'step', 'channels', 'costs', 'learn', 'images'];

export interface Params {
  op: PlaygroundOp;
  stride: Pair;
  /** 'numbers' uses `padding` (top, bottom, left, right). */
  paddingKind: 'numbers' | 'same' | 'valid';
  padding: [number, number, number, number];
  dilation: Pair;
  groups: number;
  paddingMode: PlaygroundPaddingMode;
  /** True convolution (kernel flipped) rather than cross-correlation. */
  convolution: boolean;
  outputPadding: Pair;
  /** Pooling window (the kernel editor's tensor is unused by pools). */
  poolSize: Pair;
  ceilMode: boolean;
  countIncludePad: boolean;
}

export interface LearnState {
  /** X of seed 004: 6×8 ones with columns 2..5 zero. */
  x: WireTensor;
  /** The kernel that makes the target Y = X ⋆ trueKernel. */
  trueKernel: WireTensor;
  lr: number;
  steps: number;
  /** Seed of the random start, so a run can be repeated. */
  seed: number;
}

export interface CostState {
  /** Throughputs in FLOP/s the time is shown at. */
  throughputs: number[];
  samples: number;
  layers: number;
}

export interface ImageState {
  name: string;
  width: number;
  height: number;
  /** RGB bytes, base64 (downscaled so the long side is at most IMAGE_MAX_SIDE). */
  rgb: string;
  /** Which kernel the images view applies: the editor's, or a preset by name. */
  kernel: string;
  gray: boolean;
}

export interface PlaygroundState {
  v: 1;
  input: WireTensor;
  kernel: WireTensor;
  bias: number[] | null;
  params: Params;
  tab: TabId;
  /** Output channel the step-through and channels views follow, and the step's position. */
  channel: number;
  step: number;
  costs: CostState;
  learn: LearnState;
  image: ImageState | null;
}

export const IMAGE_MAX_SIDE = 256;

export const DEFAULT_PARAMS: Params = {
  op: 'conv2d',
  stride: [1, 1],
  paddingKind: 'numbers',
  padding: [0, 0, 0, 0],
  dilation: [1, 1],
  groups: 1,
  paddingMode: 'zeros',
  convolution: false,
  outputPadding: [0, 0],
  poolSize: [2, 2],
  ceilMode: false,
  countIncludePad: true,
};

/** Seed 004's edge image: 6×8 ones, columns 2..5 set to zero. */
export function edgeImage(): WireTensor {
  const data: number[] = [];
  for (let y = 0; y < 6; y++) for (let x = 0; x < 8; x++) data.push(x >= 2 && x < 6 ? 0 : 1);
  return { shape: [6, 8], data };
}

export function defaultState(): PlaygroundState {
  return {
    v: 1,
    // The chapter's two-channel example (S1): the output is [[56, 72], [104, 120]].
    input: { shape: [2, 3, 3], data: [0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
    kernel: { shape: [1, 2, 2, 2], data: [0, 1, 2, 3, 1, 2, 3, 4] },
    bias: null,
    params: { ...DEFAULT_PARAMS },
    tab: 'output',
    channel: 0,
    step: 0,
    costs: { throughputs: [0.15e12, 12e12], samples: 1_000_000, layers: 10 },
    learn: { x: edgeImage(), trueKernel: { shape: [1, 2], data: [1, -1] }, lr: 0.01, steps: 20, seed: 1 },
    image: null,
  };
}

const isPair = (v: unknown, min: number): v is Pair => Array.isArray(v) && v.length === 2 && v.every((x) => isInteger(x, min, 1000));

/** A saved state if it is whole and sound, otherwise the defaults (never a half-trusted mix). */
export function restoreState(saved: unknown): PlaygroundState {
  const d = defaultState();
  if (!isObject(saved) || saved.v !== 1) return d;
  const s = saved as Record<string, unknown>;
  const p = isObject(s.params) ? s.params : {};
  const paramsOk =
    ['conv2d', 'conv_transpose2d', 'max_pool2d', 'avg_pool2d'].includes(p.op as string) &&
    isPair(p.stride, 1) &&
    ['numbers', 'same', 'valid'].includes(p.paddingKind as string) &&
    Array.isArray(p.padding) && p.padding.length === 4 && p.padding.every((x) => isInteger(x, 0, 1000)) &&
    isPair(p.dilation, 1) &&
    isInteger(p.groups, 1, 100_000) &&
    ['zeros', 'reflect', 'replicate', 'circular'].includes(p.paddingMode as string) &&
    typeof p.convolution === 'boolean' &&
    isPair(p.outputPadding, 0) &&
    isPair(p.poolSize, 1) &&
    typeof p.ceilMode === 'boolean' &&
    typeof p.countIncludePad === 'boolean';
  const c = isObject(s.costs) ? s.costs : {};
  const l = isObject(s.learn) ? s.learn : {};
  const img = s.image;
  const imageOk =
    img === null ||
    (isObject(img) && typeof img.name === 'string' && isInteger(img.width, 1, IMAGE_MAX_SIDE) && isInteger(img.height, 1, IMAGE_MAX_SIDE) &&
      typeof img.rgb === 'string' && typeof img.kernel === 'string' && typeof img.gray === 'boolean');
  if (
    !paramsOk ||
    !isWireTensor(s.input) || s.input.shape.length !== 3 ||
    !isWireTensor(s.kernel) || s.kernel.shape.length !== 4 ||
    !(s.bias === null || (Array.isArray(s.bias) && s.bias.every(isFiniteNumber))) ||
    !TABS.includes(s.tab as TabId) ||
    !isInteger(s.channel, 0, 100_000) || !isInteger(s.step, 0, 1 << 24) ||
    !(Array.isArray(c.throughputs) && c.throughputs.length <= 8 && c.throughputs.every((x) => isFiniteNumber(x) && x > 0)) ||
    !isInteger(c.samples, 1, 1e15) || !isInteger(c.layers, 1, 10_000) ||
    !isWireTensor(l.x) || l.x.shape.length !== 2 || !isWireTensor(l.trueKernel) || l.trueKernel.shape.length !== 2 ||
    !(isFiniteNumber(l.lr) && l.lr > 0) || !isInteger(l.steps, 1, 10_000) || !isInteger(l.seed, 0, 2 ** 31) ||
    !imageOk
  ) {
    return d;
  }
  return saved as unknown as PlaygroundState;
}

const pair = (v: number | [number, number]): Pair => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/**
 * Applies the command's arguments (already checked by the protocol guard) to a state: tensors are
 * read as the chapter writes them (H×W, C×H×W, 1×C×H×W input; kH×kW, C_in×kH×kW or OIHW kernel).
 */
export function applyArgs(state: PlaygroundState, args: PlaygroundArgs): PlaygroundState | string {
  const next: PlaygroundState = structuredClone(state);
  if (args.input) {
    const input = asInput(args.input);
    if (typeof input === 'string') return input;
    next.input = input;
  }
  if (args.kernel) next.kernel = asKernel(args.kernel);
  if (args.bias) next.bias = [...args.bias];
  else if (args.kernel) next.bias = null;
  const a = args.params;
  if (a && isPlaygroundParams(a)) {
    const p = next.params;
    if (a.op) p.op = a.op;
    if (a.stride !== undefined) p.stride = pair(a.stride);
    else if (a.op === 'max_pool2d' || a.op === 'avg_pool2d') p.stride = pair(a.kernelSize ?? p.poolSize);
    if (a.padding === 'same' || a.padding === 'valid') p.paddingKind = a.padding;
    else if (a.padding !== undefined) {
      p.paddingKind = 'numbers';
      const v = a.padding;
      p.padding = typeof v === 'number' ? [v, v, v, v] : v.length === 2 ? [v[0], v[0], v[1], v[1]] : [v[0], v[1], v[2], v[3]];
    }
    if (a.dilation !== undefined) p.dilation = pair(a.dilation);
    if (a.groups !== undefined) p.groups = a.groups;
    if (a.paddingMode) p.paddingMode = a.paddingMode;
    if (a.convolution !== undefined) p.convolution = a.convolution;
    if (a.outputPadding !== undefined) p.outputPadding = pair(a.outputPadding);
    if (a.kernelSize !== undefined) p.poolSize = pair(a.kernelSize);
    if (a.ceilMode !== undefined) p.ceilMode = a.ceilMode;
    if (a.countIncludePad !== undefined) p.countIncludePad = a.countIncludePad;
  }
  if (next.bias && next.bias.length !== outChannelsOf(next)) next.bias = null;
  next.channel = 0;
  next.step = 0;
  return next;
}

/** An input of any accepted rank as C×H×W; a batch of more than one sample is refused. */
export function asInput(t: WireTensor): WireTensor | string {
  const s = t.shape;
  if (s.length === 2) return { shape: [1, s[0], s[1]], data: t.data };
  if (s.length === 3) return t;
  if (s.length === 4 && s[0] === 1) return { shape: s.slice(1), data: t.data };
  if (s.length === 4) return `batch of ${s[0]}`;
  return `rank ${s.length}`;
}

/** A kernel of any accepted rank as OIHW: kH×kW → 1×1×kH×kW, C×kH×kW → 1×C×kH×kW (d2l's corr2d_multi_in). */
export function asKernel(t: WireTensor): WireTensor {
  const s = t.shape;
  if (s.length === 1) return { shape: [1, 1, 1, s[0]], data: t.data };
  if (s.length === 2) return { shape: [1, 1, s[0], s[1]], data: t.data };
  if (s.length === 3) return { shape: [1, s[0], s[1], s[2]], data: t.data };
  return t;
}

export const isPoolOp = (op: PlaygroundOp): boolean => op === 'max_pool2d' || op === 'avg_pool2d';

/** Output channels the current op makes. */
export function outChannelsOf(s: PlaygroundState): number {
  if (isPoolOp(s.params.op)) return s.input.shape[0];
  if (s.params.op === 'conv_transpose2d') return s.kernel.shape[1] * s.params.groups;
  return s.kernel.shape[0];
}

/**
 * Keeps the kernel's input-channel axis in step with the input and groups (so adding an input
 * channel adds a kernel slice), filling new slices with zeros. Does nothing when the numbers do not
 * divide: the engine's error then says why.
 */
export function conformKernel(s: PlaygroundState): void {
  const cIn = s.input.shape[0];
  const g = s.params.groups;
  const [a, b] = s.kernel.shape;
  if (s.params.op === 'conv2d' && cIn % g === 0 && b !== cIn / g) s.kernel = resizeAxis(s.kernel, 1, cIn / g);
  else if (s.params.op === 'conv_transpose2d' && a !== cIn) s.kernel = resizeAxis(s.kernel, 0, cIn);
  if (s.bias && s.bias.length !== outChannelsOf(s)) s.bias = resizeList(s.bias, outChannelsOf(s));
}

/** A copy with axis `axis` cut or zero-extended to `size` (values at kept indices stay put). */
export function resizeAxis(t: WireTensor, axis: number, size: number, fill: (i: number) => number = () => 0): WireTensor {
  const shape = [...t.shape];
  shape[axis] = size;
  const inner = t.shape.slice(axis + 1).reduce((x, y) => x * y, 1);
  const outer = t.shape.slice(0, axis).reduce((x, y) => x * y, 1);
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < size; i++) {
      for (let k = 0; k < inner; k++) {
        data.push(i < t.shape[axis] ? t.data[(o * t.shape[axis] + i) * inner + k] : fill(data.length));
      }
    }
  }
  return { shape, data };
}

/** A copy of a 2-D slice grid resized to h×w in its last two axes, keeping the top-left values. */
export function resizeSpatial(t: WireTensor, height: number, width: number): WireTensor {
  const r = t.shape.length;
  const [oh, ow] = [t.shape[r - 2], t.shape[r - 1]];
  const planes = t.data.length / (oh * ow);
  const data: number[] = [];
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.push(y < oh && x < ow ? t.data[p * oh * ow + y * ow + x] : 0);
  }
  return { shape: [...t.shape.slice(0, r - 2), height, width], data };
}

export function resizeList(list: number[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => list[i] ?? 0);
}
