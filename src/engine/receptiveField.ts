/**
 * Receptive fields: which input rows and columns an output element reads, for one layer and through
 * a stack of layers. Bounds are inclusive and in input coordinates, so they may reach into the
 * padding (negative, or at least the input size).
 */
import * as l10n from '@vscode/l10n';
import type { ConvInfo } from './convInfo';
import { EngineError } from './errors';

/** An inclusive rectangle `[top..bottom] × [left..right]`. */
export interface Region {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** One axis of `regionToInput`: output rows `[first, last]` → input rows. */
function axisToInput(info: ConvInfo, first: number, last: number, axis: 'height' | 'width'): [number, number] {
  const stride = axis === 'height' ? info.strideHeight : info.strideWidth;
  const pad = axis === 'height' ? info.padTop : info.padLeft;
  const extent = axis === 'height' ? info.effectiveKernelHeight : info.effectiveKernelWidth;
  if (info.op === 'conv_transpose2d') {
    // Input row i reaches output rows i·s − p … i·s − p + extent − 1.
    // `+ 0` turns Math.ceil's −0 (of a small negative quotient) into 0.
    return [Math.ceil((first + pad - (extent - 1)) / stride) + 0, Math.floor((last + pad) / stride)];
  }
  return [first * stride - pad, last * stride - pad + extent - 1];
}

/** The input region that an output region of `info`'s layer reads. */
export function regionToInput(info: ConvInfo, region: Region): Region {
  const [top, bottom] = axisToInput(info, region.top, region.bottom, 'height');
  const [left, right] = axisToInput(info, region.left, region.right, 'width');
  return { top, left, bottom, right };
}

function checkOutputPosition(op: string, info: ConvInfo, y: number, x: number): void {
  if (!Number.isInteger(y) || !Number.isInteger(x) || y < 0 || x < 0 || y >= info.outHeight || x >= info.outWidth) {
    throw new EngineError(op, l10n.t('output position ({0}, {1}) is outside the {2}×{3} output', y, x, info.outHeight, info.outWidth));
  }
}

/** The input rows and columns output element `(y, x)` reads: `top = y·stride − pad_top`, `bottom = top + dilation·(k − 1)`. */
export function receptiveField(info: ConvInfo, y: number, x: number): Region {
  checkOutputPosition('receptiveField', info, y, x);
  return regionToInput(info, { top: y, left: x, bottom: y, right: x });
}

/**
 * The receptive field of element `(y, x)` of the last layer's output in the first layer's input,
 * for `infos` in forward order (each layer's output feeding the next).
 */
export function receptiveFieldThrough(infos: readonly ConvInfo[], y: number, x: number): Region {
  if (infos.length === 0) throw new EngineError('receptiveFieldThrough', l10n.t('needs at least one layer'));
  checkOutputPosition('receptiveFieldThrough', infos[infos.length - 1], y, x);
  let region: Region = { top: y, left: x, bottom: y, right: x };
  for (let i = infos.length - 1; i >= 0; i--) region = regionToInput(infos[i], region);
  return region;
}
