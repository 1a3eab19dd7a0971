/**
 * Conv and pooling layers found in a document: `nn.Conv2d(…)` modules, functional calls
 * (`F.conv2d(X, K, stride=2)`), d2l's `corr2d` and the seeds' helpers (`corr2d_multi_in`,
 * `corr2d_multi_in_out`, `pool2d`, `comp_conv2d` …). A `LayerSpec` holds the arguments as written;
 * `resolveLayer` asks the engine for the output size and costs once an input shape is known, so
 * no size is computed here.
 */
import { EngineError } from '../engine/errors';
import { convInfo, convTransposeInfo, poolInfo, type ConvInfo, type Padding2d, type PaddingMode } from '../engine/convInfo';

export type LayerOp = 'conv2d' | 'conv_transpose2d' | 'max_pool2d' | 'avg_pool2d' | 'corr2d';

/** Where a layer's arguments came from: a module (`nn.Conv2d`), a function (`F.conv2d`) or a d2l helper. */
export type LayerStyle = 'module' | 'functional' | 'helper';

export interface LayerSpec {
  readonly op: LayerOp;
  readonly style: LayerStyle;
  /** The callee as written: `nn.Conv2d`, `F.conv2d`, `corr2d_multi_in_out`. */
  readonly callee: string;
  /** Modules: the channel counts given. */
  readonly inChannels?: number;
  readonly outChannels?: number;
  readonly kernelSize?: readonly [number, number];
  readonly stride?: readonly [number, number] | null;
  readonly padding?: Padding2d;
  readonly dilation?: readonly [number, number];
  readonly outputPadding?: readonly [number, number];
  readonly groups?: number;
  readonly bias?: boolean;
  readonly paddingMode?: PaddingMode;
  readonly ceilMode?: boolean;
  readonly countIncludePad?: boolean;
  readonly divisorOverride?: number | null;
  /** An argument the scanner could not read (a name it does not know): sizes that need it stay unknown. */
  readonly unknownArgument?: string;
}

/** A layer with what is known about it: weights from its arguments, output from an input when known. */
export interface LayerReport {
  readonly spec: LayerSpec;
  readonly weightShape: readonly number[] | null;
  readonly biasShape: readonly number[] | null;
  readonly params: number | null;
  readonly inputShape?: readonly number[];
  readonly outputShape?: readonly number[];
  readonly info?: ConvInfo;
  /** A shape mismatch or bad parameter, said plainly (the engine's message). */
  readonly error?: string;
}

type ModuleWeights = { readonly weightShape: readonly number[] | null; readonly biasShape: readonly number[] | null; readonly params: number | null };

/**
 * The last spec asked about and its weights: a module's item asks, then each application (`conv(X)`)
 * and `conv.weight` ask again about the same spec, and share its shapes rather than making new ones.
 */
let lastSpec: LayerSpec | undefined;
let lastWeights: ModuleWeights | undefined;

/** Weight and bias shapes a module's arguments fix (functional calls take them from their operands). Shared: not to be modified. */
export function moduleWeights(spec: LayerSpec): ModuleWeights {
  if (spec !== lastSpec || !lastWeights) {
    lastWeights = computeModuleWeights(spec);
    lastSpec = spec;
  }
  return lastWeights;
}

function computeModuleWeights(spec: LayerSpec): ModuleWeights {
  if (spec.op === 'max_pool2d' || spec.op === 'avg_pool2d') return { weightShape: null, biasShape: null, params: 0 };
  if (spec.style !== 'module' || spec.inChannels === undefined || spec.outChannels === undefined || !spec.kernelSize) {
    return { weightShape: null, biasShape: null, params: null };
  }
  const groups = spec.groups ?? 1;
  const [kh, kw] = spec.kernelSize;
  const weightShape =
    spec.op === 'conv_transpose2d'
      ? [spec.inChannels, spec.outChannels / groups, kh, kw]
      : [spec.outChannels, spec.inChannels / groups, kh, kw];
  const biasShape = spec.bias === false ? null : [spec.outChannels];
  const params = weightShape.reduce((a, b) => a * b, 1) + (biasShape ? spec.outChannels : 0);
  return { weightShape, biasShape, params };
}

/**
 * The engine's resolution of `spec` over `inputShape` (and, for functional calls, the weight shape).
 * Throws EngineError on a mismatch (the caller reports it).
 */
export function resolveInfo(spec: LayerSpec, inputShape: readonly number[], weightShape: readonly number[] | null): ConvInfo {
  const op = spec.op;
  if (op === 'max_pool2d' || op === 'avg_pool2d') {
    if (!spec.kernelSize) throw new EngineError(op, 'kernel_size is not known');
    return poolInfo(op, inputShape, {
      kernelSize: spec.kernelSize,
      stride: spec.stride ?? null,
      padding: spec.padding === 'same' ? 0 : (spec.padding ?? 0),
      dilation: spec.dilation ?? 1,
      ceilMode: spec.ceilMode ?? false,
      countIncludePad: spec.countIncludePad ?? true,
      divisorOverride: spec.divisorOverride ?? null,
    });
  }
  if (!weightShape) throw new EngineError(op, 'the weight shape is not known');
  if (op === 'conv_transpose2d') {
    const padding = spec.padding;
    if (padding === 'same' || padding === 'valid') throw new EngineError(op, `padding='${padding}' is not supported for transposed convolution`);
    return convTransposeInfo(inputShape, weightShape, {
      stride: spec.stride ?? 1,
      padding: padding ?? 0,
      outputPadding: spec.outputPadding ?? 0,
      dilation: spec.dilation ?? 1,
      groups: spec.groups ?? 1,
      hasBias: spec.bias !== false,
    });
  }
  return convInfo(inputShape, weightShape, {
    stride: spec.stride ?? 1,
    padding: spec.padding ?? 0,
    dilation: spec.dilation ?? 1,
    groups: spec.groups ?? 1,
    paddingMode: spec.paddingMode ?? 'zeros',
    hasBias: spec.bias !== false,
  });
}

/** What a report needs of a resolution right away; the full ConvInfo is built only when asked for. */
export interface ConvSize {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

const isPair = (v: unknown): v is readonly [number, number] => Array.isArray(v) && v.length === 2;
const positiveInt = (v: number): boolean => Number.isInteger(v) && v > 0;
const naturalInt = (v: number): boolean => Number.isInteger(v) && v >= 0;

/**
 * The output size of a plain conv2d (zeros or replicate padding) when every check the engine's
 * `convInfo` makes certainly passes; undefined whenever one might fail or the case is unusual, and
 * the caller then asks the engine (which gives the exact message). The scan resolves thousands of
 * layers, and a full ConvInfo costs about 2 KB of garbage each; hovers ask for it later.
 */
export function quickConvSize(spec: LayerSpec, inputShape: readonly number[], weightShape: readonly number[]): ConvSize | undefined {
  const r = inputShape.length;
  if (r < 2 || r > 4 || weightShape.length !== 4) return undefined;
  const batch = r === 4 ? inputShape[0] : 1;
  const inChannels = r === 2 ? 1 : inputShape[r - 3];
  const inHeight = inputShape[r - 2];
  const inWidth = inputShape[r - 1];
  if (!(batch > 0 && inChannels > 0 && inHeight > 0 && inWidth > 0)) return undefined;
  const outChannels = weightShape[0];
  const kh = weightShape[2];
  const kw = weightShape[3];
  const groups = spec.groups ?? 1;
  if (!positiveInt(groups) || !positiveInt(kh) || !positiveInt(kw) || !(outChannels > 0)) return undefined;
  if (outChannels % groups !== 0 || weightShape[1] * groups !== inChannels) return undefined;
  const stride = spec.stride ?? 1;
  const dilation = spec.dilation ?? 1;
  let sh: number, sw: number, dh: number, dw: number;
  if (typeof stride === 'number') sh = sw = stride;
  else if (isPair(stride)) [sh, sw] = [stride[0], stride[1]];
  else return undefined;
  if (typeof dilation === 'number') dh = dw = dilation;
  else if (isPair(dilation)) [dh, dw] = [dilation[0], dilation[1]];
  else return undefined;
  if (!positiveInt(sh) || !positiveInt(sw) || !positiveInt(dh) || !positiveInt(dw)) return undefined;
  const mode = spec.paddingMode ?? 'zeros';
  if (mode !== 'zeros' && mode !== 'replicate') return undefined;
  const ekh = dh * (kh - 1) + 1;
  const ekw = dw * (kw - 1) + 1;
  const padding = spec.padding ?? 0;
  let ph: number, pw: number; // total padding per axis
  if (padding === 'valid') ph = pw = 0;
  else if (padding === 'same') {
    if (sh !== 1 || sw !== 1) return undefined;
    ph = ekh - 1;
    pw = ekw - 1;
  } else if (typeof padding === 'number') {
    if (!naturalInt(padding)) return undefined;
    ph = pw = 2 * padding;
  } else if (Array.isArray(padding) && padding.length === 2) {
    if (!naturalInt(padding[0]) || !naturalInt(padding[1])) return undefined;
    ph = 2 * padding[0];
    pw = 2 * padding[1];
  } else if (Array.isArray(padding) && padding.length === 4) {
    if (!padding.every(naturalInt)) return undefined;
    ph = padding[0] + padding[1];
    pw = padding[2] + padding[3];
  } else return undefined;
  const paddedHeight = inHeight + ph;
  const paddedWidth = inWidth + pw;
  if (ekh > paddedHeight || ekw > paddedWidth) return undefined;
  return {
    batch,
    inChannels,
    outChannels,
    outHeight: Math.floor((paddedHeight - ekh) / sh) + 1,
    outWidth: Math.floor((paddedWidth - ekw) / sw) + 1,
  };
}
