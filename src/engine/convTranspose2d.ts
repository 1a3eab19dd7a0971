/**
 * conv_transpose2d as PyTorch defines it: every input pixel scatters its value times the kernel
 * into the output (the gradient of conv2d with respect to its input), then padding crops the border.
 */
import { checkOperands, validRanges } from './conv2d';
import { convTransposeInfo, type ConvInfo, type ConvTranspose2dOptions } from './convInfo';
import { asNCHWTensor, fromNCHW, layoutOf } from './layout';
import { allocate, type Tensor } from './tensor';

/**
 * `conv_transpose2d(input, weight, bias?, options?)`, PyTorch's `F.conv_transpose2d`.
 * - input `[H, W]` / `[C_in, H, W]` → `[C_out, H_out, W_out]`; `[N, C_in, H, W]` → `[N, C_out, H_out, W_out]`.
 * - weight `[C_in, C_out / groups, kH, kW]`; bias `[C_out]` or null.
 * `H_out = (H − 1)·stride − pad_top − pad_bottom + dilation·(kH − 1) + output_padding + 1`.
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose2dOptions = {}): Tensor {
  const layout = layoutOf('conv_transpose2d', input);
  const info = convTransposeInfo(input.shape, weight.shape, { ...options, hasBias: bias !== null && bias !== undefined });
  const y = convTranspose2dResolved(info, asNCHWTensor('conv_transpose2d', input), weight, bias ?? null);
  return fromNCHW(y, layout, false);
}

/**
 * The scatter loops for a resolved `info`: `x` `[N, C_in, H, W]` → `[N, C_out, H_out, W_out]`.
 * Input pixel (iy, ix) reaches output row `iy·stride + kh·dilation − pad_top`; rows outside the
 * output (the cropped border) are skipped by range. Sums run in float64 and are stored once.
 */
export function convTranspose2dResolved(info: ConvInfo, x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  checkOperands(info, x, weight, bias);
  const { batch, inChannels, inHeight, inWidth, outChannels, outHeight, outWidth, kernelHeight, kernelWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = info;
  const cg = info.inChannelsPerGroup;
  const og = info.outChannelsPerGroup;
  // Which input rows land inside the output for each kernel row: the conv2d ranges with roles swapped.
  const rows = validRanges(outHeight, inHeight, kernelHeight, strideHeight, dilationHeight, padTop);
  const cols = validRanges(outWidth, inWidth, kernelWidth, strideWidth, dilationWidth, padLeft);
  const planeSize = outHeight * outWidth;
  const acc = new Float64Array(outChannels * planeSize);
  const y = allocate(x.dtype, batch * outChannels * planeSize);
  const xd = x.data;
  const wd = weight.data;
  for (let n = 0; n < batch; n++) {
    acc.fill(0);
    for (let c = 0; c < inChannels; c++) {
      const group = Math.floor(c / cg);
      const xPlane = (n * inChannels + c) * inHeight * inWidth;
      for (let ol = 0; ol < og; ol++) {
        const o = group * og + ol;
        const wPlane = (c * og + ol) * kernelHeight * kernelWidth;
        const aPlane = o * planeSize;
        for (let kh = 0; kh < kernelHeight; kh++) {
          const [rowLo, rowHi] = rows[kh];
          for (let kw = 0; kw < kernelWidth; kw++) {
            const wv = wd[wPlane + kh * kernelWidth + kw];
            const [colLo, colHi] = cols[kw];
            const aShift = aPlane + (kh * dilationHeight - padTop) * outWidth + kw * dilationWidth - padLeft;
            for (let iy = rowLo; iy < rowHi; iy++) {
              const aRow = aShift + iy * strideHeight * outWidth;
              const xRow = xPlane + iy * inWidth;
              for (let ix = colLo; ix < colHi; ix++) acc[aRow + ix * strideWidth] += xd[xRow + ix] * wv;
            }
          }
        }
      }
    }
    if (bias) {
      for (let o = 0; o < outChannels; o++) {
        const bv = bias.data[o];
        for (let i = o * planeSize; i < (o + 1) * planeSize; i++) acc[i] += bv;
      }
    }
    y.set(acc, n * outChannels * planeSize);
  }
  return { shape: [batch, outChannels, outHeight, outWidth], dtype: x.dtype, data: y };
}
