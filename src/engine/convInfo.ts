/**
 * `ConvInfo`: the parameters of one 2-D conv or pooling call, validated and resolved once
 * (output size, padding per side, dilated kernel extent). Kernels, explain and the cost model read
 * it; none of them recomputes a size. Shapes are NCHW for activations and OIHW for conv weights
 * (`[C_out, C_in / groups, kH, kW]`); a transposed conv's weight is `[C_in, C_out / groups, kH, kW]`.
 *
 * The resolvers `convInfo`, `convTransposeInfo` and `poolInfo` below are the only place where
 * PyTorch's shape rules and error checks live.
 */
import * as l10n from '@vscode/l10n';
import { EngineError } from './errors';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export type Op2d = 'conv2d' | 'conv_transpose2d' | 'max_pool2d' | 'avg_pool2d' | 'lp_pool2d';

/**
 * Whose rules a pooling call follows where PyTorch and ONNX differ: PyTorch limits padding to half
 * the kernel and computes Lp pooling as a scaled average of `x^p`; ONNX allows any padding and sums
 * `|x|^p`. The engine speaks PyTorch; 'onnx' exists for the ONNX conformance suite.
 */
export type PoolRules = 'pytorch' | 'onnx';

export interface ConvInfo {
  readonly op: Op2d;
  readonly batch: number;
  readonly inChannels: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly outChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  /** Padding per side, after resolving an int, a pair, four sides, 'same' or 'valid'. */
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
  /** `dilation · (k − 1) + 1`. */
  readonly effectiveKernelHeight: number;
  readonly effectiveKernelWidth: number;
  readonly groups: number;
  readonly inChannelsPerGroup: number;
  readonly outChannelsPerGroup: number;
  readonly paddingMode: PaddingMode;
  readonly hasBias: boolean;
  /** True convolution: the kernel is flipped in both spatial axes before the cross-correlation. */
  readonly flipKernel: boolean;
  /** Pooling only. */
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  readonly normType: number | null;
  readonly rules: PoolRules;
  /** True when ceil mode dropped a last window that would have started past the input (PyTorch's rule). */
  readonly ceilDroppedRow: boolean;
  readonly ceilDroppedColumn: boolean;
  /** Transposed conv only. */
  readonly outputPaddingHeight: number;
  readonly outputPaddingWidth: number;
}

/** One number for both axes, or `[height, width]`. */
export type Size2d = number | readonly [number, number];

/** An int, `[height, width]`, four sides `[top, bottom, left, right]`, `'same'` or `'valid'`. */
export type Padding2d = number | readonly [number, number] | readonly [number, number, number, number] | 'same' | 'valid';

/** The keyword arguments of `torch.nn.Conv2d` / `F.conv2d`, plus `convolution` for a flipped kernel. */
export interface Conv2dOptions {
  stride?: Size2d;
  padding?: Padding2d;
  dilation?: Size2d;
  groups?: number;
  paddingMode?: PaddingMode;
  /** Flip the kernel in both spatial axes first: true convolution instead of cross-correlation. */
  convolution?: boolean;
}

/** The keyword arguments of `F.conv_transpose2d`; four-sided padding is an extension (ONNX pads). */
export interface ConvTranspose2dOptions {
  stride?: Size2d;
  padding?: number | readonly [number, number] | readonly [number, number, number, number];
  outputPadding?: Size2d;
  dilation?: Size2d;
  groups?: number;
}

/** Everything a pooling op may be given; each op documents which of these it reads. */
export interface Pool2dOptions {
  kernelSize: Size2d;
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: Size2d | null;
  /** An int or `[height, width]` as in PyTorch; four sides `[top, bottom, left, right]` or 'valid' as an extension. */
  padding?: number | readonly [number, number] | readonly [number, number, number, number] | 'valid';
  dilation?: Size2d;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
  normType?: number;
  rules?: PoolRules;
}

const sameAxes = (op: string, name: string, v: Size2d | undefined, fallback: number): [number, number] => {
  if (v === undefined) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2) return [v[0], v[1]];
  throw new EngineError(op, l10n.t('{0} must be a number or [height, width] (got {1})', name, JSON.stringify(v)));
};

const checkIntegers = (op: string, name: string, values: readonly number[]): void => {
  for (const v of values) {
    if (!Number.isInteger(v)) throw new EngineError(op, l10n.t('{0} must be whole numbers (got {1})', name, values.join(', ')));
  }
};

/** `[top, bottom, left, right]` from an int, a pair or four sides. */
function explicitPadding(op: string, padding: number | readonly number[]): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (Array.isArray(padding) && padding.length === 2) return [padding[0], padding[0], padding[1], padding[1]];
  if (Array.isArray(padding) && padding.length === 4) return [padding[0], padding[1], padding[2], padding[3]];
  throw new EngineError(op, l10n.t("padding must be a number, [height, width], [top, bottom, left, right], 'same' or 'valid' (got {0})", JSON.stringify(padding)));
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Reads HW, CHW or NCHW as `[N, C, H, W]` (HW is one channel). */
function asNCHW(op: string, shape: readonly number[]): [number, number, number, number] {
  if (shape.length === 4) return [shape[0], shape[1], shape[2], shape[3]];
  if (shape.length === 3) return [1, shape[0], shape[1], shape[2]];
  if (shape.length === 2) return [1, 1, shape[0], shape[1]];
  throw new EngineError(op, l10n.t('expected an input of 2 (H, W), 3 (C, H, W) or 4 (N, C, H, W) dimensions, but got shape {0}', shapeText(shape)));
}

function checkPositive(op: string, name: string, pair: readonly number[]): void {
  checkIntegers(op, name, pair);
  if (pair.some((v) => v <= 0)) throw new EngineError(op, l10n.t('{0} must be positive (got {1})', name, pair.join(', ')));
}

function checkSpatialNotEmpty(op: string, shape: readonly number[], n: number, c: number, h: number, w: number): void {
  if (n <= 0 || c <= 0 || h <= 0 || w <= 0) {
    throw new EngineError(op, l10n.t('expected a non-empty input, but got shape {0}', shapeText(shape)));
  }
}

/**
 * The checks conv2d and conv_transpose2d share, in the order PyTorch reports them: input rank,
 * weight rank (`layout` names the weight's axes in the message), empty input, groups, then stride,
 * dilation and kernel size (the weight's last two axes) positive. Each resolver then checks what
 * is its own.
 */
function resolveConvCommon(
  op: string,
  inputShape: readonly number[],
  weightShape: readonly number[],
  layout: string,
  options: { groups?: number; stride?: Size2d; dilation?: Size2d },
) {
  const [batch, inChannels, inHeight, inWidth] = asNCHW(op, inputShape);
  if (weightShape.length !== 4) {
    throw new EngineError(op, l10n.t('expected a 4-D weight {0}, but got shape {1}', layout, shapeText(weightShape)));
  }
  checkSpatialNotEmpty(op, inputShape, batch, inChannels, inHeight, inWidth);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups <= 0) throw new EngineError(op, l10n.t('groups must be a positive whole number (got {0})', groups));
  const [strideHeight, strideWidth] = sameAxes(op, 'stride', options.stride, 1);
  const [dilationHeight, dilationWidth] = sameAxes(op, 'dilation', options.dilation, 1);
  checkPositive(op, 'stride', [strideHeight, strideWidth]);
  checkPositive(op, 'dilation', [dilationHeight, dilationWidth]);
  checkPositive(op, 'kernel size', [weightShape[2], weightShape[3]]);
  return { batch, inChannels, inHeight, inWidth, weight: weightShape, groups, strideHeight, strideWidth, dilationHeight, dilationWidth };
}

/**
 * Resolves a conv2d call. `inputShape` is HW, CHW or NCHW; `weightShape` is OIHW
 * `[C_out, C_in / groups, kH, kW]`. Checks what PyTorch checks, with the values in the message.
 */
export function convInfo(
  inputShape: readonly number[],
  weightShape: readonly number[],
  options: Conv2dOptions & { hasBias?: boolean } = {},
): ConvInfo {
  const op = 'conv2d';
  const { batch, inChannels, inHeight, inWidth, weight, groups, strideHeight, strideWidth, dilationHeight, dilationWidth } =
    resolveConvCommon(op, inputShape, weightShape, '[C_out, C_in / groups, kH, kW]', options);
  const [outChannels, weightInChannels, kernelHeight, kernelWidth] = weight;
  if (outChannels <= 0) throw new EngineError(op, l10n.t('the weight has no output channels (weight {0})', shapeText(weightShape)));
  if (outChannels % groups !== 0) {
    throw new EngineError(op, l10n.t('groups={0} must divide the {1} output channels (weight {2})', groups, outChannels, shapeText(weightShape)));
  }
  if (weightInChannels * groups !== inChannels) {
    const expected = weightInChannels * groups;
    throw new EngineError(
      op,
      groups === 1
        ? l10n.t('input has {0} channels but the weight expects {1} (weight {2})', inChannels, expected, shapeText(weightShape))
        : l10n.t('input has {0} channels but the weight expects {1} ({2} per group × groups={3}) (weight {4})', inChannels, expected, weightInChannels, groups, shapeText(weightShape)),
    );
  }
  const effectiveKernelHeight = dilationHeight * (kernelHeight - 1) + 1;
  const effectiveKernelWidth = dilationWidth * (kernelWidth - 1) + 1;

  let pads: [number, number, number, number];
  const padding = options.padding ?? 0;
  if (padding === 'valid') {
    pads = [0, 0, 0, 0];
  } else if (padding === 'same') {
    if (strideHeight !== 1 || strideWidth !== 1) {
      throw new EngineError(op, l10n.t("padding='same' needs stride 1 (got stride {0})", strideHeight === strideWidth ? strideHeight : `(${strideHeight}, ${strideWidth})`));
    }
    // PyTorch: total dilation·(k − 1) per axis, the odd pixel goes to the bottom / right.
    const totalH = effectiveKernelHeight - 1;
    const totalW = effectiveKernelWidth - 1;
    pads = [Math.floor(totalH / 2), totalH - Math.floor(totalH / 2), Math.floor(totalW / 2), totalW - Math.floor(totalW / 2)];
  } else if (typeof padding === 'string') {
    throw new EngineError(op, l10n.t("padding must be 'same' or 'valid' when it is a string (got '{0}')", String(padding)));
  } else {
    pads = explicitPadding(op, padding);
  }
  checkIntegers(op, 'padding', pads);
  if (pads.some((p) => p < 0)) throw new EngineError(op, l10n.t('padding must not be negative (got {0})', pads.join(', ')));
  const [padTop, padBottom, padLeft, padRight] = pads;

  const paddingMode = options.paddingMode ?? 'zeros';
  if (!['zeros', 'reflect', 'replicate', 'circular'].includes(paddingMode)) {
    throw new EngineError(op, l10n.t("padding mode must be zeros, reflect, replicate or circular (got '{0}')", String(paddingMode)));
  }
  checkPaddingModeFits(op, paddingMode, pads, inHeight, inWidth);

  const paddedHeight = inHeight + padTop + padBottom;
  const paddedWidth = inWidth + padLeft + padRight;
  if (effectiveKernelHeight > paddedHeight || effectiveKernelWidth > paddedWidth) {
    throw new EngineError(
      op,
      l10n.t('the dilated kernel {0}×{1} is larger than the padded input {2}×{3}', effectiveKernelHeight, effectiveKernelWidth, paddedHeight, paddedWidth),
    );
  }
  return {
    op,
    batch,
    inChannels,
    inHeight,
    inWidth,
    outChannels,
    outHeight: Math.floor((paddedHeight - effectiveKernelHeight) / strideHeight) + 1,
    outWidth: Math.floor((paddedWidth - effectiveKernelWidth) / strideWidth) + 1,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padTop,
    padBottom,
    padLeft,
    padRight,
    effectiveKernelHeight,
    effectiveKernelWidth,
    groups,
    inChannelsPerGroup: inChannels / groups,
    outChannelsPerGroup: outChannels / groups,
    paddingMode,
    hasBias: options.hasBias ?? false,
    flipKernel: options.convolution ?? false,
    ceilMode: false,
    countIncludePad: false,
    divisorOverride: null,
    normType: null,
    rules: 'pytorch',
    ceilDroppedRow: false,
    ceilDroppedColumn: false,
    outputPaddingHeight: 0,
    outputPaddingWidth: 0,
  };
}

/** PyTorch's limits for non-zero padding modes: reflect needs pad < size, circular pad ≤ size. */
function checkPaddingModeFits(op: string, mode: PaddingMode, pads: readonly number[], height: number, width: number): void {
  if (mode === 'zeros' || mode === 'replicate') return;
  const [top, bottom, left, right] = pads;
  const sides: Array<[string, number, number]> = [
    ['top', top, height],
    ['bottom', bottom, height],
    ['left', left, width],
    ['right', right, width],
  ];
  for (const [side, pad, size] of sides) {
    if (mode === 'reflect' && pad >= size) {
      throw new EngineError(op, l10n.t("padding_mode='reflect' needs each padding smaller than the input ({0} padding {1}, input {2}×{3})", side, pad, height, width));
    }
    if (mode === 'circular' && pad > size) {
      throw new EngineError(op, l10n.t("padding_mode='circular' cannot wrap around more than once ({0} padding {1}, input {2}×{3})", side, pad, height, width));
    }
  }
}

/**
 * Resolves a conv_transpose2d call. `inputShape` is HW, CHW or NCHW; `weightShape` is
 * `[C_in, C_out / groups, kH, kW]`. Output size per axis: `(in − 1)·stride − pad_begin − pad_end +
 * dilation·(k − 1) + output_padding + 1`.
 */
export function convTransposeInfo(
  inputShape: readonly number[],
  weightShape: readonly number[],
  options: ConvTranspose2dOptions & { hasBias?: boolean } = {},
): ConvInfo {
  const op = 'conv_transpose2d';
  const { batch, inChannels, inHeight, inWidth, weight, groups, strideHeight, strideWidth, dilationHeight, dilationWidth } =
    resolveConvCommon(op, inputShape, weightShape, '[C_in, C_out / groups, kH, kW]', options);
  const [weightInChannels, outChannelsPerGroup, kernelHeight, kernelWidth] = weight;
  const [outputPaddingHeight, outputPaddingWidth] = sameAxes(op, 'output_padding', options.outputPadding, 0);
  checkIntegers(op, 'output_padding', [outputPaddingHeight, outputPaddingWidth]);
  if (weightInChannels !== inChannels) {
    throw new EngineError(op, l10n.t('input has {0} channels but the weight expects {1} (weight {2})', inChannels, weightInChannels, shapeText(weightShape)));
  }
  if (inChannels % groups !== 0) {
    throw new EngineError(op, l10n.t('groups={0} must divide the {1} input channels (weight {2})', groups, inChannels, shapeText(weightShape)));
  }
  if (outChannelsPerGroup <= 0) throw new EngineError(op, l10n.t('the weight has no output channels (weight {0})', shapeText(weightShape)));
  const pads = explicitPadding(op, options.padding ?? 0);
  checkIntegers(op, 'padding', pads);
  if (pads.some((p) => p < 0)) throw new EngineError(op, l10n.t('padding must not be negative (got {0})', pads.join(', ')));
  if (outputPaddingHeight < 0 || outputPaddingWidth < 0) {
    throw new EngineError(op, l10n.t('output_padding must not be negative (got {0}, {1})', outputPaddingHeight, outputPaddingWidth));
  }
  // PyTorch: the extra rows must be ones a larger input could have produced.
  const fits = (a: number, s: number, d: number): boolean => a < s || a < d;
  if (!fits(outputPaddingHeight, strideHeight, dilationHeight) || !fits(outputPaddingWidth, strideWidth, dilationWidth)) {
    throw new EngineError(
      op,
      l10n.t(
        'output_padding ({0}, {1}) must be smaller than the stride ({2}, {3}) or the dilation ({4}, {5})',
        outputPaddingHeight, outputPaddingWidth, strideHeight, strideWidth, dilationHeight, dilationWidth,
      ),
    );
  }
  const [padTop, padBottom, padLeft, padRight] = pads;
  const effectiveKernelHeight = dilationHeight * (kernelHeight - 1) + 1;
  const effectiveKernelWidth = dilationWidth * (kernelWidth - 1) + 1;
  const outHeight = (inHeight - 1) * strideHeight - padTop - padBottom + effectiveKernelHeight + outputPaddingHeight;
  const outWidth = (inWidth - 1) * strideWidth - padLeft - padRight + effectiveKernelWidth + outputPaddingWidth;
  if (outHeight <= 0 || outWidth <= 0) {
    throw new EngineError(op, l10n.t('the output would be {0}×{1} for an input of {2}×{3}: the padding is too large', outHeight, outWidth, inHeight, inWidth));
  }
  return {
    op,
    batch,
    inChannels,
    inHeight,
    inWidth,
    outChannels: outChannelsPerGroup * groups,
    outHeight,
    outWidth,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padTop,
    padBottom,
    padLeft,
    padRight,
    effectiveKernelHeight,
    effectiveKernelWidth,
    groups,
    inChannelsPerGroup: inChannels / groups,
    outChannelsPerGroup,
    paddingMode: 'zeros',
    hasBias: options.hasBias ?? false,
    flipKernel: false,
    ceilMode: false,
    countIncludePad: false,
    divisorOverride: null,
    normType: null,
    rules: 'pytorch',
    ceilDroppedRow: false,
    ceilDroppedColumn: false,
    outputPaddingHeight,
    outputPaddingWidth,
  };
}

/**
 * PyTorch's pooling output size for one axis: floor or ceil of `(in + pads − dilated kernel) / stride`
 * plus one; in ceil mode a last window that would start past the input and its begin padding is dropped.
 */
function pooledSize(size: number, padBegin: number, padEnd: number, effectiveKernel: number, stride: number, ceilMode: boolean): { out: number; dropped: boolean } {
  const span = size + padBegin + padEnd - effectiveKernel;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  let dropped = false;
  if (ceilMode && (out - 1) * stride >= size + padBegin) {
    out -= 1;
    dropped = true;
  }
  return { out, dropped };
}

/**
 * Resolves a pooling call (`max_pool2d`, `avg_pool2d`, `lp_pool2d`) over an HW, CHW or NCHW input.
 * Channels pass through: `outChannels = inChannels`, groups = channels (each plane on its own).
 */
export function poolInfo(op: 'max_pool2d' | 'avg_pool2d' | 'lp_pool2d', inputShape: readonly number[], options: Pool2dOptions): ConvInfo {
  const [batch, channels, inHeight, inWidth] = asNCHW(op, inputShape);
  checkSpatialNotEmpty(op, inputShape, batch, channels, inHeight, inWidth);
  if (options.kernelSize === undefined) throw new EngineError(op, l10n.t('kernel_size is required'));
  const [kernelHeight, kernelWidth] = sameAxes(op, 'kernel_size', options.kernelSize, 1);
  const [strideHeight, strideWidth] = options.stride === undefined || options.stride === null ? [kernelHeight, kernelWidth] : sameAxes(op, 'stride', options.stride, 1);
  const [dilationHeight, dilationWidth] = sameAxes(op, 'dilation', options.dilation, 1);
  checkPositive(op, 'kernel_size', [kernelHeight, kernelWidth]);
  checkPositive(op, 'stride', [strideHeight, strideWidth]);
  checkPositive(op, 'dilation', [dilationHeight, dilationWidth]);
  const rules = options.rules ?? 'pytorch';
  const padding = options.padding ?? 0;
  const pads = padding === 'valid' ? ([0, 0, 0, 0] as [number, number, number, number]) : explicitPadding(op, padding);
  checkIntegers(op, 'padding', pads);
  if (pads.some((p) => p < 0)) throw new EngineError(op, l10n.t('padding must not be negative (got {0})', pads.join(', ')));
  const [padTop, padBottom, padLeft, padRight] = pads;
  if (rules === 'pytorch') {
    const halfH = Math.floor(kernelHeight / 2);
    const halfW = Math.floor(kernelWidth / 2);
    if (Math.max(padTop, padBottom) > halfH || Math.max(padLeft, padRight) > halfW) {
      throw new EngineError(
        op,
        l10n.t('padding should be at most half the kernel size (kernel {0}×{1} allows {2}, {3}; got {4})', kernelHeight, kernelWidth, halfH, halfW, pads.join(', ')),
      );
    }
  }
  const ceilMode = options.ceilMode ?? false;
  const divisorOverride = options.divisorOverride ?? null;
  if (divisorOverride !== null && (divisorOverride === 0 || !Number.isInteger(divisorOverride))) {
    throw new EngineError(op, l10n.t('divisor_override must be a non-zero whole number (got {0})', divisorOverride));
  }
  const normType = op === 'lp_pool2d' ? (options.normType ?? NaN) : null;
  if (op === 'lp_pool2d' && !Number.isFinite(normType)) {
    throw new EngineError(op, l10n.t('norm_type must be a finite number (got {0})', String(options.normType)));
  }
  const effectiveKernelHeight = dilationHeight * (kernelHeight - 1) + 1;
  const effectiveKernelWidth = dilationWidth * (kernelWidth - 1) + 1;
  const rows = pooledSize(inHeight, padTop, padBottom, effectiveKernelHeight, strideHeight, ceilMode);
  const cols = pooledSize(inWidth, padLeft, padRight, effectiveKernelWidth, strideWidth, ceilMode);
  if (rows.out <= 0 || cols.out <= 0) {
    throw new EngineError(
      op,
      l10n.t(
        'the output would be {0}×{1}: the window {2}×{3} does not fit the padded input {4}×{5}',
        rows.out, cols.out, effectiveKernelHeight, effectiveKernelWidth, inHeight + padTop + padBottom, inWidth + padLeft + padRight,
      ),
    );
  }
  return {
    op,
    batch,
    inChannels: channels,
    inHeight,
    inWidth,
    outChannels: channels,
    outHeight: rows.out,
    outWidth: cols.out,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padTop,
    padBottom,
    padLeft,
    padRight,
    effectiveKernelHeight,
    effectiveKernelWidth,
    groups: channels,
    inChannelsPerGroup: 1,
    outChannelsPerGroup: 1,
    paddingMode: 'zeros',
    hasBias: false,
    flipKernel: false,
    ceilMode,
    countIncludePad: options.countIncludePad ?? true,
    divisorOverride,
    normType,
    rules,
    ceilDroppedRow: rows.dropped,
    ceilDroppedColumn: cols.dropped,
    outputPaddingHeight: 0,
    outputPaddingWidth: 0,
  };
}

/** The window covering the whole plane: what global max / average pooling reads. */
export function globalPoolInfo(op: 'max_pool2d' | 'avg_pool2d', inputShape: readonly number[]): ConvInfo {
  const [, , h, w] = asNCHW(op, inputShape);
  return poolInfo(op, inputShape, { kernelSize: [h, w] });
}

/** True for the ops that slide a window without weights. */
export function isPool(info: ConvInfo): boolean {
  return info.op === 'max_pool2d' || info.op === 'avg_pool2d' || info.op === 'lp_pool2d';
}
