/**
 * Which tensor is the input, which the kernel, which the bias, and how each shape is read.
 * The seeds write a one-channel image as H×W, a multi-channel one as C×H×W, a batch as N×C×H×W,
 * and kernels as kH×kW, C_in×kH×kW (one output channel, d2l's `corr2d_multi_in`) or
 * C_out×C_in×kH×kW; every reading is stated in the result, so nothing is guessed silently.
 * Pure: no vscode, no Node.
 */
import * as l10n from '@vscode/l10n';
import { reshape, type Tensor } from '../engine/tensor';
import { isPool, type ComputeOp } from './params';

/** A tensor found in the document, with what the user called it. */
export interface NamedTensor {
  readonly name?: string;
  readonly tensor: Tensor;
  /** 0-based line where it starts, for labels and messages. */
  readonly line: number;
}

export interface Operands {
  readonly input: NamedTensor;
  readonly kernel?: NamedTensor;
  readonly bias?: NamedTensor;
  /** Tensors in the selection that took no part. */
  readonly ignored: readonly NamedTensor[];
}

const INPUT_WORDS = ['x', 'input', 'inputs', 'img', 'image', 'images'];
const KERNEL_WORDS = ['k', 'kernel', 'kernels', 'weight', 'weights', 'w', 'filter', 'filters'];
const BIAS_WORDS = ['b', 'bias'];

/**
 * Whether a name such as `X`, `input_data`, `img2`, `self.conv.weight.data` or `K3` is one of `words`:
 * any dotted segment equal to a word, or a word followed by `_` or digits.
 */
export function nameMatches(name: string | undefined, words: readonly string[]): boolean {
  if (!name) return false;
  return name
    .toLowerCase()
    .split('.')
    .some((seg) => words.some((w) => seg === w || new RegExp(`^${w}(_\\w*|\\d+)$`).test(seg)));
}

/**
 * Picks the operands among the tensors of a selection (in document order): names first (X/input/img
 * → input, K/kernel/weight/W → kernel, b/bias → bias when it is 1-D), then the first unnamed ones.
 * Returns undefined for an empty list.
 */
export function chooseOperands(found: readonly NamedTensor[]): Operands | undefined {
  if (found.length === 0) return undefined;
  const left = [...found];
  const take = (pred: (t: NamedTensor) => boolean): NamedTensor | undefined => {
    const i = left.findIndex(pred);
    return i < 0 ? undefined : left.splice(i, 1)[0];
  };
  let bias = take((t) => nameMatches(t.name, BIAS_WORDS) && t.tensor.shape.length === 1);
  let input = take((t) => nameMatches(t.name, INPUT_WORDS));
  let kernel = take((t) => nameMatches(t.name, KERNEL_WORDS));
  // Unnamed (or otherwise named) tensors fill the gaps in order: input, then kernel.
  input ??= take(() => true);
  kernel ??= take(() => true);
  if (!input) {
    // A lone tensor is the input, whatever its name (a kernel is then picked for it).
    input = kernel ?? bias!;
    if (input === kernel) kernel = undefined;
    else bias = undefined;
  }
  return { input, kernel, bias, ignored: left };
}

export type InputReading = 'H×W' | 'C×H×W' | 'N×C×H×W';
export type KernelReading = 'kH×kW' | 'C_in×kH×kW' | 'C_out×C_in×kH×kW' | 'C_in×C_out×kH×kW';

/** A shape problem, worded for the user (both shapes, both readings). */
export class ReadingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadingError';
  }
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

export interface ReadInput {
  /** The input as N×C×H×W. */
  readonly nchw: Tensor;
  readonly reading: InputReading;
}

/** Reads an input as NCHW: H×W is one channel, C×H×W one image, N×C×H×W a batch. */
export function readInput(t: Tensor, what = l10n.t('the input')): ReadInput {
  const s = t.shape;
  if (s.length === 2) return { nchw: reshape(t, [1, 1, s[0], s[1]]), reading: 'H×W' };
  if (s.length === 3) return { nchw: reshape(t, [1, s[0], s[1], s[2]]), reading: 'C×H×W' };
  if (s.length === 4) return { nchw: t, reading: 'N×C×H×W' };
  throw new ReadingError(
    l10n.t('{0} has shape {1} ({2}-D), but a 2-D conv or pool needs H×W, C×H×W or N×C×H×W', what, shapeText(s), s.length),
  );
}

export interface ReadKernel {
  /** OIHW for conv2d; [C_in, C_out/groups, kH, kW] for conv_transpose2d. */
  readonly weight: Tensor;
  readonly reading: KernelReading;
  /** True when the kernel has no output-channel axis (kH×kW or C_in×kH×kW). */
  readonly singleOutput: boolean;
}

/**
 * Reads a kernel against an input with `inChannels` channels, and checks that they fit. The error
 * names both shapes and both readings: `the input has 3 channels (read as C×H×W, shape [3, 5, 5]) but
 * the kernel has 2 (read as C_in×kH×kW, shape [2, 2, 2])`.
 */
export function readKernel(t: Tensor, input: Tensor, inputReading: InputReading, op: ComputeOp, groups: number): ReadKernel {
  const s = t.shape;
  const inChannels = readInput(input).nchw.shape[1];
  const transpose = op === 'conv_transpose2d';
  let weight: Tensor;
  let reading: KernelReading;
  let kernelChannels: number;
  if (s.length === 2) {
    weight = reshape(t, [1, 1, s[0], s[1]]);
    reading = 'kH×kW';
    kernelChannels = 1;
  } else if (s.length === 3) {
    // One output channel: a kH×kW slice for each input channel.
    weight = transpose ? reshape(t, [s[0], 1, s[1], s[2]]) : reshape(t, [1, s[0], s[1], s[2]]);
    reading = 'C_in×kH×kW';
    kernelChannels = s[0];
  } else if (s.length === 4) {
    weight = t;
    reading = transpose ? 'C_in×C_out×kH×kW' : 'C_out×C_in×kH×kW';
    kernelChannels = transpose ? s[0] : s[1] * groups;
  } else {
    throw new ReadingError(l10n.t('the kernel has shape {0} ({1}-D), but a kernel is kH×kW, C_in×kH×kW or C_out×C_in×kH×kW', shapeText(s), s.length));
  }
  if (s.length < 4 && groups !== 1) {
    throw new ReadingError(l10n.t('groups={0} needs a 4-D kernel (C_out×C_in/groups×kH×kW); the kernel has shape {1} (read as {2})', groups, shapeText(s), reading));
  }
  if (kernelChannels !== inChannels) {
    const inputSays =
      inChannels === 1
        ? l10n.t('the input has 1 channel (read as {0}, shape {1})', inputReading, shapeText(input.shape))
        : l10n.t('the input has {0} channels (read as {1}, shape {2})', inChannels, inputReading, shapeText(input.shape));
    const kernelSays =
      s.length === 4 && !transpose && groups > 1
        ? l10n.t('but the kernel has {0} = {1} per group × {2} groups (read as {3}, shape {4})', kernelChannels, s[1], groups, reading, shapeText(s))
        : l10n.t('but the kernel has {0} (read as {1}, shape {2})', kernelChannels, reading, shapeText(s));
    throw new ReadingError(l10n.t('{0} {1}', inputSays, kernelSays));
  }
  if (s.some((d) => d === 0)) throw new ReadingError(l10n.t('the kernel has an empty axis (shape {0})', shapeText(s)));
  return { weight, reading, singleOutput: s.length < 4 };
}

/** Reads a bias: one value per output channel (a 1-element bias serves a single output channel). */
export function readBias(t: Tensor, outChannels: number): Tensor {
  const s = t.shape;
  if ((s.length === 1 && s[0] === outChannels) || (s.length === 0 && outChannels === 1)) return reshape(t, [outChannels]);
  throw new ReadingError(
    outChannels === 1
      ? l10n.t('the bias has shape {0} but the kernel has 1 output channel: a bias needs one value per output channel (shape [1])', shapeText(s))
      : l10n.t('the bias has shape {0} but the kernel has {1} output channels: a bias needs one value per output channel (shape [{1}])', shapeText(s), outChannels),
  );
}

/** How the output is written back: the user's own layout, without the axes they did not write. */
export function outputShape(nchwOut: readonly number[], inputReading: InputReading, singleOutput: boolean, op: ComputeOp): number[] {
  const [n, c, h, w] = nchwOut;
  if (inputReading === 'N×C×H×W') return [n, c, h, w];
  if (isPool(op)) return inputReading === 'H×W' ? [h, w] : [c, h, w];
  // d2l's corr2d / corr2d_multi_in return H×W; corr2d_multi_in_out returns C_out×H×W.
  return singleOutput && c === 1 ? [h, w] : [c, h, w];
}

export const readingOfOutput = (shape: readonly number[]): string =>
  shape.length === 2 ? 'H×W' : shape.length === 3 ? 'C×H×W' : 'N×C×H×W';
