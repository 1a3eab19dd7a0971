/**
 * `ConvInfo`: the parameters of one 2-D conv or pooling call, validated and resolved once
 * (output size, padding per side, dilated kernel extent). Kernels, explain and the cost model read
 * it; none of them recomputes a size. Shapes are NCHW for activations and OIHW for conv weights
 * (`[C_out, C_in / groups, kH, kW]`); a transposed conv's weight is `[C_in, C_out / groups, kH, kW]`.
 *
 * The resolver functions (`convInfo`, `poolInfo`, `convTransposeInfo`) live beside this type.
 */

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export type Op2d = 'conv2d' | 'conv_transpose2d' | 'max_pool2d' | 'avg_pool2d' | 'lp_pool2d';

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
  /** Transposed conv only. */
  readonly outputPaddingHeight: number;
  readonly outputPaddingWidth: number;
}
