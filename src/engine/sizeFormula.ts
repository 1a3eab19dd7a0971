/**
 * The output-size formula with the user's own numbers, the way a lecture writes it out:
 * `floor((8 + 1 + 1 − 1·(3 − 1) − 1) / 2) + 1 = 4`.
 */
import type { ConvInfo } from './convInfo';

export interface SizeFormula {
  height: string;
  width: string;
}

interface AxisNumbers {
  size: number;
  padBegin: number;
  padEnd: number;
  dilation: number;
  kernel: number;
  stride: number;
  outputPadding: number;
  out: number;
  dropped: boolean;
}

/** One axis: conv and pooling slide a window; a transposed conv inverts that formula. */
function axisFormula(info: ConvInfo, a: AxisNumbers): string {
  if (info.op === 'conv_transpose2d') {
    return `(${a.size} − 1)·${a.stride} − ${a.padBegin} − ${a.padEnd} + ${a.dilation}·(${a.kernel} − 1) + ${a.outputPadding} + 1 = ${a.out}`;
  }
  const round = info.ceilMode ? 'ceil' : 'floor';
  const inner = `${round}((${a.size} + ${a.padBegin} + ${a.padEnd} − ${a.dilation}·(${a.kernel} − 1) − 1) / ${a.stride}) + 1`;
  // PyTorch's ceil-mode rule: a last window that would start past the input (and its begin padding) is dropped.
  if (a.dropped) return `${inner} − 1 = ${a.out} (the last window would start past the input)`;
  return `${inner} = ${a.out}`;
}

/** `floor((H + pad_top + pad_bottom − dilation·(kH − 1) − 1) / stride) + 1 = H_out`, and the same for the width. */
export function outputSizeFormula(info: ConvInfo): SizeFormula {
  return {
    height: axisFormula(info, {
      size: info.inHeight,
      padBegin: info.padTop,
      padEnd: info.padBottom,
      dilation: info.dilationHeight,
      kernel: info.kernelHeight,
      stride: info.strideHeight,
      outputPadding: info.outputPaddingHeight,
      out: info.outHeight,
      dropped: info.ceilDroppedRow,
    }),
    width: axisFormula(info, {
      size: info.inWidth,
      padBegin: info.padLeft,
      padEnd: info.padRight,
      dilation: info.dilationWidth,
      kernel: info.kernelWidth,
      stride: info.strideWidth,
      outputPadding: info.outputPaddingWidth,
      out: info.outWidth,
      dropped: info.ceilDroppedColumn,
    }),
  };
}
