/**
 * Step-through: the window slides over the padded input position by position (play, pause, step,
 * or drag the scrubber) and lights the output cell it fills; the arithmetic of that cell is shown
 * below. The positions are the engine's `windowPositions`.
 */
import { windowPositions, type WindowPosition } from '../../../src/engine';
import { el, formatNumber } from '../../common/dom';
import { ExplainPanel } from '../explain';
import { t } from '../../common/l10n';
import { MapView, type Mark } from '../mapview';
import { absMax, explainSource, type Computed, type View } from './context';

export interface StepHost {
  /** Remembers the followed output channel and the position (saved with the state). */
  save(channel: number, step: number): void;
}

type Field = HTMLElement & { value: string };

export class StepView implements View {
  readonly el: HTMLElement;
  private readonly channelEl = el('vscode-single-select', { 'aria-label': t('Output channel to follow'), 'data-field': 'step-channel' }) as Field;
  private readonly playEl = el('vscode-button', { icon: 'debug-start', 'data-action': 'play', 'aria-pressed': 'false' }, t('Play'));
  private readonly prevEl = el('vscode-button', { icon: 'chevron-left', secondary: true, 'data-action': 'prev', 'aria-label': t('Previous position'), title: t('Previous position') });
  private readonly nextEl = el('vscode-button', { icon: 'chevron-right', secondary: true, 'data-action': 'next', 'aria-label': t('Next position'), title: t('Next position') });
  private readonly rangeEl = el('input', { type: 'range', min: 0, max: 0, step: 1, class: 'scrubber', 'aria-label': t('Window position'), 'data-field': 'scrubber' });
  private readonly speedEl = el('vscode-single-select', { 'aria-label': t('Speed'), 'data-field': 'speed' },
    el('vscode-option', { value: '1000' }, t('slow')), el('vscode-option', { value: '500', selected: true }, t('normal')), el('vscode-option', { value: '150' }, t('fast'))) as Field;
  private readonly posEl = el('p', { class: 'step-position', 'data-role': 'step-position' });
  private readonly noteEl = el('div', { class: 'error-box', hidden: true, 'data-role': 'step-note' });
  private readonly boardEl = el('div', { class: 'step-board' });
  private readonly explain = new ExplainPanel('step');
  private last: Computed | null = null;
  private positions: WindowPosition[] = [];
  private inputMaps: MapView[] = [];
  private outMap: MapView | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private channel = 0;
  private step = 0;

  constructor(private readonly host: StepHost) {
    this.channelEl.addEventListener('change', () => {
      this.channel = Number(this.channelEl.value) || 0;
      this.rebuild();
      this.show();
    });
    this.playEl.addEventListener('click', () => (this.timer ? this.pause() : this.play()));
    this.prevEl.addEventListener('click', () => this.go(this.step - 1));
    this.nextEl.addEventListener('click', () => this.go(this.step + 1));
    this.rangeEl.addEventListener('input', () => this.go(Number(this.rangeEl.value)));
    this.speedEl.addEventListener('change', () => {
      if (this.timer) {
        this.pause();
        this.play();
      }
    });
    this.el = el(
      'div',
      { class: 'view view-step' },
      el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': t('Step-through controls') }, el('label', { class: 'field' }, t('Output channel'), this.channelEl), this.prevEl, this.playEl, this.nextEl, this.rangeEl, this.speedEl),
      this.posEl,
      this.noteEl,
      this.boardEl,
      this.explain.el,
    );
  }

  hide(): void {
    this.pause();
  }

  render(c: Computed): void {
    this.last = c;
    this.channel = c.state.channel;
    this.step = c.state.step;
    if (c.error || !c.reply) {
      this.noteEl.hidden = false;
      this.noteEl.textContent = c.error ?? '';
      this.boardEl.classList.add('stale');
      return;
    }
    this.boardEl.classList.remove('stale');
    const info = c.reply.info;
    if (info.op === 'conv_transpose2d') {
      this.pause();
      this.noteEl.hidden = false;
      this.noteEl.textContent = t('A transposed convolution scatters each input pixel into the output instead of sliding a window over the input, so there is no window to step. Rest on an output cell in the Output tab to see which inputs reach it.');
      this.boardEl.replaceChildren();
      this.positions = [];
      return;
    }
    this.noteEl.hidden = true;
    this.positions = windowPositions(info);
    const co = info.outChannels;
    if (this.channel >= co) this.channel = 0;
    this.channelEl.replaceChildren(...Array.from({ length: co }, (_, o) => el('vscode-option', { value: String(o), selected: o === this.channel }, String(o))));
    this.rangeEl.max = String(Math.max(0, this.positions.length - 1));
    this.rebuild();
    this.show();
  }

  /** The padded input channels of the followed output channel's group, and that output channel. */
  private rebuild(): void {
    const c = this.last;
    const src = c && explainSource(c);
    if (!c?.reply || !src) return;
    const info = c.reply.info;
    const pool = info.op === 'max_pool2d' || info.op === 'avg_pool2d';
    const channels = pool ? [this.channel] : Array.from({ length: info.inChannelsPerGroup }, (_, i) => Math.floor(this.channel / info.outChannelsPerGroup) * info.inChannelsPerGroup + i);
    const ph = src.padded.shape[1];
    const pw = src.padded.shape[2];
    const scale = absMax(src.padded);
    this.inputMaps = channels.map((ch) => {
      const m = new MapView({
        label: t('Input channel {0}, padded', ch),
        describe: (y, x, v) => t('Padded input channel {0}, row {1}, column {2}: {3}', ch, y - info.padTop, x - info.padLeft, formatNumber(v)),
      });
      m.set(src.padded.data, ch * ph * pw, ph, pw, scale);
      return m;
    });
    const [, ho, wo] = c.reply.output.shape;
    this.outMap = new MapView({
      label: t('Output channel {0}', this.channel),
      onCell: (cell) => {
        if (cell) this.go(cell.y * wo + cell.x);
      },
      describe: (y, x, v) => t('Output channel {0}, row {1}, column {2}: {3}', this.channel, y, x, formatNumber(v)),
    });
    this.outMap.set(c.reply.output.data, this.channel * ho * wo, ho, wo, absMax(c.reply.output));
    const kernelFigs = pool
      ? [el('p', { class: 'muted' }, t('{0} window {1}×{2}', info.op, info.kernelHeight, info.kernelWidth))]
      : channels.map((_ch, i) => {
          const km = new MapView({ label: t('Kernel [{0}, {1}]', this.channel, i), compact: true, maxSide: 120 });
          const off = (this.channel * info.inChannelsPerGroup + i) * info.kernelHeight * info.kernelWidth;
          km.set(c.kernel.data, off, info.kernelHeight, info.kernelWidth, absMax(c.kernel));
          return el('figure', { class: 'slice' }, el('figcaption', null, t('kernel [{0}, {1}]', this.channel, i) + (info.flipKernel ? ` ${t('(flipped when applied)')}` : '')), km.el);
        });
    this.boardEl.replaceChildren(
      el('div', { class: 'step-inputs' }, ...this.inputMaps.map((m, i) => el('figure', { class: 'slice', 'data-channel': channels[i] }, el('figcaption', null, t('input channel {0} (padded)', channels[i])), m.el))),
      el('div', { class: 'step-kernels' }, ...kernelFigs),
      el('span', { class: 'op', 'aria-hidden': 'true' }, '→'),
      el('figure', { class: 'slice step-output' }, el('figcaption', null, t('output channel {0}', this.channel)), this.outMap.el),
    );
  }

  private show(): void {
    const c = this.last;
    const src = c && explainSource(c);
    if (!c?.reply || !src || this.positions.length === 0) return;
    this.step = Math.max(0, Math.min(this.positions.length - 1, this.step));
    const p = this.positions[this.step];
    const info = c.reply.info;
    const ph = src.padded.shape[1];
    const pw = src.padded.shape[2];
    const marks = new Map<number, Set<Mark>>();
    const add = (i: number, m: Mark) => marks.set(i, (marks.get(i) ?? new Set<Mark>()).add(m));
    for (let y = 0; y < ph; y++) {
      for (let x = 0; x < pw; x++) {
        if (y < info.padTop || y >= info.padTop + info.inHeight || x < info.padLeft || x >= info.padLeft + info.inWidth) add(y * pw + x, 'pad');
      }
    }
    for (let i = 0; i < info.kernelHeight; i++) {
      for (let j = 0; j < info.kernelWidth; j++) {
        const y = p.top + info.padTop + i * info.dilationHeight;
        const x = p.left + info.padLeft + j * info.dilationWidth;
        // Ceil mode may hang a window past the padded input: only the cells that exist are drawn.
        if (y >= 0 && y < ph && x >= 0 && x < pw) add(y * pw + x, 'window');
      }
    }
    for (const m of this.inputMaps) m.setMarks(marks);
    const wo = c.reply.output.shape[2];
    this.outMap?.setMarks(new Map([[p.outY * wo + p.outX, new Set<Mark>(['lit'])]]));
    this.rangeEl.value = String(this.step);
    const text = t('Position {0} of {1}: window at row {2}, column {3} of the padded input fills output ({4}, {5})', this.step + 1, this.positions.length, p.top + info.padTop, p.left + info.padLeft, p.outY, p.outX);
    this.rangeEl.setAttribute('aria-valuetext', text);
    this.posEl.textContent = text;
    this.el.dataset.step = String(this.step);
    this.explain.show(src, this.channel, p.outY, p.outX);
    this.host.save(this.channel, this.step);
  }

  private go(step: number): void {
    this.step = Math.max(0, Math.min(this.positions.length - 1, step));
    this.show();
  }

  private play(): void {
    if (this.positions.length === 0) return;
    if (this.step >= this.positions.length - 1) this.step = -1;
    this.playEl.setAttribute('icon', 'debug-pause');
    this.playEl.textContent = t('Pause');
    this.playEl.setAttribute('aria-pressed', 'true');
    this.timer = setInterval(() => {
      if (this.step >= this.positions.length - 1) this.pause();
      else this.go(this.step + 1);
    }, Number(this.speedEl.value) || 500);
    this.go(this.step + 1);
  }

  private pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.playEl.setAttribute('icon', 'debug-start');
    this.playEl.textContent = t('Play');
    this.playEl.setAttribute('aria-pressed', 'false');
  }
}
