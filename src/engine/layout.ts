/**
 * HW / CHW / NCHW in and out: every kernel works on NCHW; these helpers view the caller's tensor as
 * NCHW (no copy) and give the result back in the layout the caller used.
 */
import * as l10n from '@vscode/l10n';
import { EngineError } from './errors';
import { reshape, type Tensor } from './tensor';

/** How the caller laid out the input: `[H, W]`, `[C, H, W]` or `[N, C, H, W]`. */
export type Layout = 'HW' | 'CHW' | 'NCHW';

export function layoutOf(op: string, t: Tensor): Layout {
  if (t.shape.length === 2) return 'HW';
  if (t.shape.length === 3) return 'CHW';
  if (t.shape.length === 4) return 'NCHW';
  throw new EngineError(op, l10n.t('expected an input of 2 (H, W), 3 (C, H, W) or 4 (N, C, H, W) dimensions, but got shape {0}', `[${t.shape.join(', ')}]`));
}

/** The same data seen as `[N, C, H, W]`. */
export function asNCHWTensor(op: string, t: Tensor): Tensor {
  const s = t.shape;
  switch (layoutOf(op, t)) {
    case 'HW':
      return reshape(t, [1, 1, s[0], s[1]]);
    case 'CHW':
      return reshape(t, [1, s[0], s[1], s[2]]);
    default:
      return t;
  }
}

/**
 * An `[N, C, H, W]` result in the caller's layout. `keepPlane` decides what an HW input gives back:
 * conv ops return `[C_out, H, W]` (several output channels may come from one plane), pools `[H, W]`.
 */
export function fromNCHW(t: Tensor, layout: Layout, keepPlane: boolean): Tensor {
  const [n, c, h, w] = t.shape;
  if (layout === 'NCHW') return t;
  if (layout === 'HW' && keepPlane) return reshape(t, [h, w]);
  if (n !== 1) throw new RangeError(`fromNCHW: a batch of ${n} cannot be shown as ${layout}`);
  return reshape(t, [c, h, w]);
}
