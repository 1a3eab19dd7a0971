/**
 * The playground's arithmetic, all through the engine: the forward op for the current options, the
 * partial maps of the channels view and the padded input of the step-through. Pure (no DOM), so the
 * worker runs it and the unit tests check it under Node.
 */
import {
  avgPool2d,
  conv2d,
  convInfo,
  convTranspose2d,
  convTransposeInfo,
  EngineError,
  maxPool2d,
  partialMaps,
  poolInfo,
  tensor,
  type ConvInfo,
  type Tensor,
} from '../../src/engine';
import type { Params } from './state';

export interface Operands {
  /** C×H×W. */
  input: Tensor;
  /** OIHW for conv2d; [C_in, C_out/groups, kH, kW] for a transposed conv; unused by pools. */
  kernel: Tensor;
  bias: Tensor | null;
}

/** Engine padding for a conv2d from the form: four sides, 'same' or 'valid'. */
function convPadding(p: Params): 'same' | 'valid' | [number, number, number, number] {
  return p.paddingKind === 'numbers' ? p.padding : p.paddingKind;
}

/** Pools and transposed convs take no 'same'; 'valid' is zero padding for them. */
function plainPadding(op: string, p: Params): [number, number, number, number] {
  if (p.paddingKind === 'same') throw new EngineError(op, "padding='same' is only defined for conv2d");
  return p.paddingKind === 'valid' ? [0, 0, 0, 0] : p.padding;
}

/** Resolves the current call once (shapes, padding per side), or throws the engine's error. */
export function resolve(p: Params, inputShape: readonly number[], kernelShape: readonly number[], hasBias: boolean): ConvInfo {
  switch (p.op) {
    case 'conv2d':
      return convInfo(inputShape, kernelShape, { ...convOptions(p), hasBias });
    case 'conv_transpose2d':
      return convTransposeInfo(inputShape, kernelShape, { ...transposeOptions(p), hasBias });
    case 'max_pool2d':
    case 'avg_pool2d':
      return poolInfo(p.op, inputShape, poolOptions(p));
  }
}

function convOptions(p: Params) {
  return {
    stride: p.stride,
    padding: convPadding(p),
    dilation: p.dilation,
    groups: p.groups,
    paddingMode: p.paddingMode,
    convolution: p.convolution,
  };
}

function transposeOptions(p: Params) {
  return { stride: p.stride, padding: plainPadding(p.op, p), outputPadding: p.outputPadding, dilation: p.dilation, groups: p.groups };
}

function poolOptions(p: Params) {
  return {
    kernelSize: p.poolSize,
    stride: p.stride,
    padding: plainPadding(p.op, p),
    dilation: p.op === 'max_pool2d' ? p.dilation : ([1, 1] as [number, number]),
    ceilMode: p.ceilMode,
    countIncludePad: p.countIncludePad,
  };
}

export interface Forward {
  info: ConvInfo;
  /** C_out×H_out×W_out. */
  output: Tensor;
  /** Max pooling: the flat index (in its input plane) of each output's winner. */
  indices: Tensor | null;
}

/** The op the form describes, applied by the engine. */
export function forward(p: Params, x: Operands): Forward {
  const info = resolve(p, x.input.shape, x.kernel.shape, x.bias !== null);
  switch (p.op) {
    case 'conv2d':
      return {
        info,
        output: conv2d(x.input, x.kernel, x.bias, convOptions(p)),
        indices: null,
      };
    case 'conv_transpose2d':
      return {
        info,
        output: convTranspose2d(x.input, x.kernel, x.bias, transposeOptions(p)),
        indices: null,
      };
    case 'max_pool2d': {
      const r = maxPool2d(x.input, { ...poolOptions(p), returnIndices: true });
      return { info, output: r.output, indices: r.indices ?? null };
    }
    case 'avg_pool2d':
      return { info, output: avgPool2d(x.input, poolOptions(p)), indices: null };
  }
}

export interface ChannelParts {
  /** Output channel shown. */
  o: number;
  /** The input channels of o's group, in order. */
  channels: number[];
  /** One H_out×W_out map per input channel of the group: that channel's share of output o. */
  partials: Tensor[];
  /** Their sum (before bias). */
  sum: Tensor;
}

/** Output channel o of a conv2d taken apart by input channel (the chapter's multi-input picture). */
export function channelParts(info: ConvInfo, x: Operands, o: number): ChannelParts {
  const maps = partialMaps(info, x.input, x.kernel, 0, o);
  const hw = info.outHeight * info.outWidth;
  const sum = new Float64Array(hw);
  const partials: Tensor[] = [];
  const cg = info.inChannelsPerGroup;
  for (let c = 0; c < cg; c++) {
    const plane = maps.data.subarray(c * hw, (c + 1) * hw);
    for (let i = 0; i < hw; i++) sum[i] += plane[i];
    partials.push(tensor([info.outHeight, info.outWidth], plane));
  }
  const first = Math.floor(o / info.outChannelsPerGroup) * cg;
  return { o, channels: Array.from({ length: cg }, (_, c) => first + c), partials, sum: tensor([info.outHeight, info.outWidth], sum) };
}
