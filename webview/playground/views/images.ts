/**
 * Images: a PNG or JPEG from the workspace (picked in the extension, bytes sent over, decoded here
 * with createImageBitmap) becomes a C×H×W tensor in [0, 1]; a kernel is applied in the worker and
 * each output channel is drawn as a grey image. Edge kernels run depthwise (each colour channel on
 * its own, padding 'same'); "the editor's kernel" uses the kernel and options of the playground.
 */
import { cast, tensor, type Tensor } from '../../../src/engine';
import { el, formatNumber } from '../../common/dom';
import { t } from '../../common/l10n';
import { PATTERNS } from '../presets';
import { DEFAULT_PARAMS, IMAGE_MAX_SIDE, type ImageState, type Params } from '../state';
import type { Computed } from './context';

type Field = HTMLElement & { value: string; checked?: boolean };

export interface ImagesHost {
  openImage(): void;
  save(image: ImageState | null): void;
  /** Applies a kernel in the worker. */
  apply(input: Tensor, kernel: Tensor, bias: Tensor | null, params: Params): Promise<Tensor | string>;
  /** Loads a downscaled copy of the image as the playground input. */
  useAsInput(input: { shape: number[]; data: number[] }): void;
}

const EDGE_KERNELS = PATTERNS.filter((p) => p.height === 3 && p.width === 3);

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Decodes image bytes to RGB, scaled down so the long side is at most IMAGE_MAX_SIDE. */
export async function decodeImage(bytes: Uint8Array<ArrayBuffer>, mime: string): Promise<{ width: number; height: number; rgb: Uint8Array }> {
  const bitmap = await createImageBitmap(new Blob([bytes], { type: mime }));
  const scale = Math.min(1, IMAGE_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-D canvas');
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    rgb[i * 3] = rgba[i * 4];
    rgb[i * 3 + 1] = rgba[i * 4 + 1];
    rgb[i * 3 + 2] = rgba[i * 4 + 2];
  }
  return { width, height, rgb };
}

/** RGB bytes as a C×H×W tensor in [0, 1] (one luma channel when grey). */
export function imageTensor(img: ImageState): Tensor {
  const rgb = fromBase64(img.rgb);
  const n = img.width * img.height;
  if (img.gray) {
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = (0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2]) / 255;
    return tensor([1, img.height, img.width], data);
  }
  const data = new Float64Array(3 * n);
  for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) data[c * n + i] = rgb[i * 3 + c] / 255;
  return tensor([3, img.height, img.width], data);
}

/** A channel as a grey canvas, its range stretched to black…white. */
function channelCanvas(data: ArrayLike<number>, offset: number, h: number, w: number, label: string): HTMLCanvasElement {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < h * w; i++) {
    const v = data[offset + i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo || 1;
  const canvas = el('canvas', { class: 'image-canvas', width: w, height: h, role: 'img', 'aria-label': t('{0}: values from {1} (black) to {2} (white)', label, formatNumber(lo), formatNumber(hi)) });
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const img = ctx.createImageData(w, h);
    for (let i = 0; i < h * w; i++) {
      const g = Math.round(((data[offset + i] - lo) / span) * 255);
      img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = g;
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }
  // Small images are drawn larger (up to about 256 px) so edges are visible.
  const scale = Math.max(1, Math.floor(256 / Math.max(w, h)));
  canvas.style.width = `${w * scale}px`;
  return canvas;
}

export class ImagesView {
  readonly el: HTMLElement;
  private readonly kernelEl = el('vscode-single-select', { 'aria-label': t('Kernel to apply'), 'data-field': 'image-kernel' },
    ...EDGE_KERNELS.map((p) => el('vscode-option', { value: p.id, selected: p.id === 'sobel-x' }, t(p.label))),
    el('vscode-option', { value: 'editor' }, t("The playground's kernel and options"))) as Field;
  private readonly grayEl = el('vscode-checkbox', { label: t('Grey (one channel)'), 'data-field': 'image-gray' }) as Field;
  private readonly statusEl = el('p', { class: 'muted', 'aria-live': 'polite', 'data-role': 'image-status' }, t('Open a PNG or JPEG from the workspace.'));
  private readonly originalEl = el('div', { class: 'slice-row' });
  private readonly outputsEl = el('div', { class: 'slice-row image-outputs', 'data-role': 'image-outputs' });
  private readonly useEl: HTMLElement;
  private image: ImageState | null = null;
  private last: Computed | null = null;
  private ticket = 0;

  constructor(private readonly host: ImagesHost) {
    const open = el('vscode-button', { icon: 'folder-opened', 'data-action': 'open-image' }, t('Open image…'));
    open.addEventListener('click', () => host.openImage());
    const use = el('vscode-button', { secondary: true, hidden: true, 'data-action': 'image-as-input' }, t('Use as input (32×32)'));
    this.useEl = use;
    use.addEventListener('click', () => this.useAsInput());
    this.kernelEl.addEventListener('change', () => this.update({ kernel: this.kernelEl.value }));
    this.grayEl.addEventListener('change', () => this.update({ gray: this.grayEl.checked === true }));
    this.el = el(
      'div',
      { class: 'view view-images' },
      el('div', { class: 'toolbar' }, open, this.grayEl, el('label', { class: 'field' }, t('Kernel'), this.kernelEl), use),
      this.statusEl,
      this.originalEl,
      this.outputsEl,
    );
  }

  /** Bytes from the extension's file picker. */
  async load(name: string, mime: string, base64: string): Promise<void> {
    try {
      const { width, height, rgb } = await decodeImage(fromBase64(base64), mime);
      this.update({ name, width, height, rgb: toBase64(rgb) });
    } catch (err) {
      this.statusEl.textContent = t('Could not decode {0}: {1}', name, err instanceof Error ? err.message : String(err));
    }
  }

  render(c: Computed): void {
    this.last = c;
    const img = c.state.image;
    if (img !== this.image) {
      this.image = img;
      if (img) {
        this.kernelEl.value = img.kernel;
        this.grayEl.checked = img.gray;
      }
    }
    void this.draw();
  }

  private update(change: Partial<ImageState>): void {
    const base: ImageState = this.image ?? { name: '', width: 0, height: 0, rgb: '', kernel: 'sobel-x', gray: false };
    const next = { ...base, ...change };
    if (!next.rgb) {
      this.statusEl.textContent = t('Open a PNG or JPEG from the workspace.');
      return;
    }
    this.image = next;
    this.kernelEl.value = next.kernel;
    this.grayEl.checked = next.gray;
    this.host.save(next);
    void this.draw();
  }

  private async draw(): Promise<void> {
    const img = this.image;
    if (!img) return;
    this.useEl.hidden = false;
    const ticket = ++this.ticket;
    const input = imageTensor(img);
    const [ch, h, w] = input.shape;
    this.originalEl.replaceChildren(
      ...Array.from({ length: ch }, (_, c) => el('figure', { class: 'slice' }, el('figcaption', null, ch === 1 ? t('grey') : ['R', 'G', 'B'][c]), channelCanvas(input.data, c * h * w, h, w, t('input channel {0}', c)))),
    );
    let kernel: Tensor;
    let bias: Tensor | null = null;
    let params: Params;
    if (img.kernel === 'editor' && this.last) {
      kernel = this.last.kernel;
      bias = this.last.bias;
      params = this.last.state.params;
    } else {
      const p = EDGE_KERNELS.find((k) => k.id === img.kernel) ?? EDGE_KERNELS[0];
      const data: number[] = [];
      for (let c = 0; c < ch; c++) data.push(...p.values);
      kernel = tensor([ch, 1, p.height, p.width], data);
      params = { ...DEFAULT_PARAMS, groups: ch, paddingKind: 'same' };
    }
    this.statusEl.textContent = t('{0}: {1}×{2}, {3} channel(s); applying…', img.name, w, h, ch);
    // Pixels need no float64: float32 lets the engine take its WebAssembly SIMD path.
    const out = await this.host.apply(cast(input, 'float32'), cast(kernel, 'float32'), bias && cast(bias, 'float32'), params);
    if (ticket !== this.ticket) return;
    if (typeof out === 'string') {
      this.statusEl.textContent = out;
      this.outputsEl.replaceChildren();
      return;
    }
    const [co, ho, wo] = out.shape;
    this.statusEl.textContent = t('{0}: {1}×{2} in, {3} output channel(s) of {4}×{5}.', img.name, w, h, co, wo, ho);
    this.outputsEl.replaceChildren(
      ...Array.from({ length: co }, (_, o) => el('figure', { class: 'slice', 'data-channel': o }, el('figcaption', null, t('output channel {0}', o)), channelCanvas(out.data, o * ho * wo, ho, wo, t('output channel {0}', o)))),
    );
  }

  /** A 32×32 (or smaller) box-filtered copy of the image as the playground's input. */
  private useAsInput(): void {
    if (!this.image) return;
    const src = imageTensor(this.image);
    const [c, h, w] = src.shape;
    const f = Math.max(1, Math.ceil(Math.max(h, w) / 32));
    const oh = Math.floor(h / f);
    const ow = Math.floor(w / f);
    const data: number[] = [];
    for (let k = 0; k < c; k++) {
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < ow; x++) {
          let s = 0;
          for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += src.data[(k * h + y * f + dy) * w + x * f + dx];
          data.push(Math.round((s / (f * f)) * 100) / 100);
        }
      }
    }
    this.host.useAsInput({ shape: [c, oh, ow], data });
  }
}
