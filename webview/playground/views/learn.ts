/**
 * Learn a kernel (seed 004): X, the target Y = X ⋆ K_true, gradient descent from a random start
 * with a chosen learning rate and number of steps. The run happens in the worker (learn.ts); this
 * view shows the loss on a log scale, the kernel's entries approaching the true ones, and every
 * step in a table (which is also what a screen reader reads instead of the charts).
 */
import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { corr2d, tensor } from '../../../src/engine';
import type { WireTensor } from '../../../src/protocol';
import { el, formatNumber } from '../../common/dom';
import { t } from '../../common/l10n';
import type { LearnRun } from '../learn';
import { MapView } from '../mapview';
import { edgeImage, type LearnState } from '../state';
import { formatTensorText, parseTensorText } from '../text';
import { absMax } from './context';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Tooltip, Legend);

type Field = HTMLElement & { value: string };

export interface LearnHost {
  save(learn: LearnState): void;
  /** Runs gradient descent in the worker. */
  run(learn: LearnState): Promise<LearnRun | string>;
  /** Asks the extension for the editor selection, delivered to `loadX`. */
  requestSelection(): void;
}

const css = (v: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(v).trim() || fallback;

export class LearnView {
  readonly el: HTMLElement;
  private readonly xText = el('vscode-textarea', { monospace: true, rows: 6, resize: 'none', 'aria-label': t('Input X as text'), 'data-field': 'learn-x' }) as Field;
  private readonly kText = el('vscode-textfield', { 'aria-label': t('True kernel'), 'data-field': 'learn-k' }) as Field;
  private readonly lr = el('vscode-textfield', { type: 'number', step: 0.001, min: 0, class: 'num wide-num', 'aria-label': t('Learning rate'), 'data-field': 'learn-lr' }) as Field;
  private readonly steps = el('vscode-textfield', { type: 'number', min: 1, max: 10000, class: 'num', 'aria-label': t('Steps'), 'data-field': 'learn-steps' }) as Field;
  private readonly seed = el('vscode-textfield', { type: 'number', min: 0, class: 'num', 'aria-label': t('Random seed'), 'data-field': 'learn-seed' }) as Field;
  private readonly errorEl = el('div', { class: 'error-box', role: 'alert', hidden: true, 'data-role': 'learn-error' });
  private readonly summaryEl = el('p', { class: 'learn-summary', 'aria-live': 'polite', 'data-role': 'learn-summary' });
  private readonly mapsEl = el('div', { class: 'slice-row' });
  private readonly tableEl = el('div', { class: 'learn-table', tabindex: 0, role: 'region', 'aria-label': t('Every step') });
  private readonly lossCanvas = el('canvas', { role: 'img', 'aria-label': t('Loss per step, log scale'), 'data-role': 'loss-chart' });
  private readonly kernelCanvas = el('canvas', { role: 'img', 'aria-label': t('Kernel entries per step') });
  private lossChart: Chart | null = null;
  private kernelChart: Chart | null = null;
  private learn: LearnState | null = null;
  private running = 0;
  private drawn: { learn: LearnState; run: LearnRun } | null = null;

  constructor(private readonly host: LearnHost) {
    const runBtn = el('vscode-button', { icon: 'play', 'data-action': 'learn-run' }, t('Run'));
    runBtn.addEventListener('click', () => this.read(true));
    const newStart = el('vscode-button', { icon: 'refresh', secondary: true, 'data-action': 'learn-restart' }, t('New random start'));
    newStart.addEventListener('click', () => {
      this.seed.value = String((Number(this.seed.value) || 0) + 1);
      this.read(true);
    });
    const fromSel = el('vscode-button', { icon: 'selection', secondary: true, 'data-action': 'learn-from-selection' }, t('X from selection'));
    fromSel.addEventListener('click', () => host.requestSelection());
    const reset = el('vscode-button', { secondary: true, 'data-action': 'learn-reset' }, t("Seed 004's example"));
    reset.addEventListener('click', () => {
      this.xText.value = formatTensorText(edgeImage());
      this.kText.value = '[[1, -1]]';
      this.lr.value = '0.01';
      this.steps.value = '20';
      this.read(true);
    });
    for (const f of [this.lr, this.steps, this.seed, this.kText]) f.addEventListener('change', () => this.read(true));
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.xText.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.read(true), 300);
    });
    // Chart colours are read from the theme when drawn: draw again when the theme changes.
    new MutationObserver(() => {
      if (this.drawn) this.drawCharts(this.drawn.learn, this.drawn.run);
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.el = el(
      'div',
      { class: 'view view-learn' },
      el('p', { class: 'muted' }, t('Gradient descent on a randomly started kernel K: Y_hat = X ⋆ K, l = (Y_hat − Y)², l.sum().backward(), K −= lr · K.grad. The gradient is itself a cross-correlation: X ⋆ 2(Y_hat − Y).')),
      el('div', { class: 'learn-inputs' },
        el('label', { class: 'field column' }, t('Input X'), this.xText),
        el('div', { class: 'learn-params' },
          el('label', { class: 'field' }, t('True kernel (Y = X ⋆ K_true)'), this.kText),
          el('label', { class: 'field' }, t('Learning rate'), this.lr),
          el('label', { class: 'field' }, t('Steps'), this.steps),
          el('label', { class: 'field' }, t('Random seed'), this.seed),
          el('div', { class: 'toolbar' }, runBtn, newStart, fromSel, reset))),
      this.errorEl,
      this.mapsEl,
      this.summaryEl,
      el('div', { class: 'charts' }, el('div', { class: 'chart' }, this.lossCanvas), el('div', { class: 'chart' }, this.kernelCanvas)),
      this.tableEl,
    );
  }

  /** Shows a saved learn state and runs it. */
  show(learn: LearnState): void {
    if (this.learn === learn) return;
    this.learn = learn;
    this.xText.value = formatTensorText(learn.x);
    this.kText.value = formatTensorText(learn.trueKernel);
    this.lr.value = String(learn.lr);
    this.steps.value = String(learn.steps);
    this.seed.value = String(learn.seed);
    void this.execute(learn);
  }

  /** X from the editor selection. */
  loadX(text: string): void {
    this.xText.value = text;
    this.read(true);
  }

  private read(runNow: boolean): void {
    const x = this.matrix(this.xText.value, t('Input X'));
    const k = this.matrix(this.kText.value, t('True kernel'));
    const lr = Number(this.lr.value);
    const steps = Number(this.steps.value);
    const seed = Number(this.seed.value);
    const problem =
      typeof x === 'string' ? x : typeof k === 'string' ? k
        : !(lr > 0 && Number.isFinite(lr)) ? t('The learning rate is a positive number.')
          : !Number.isInteger(steps) || steps < 1 || steps > 10000 ? t('Steps is a whole number from 1 to 10000.')
            : !Number.isInteger(seed) || seed < 0 ? t('The seed is a whole number, 0 or more.')
              : x.shape[0] < k.shape[0] || x.shape[1] < k.shape[1] ? t('The kernel is larger than X.') : null;
    if (problem || typeof x === 'string' || typeof k === 'string') {
      this.errorEl.hidden = false;
      this.errorEl.textContent = problem ?? '';
      return;
    }
    this.errorEl.hidden = true;
    const learn: LearnState = { x, trueKernel: k, lr, steps, seed };
    this.learn = learn;
    this.host.save(learn);
    if (runNow) void this.execute(learn);
  }

  private matrix(text: string, what: string): WireTensor | string {
    const r = parseTensorText(text);
    if (!r.ok) return `${what}: ${t('Line {0}, column {1}: {2}', r.line, r.column, r.message)}`;
    const s = r.tensor.shape;
    const squeezed = s.filter((d, i) => d !== 1 || i >= s.length - 2);
    if (squeezed.length !== 2) return t('{0} must be a matrix (H×W); got shape [{1}].', what, s.join(', '));
    return { shape: squeezed, data: r.tensor.data };
  }

  private async execute(learn: LearnState): Promise<void> {
    const ticket = ++this.running;
    const result = await this.host.run(learn);
    if (ticket !== this.running) return;
    if (typeof result === 'string') {
      this.errorEl.hidden = false;
      this.errorEl.textContent = result;
      return;
    }
    this.draw(learn, result);
  }

  private draw(learn: LearnState, run: LearnRun): void {
    const x = tensor(learn.x.shape, learn.x.data);
    const y = corr2d(x, tensor(learn.trueKernel.shape, learn.trueKernel.data));
    const last = run.steps[run.steps.length - 1];
    const kh = learn.trueKernel.shape[0];
    const kw = learn.trueKernel.shape[1];
    const fig = (label: string, data: ArrayLike<number>, h: number, w: number) => {
      const m = new MapView({ label, compact: true, maxSide: 200 });
      m.set(data, 0, h, w, absMax({ data }));
      return el('figure', { class: 'slice' }, el('figcaption', null, label), m.el);
    };
    this.mapsEl.replaceChildren(
      fig(t('X {0}×{1}', x.shape[0], x.shape[1]), x.data, x.shape[0], x.shape[1]),
      fig(t('target Y = X ⋆ K_true, {0}×{1}', y.shape[0], y.shape[1]), y.data, y.shape[0], y.shape[1]),
      fig(t('random start'), run.start, kh, kw),
      fig(t('learned K after {0} steps', run.steps.length), last.kernel, kh, kw),
      fig(t('true K'), learn.trueKernel.data, kh, kw),
    );
    const first = run.steps[0].loss;
    const kText = (k: readonly number[]) => `[${k.map((v) => v.toFixed(4)).join(', ')}]`;
    this.summaryEl.textContent = t(
      'Loss {0} at step 1, {1} at step {2}: {3}× smaller (after the last update: {4}). Kernel {5} → {6}; true {7}.',
      formatNumber(first), formatNumber(last.loss), last.step, first / last.loss >= 1000 ? Math.round(first / last.loss) : (first / last.loss).toFixed(1),
      formatNumber(run.finalLoss), kText(run.start), kText(last.kernel), kText(learn.trueKernel.data),
    );
    this.el.dataset.firstLoss = String(first);
    this.el.dataset.lastLoss = String(last.loss);
    this.el.dataset.finalLoss = String(run.finalLoss);
    this.drawn = { learn, run };
    this.drawCharts(learn, run);
    this.drawTable(run);
  }

  private drawCharts(learn: LearnState, run: LearnRun): void {
    const fg = css('--vscode-foreground', '#ccc');
    const grid = css('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    const palette = ['--vscode-charts-orange', '--vscode-charts-blue', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'].map((v) => css(v, '#888'));
    const labels = run.steps.map((s) => String(s.step));
    const axes = (type: 'linear' | 'logarithmic', yTitle: string) => ({
      x: { title: { display: true, text: t('step'), color: fg }, ticks: { color: fg }, grid: { color: grid } },
      y: { type, title: { display: true, text: yTitle, color: fg }, ticks: { color: fg }, grid: { color: grid } },
    });
    const options = (type: 'linear' | 'logarithmic', yTitle: string) => ({
      animation: false as const,
      responsive: true,
      maintainAspectRatio: false,
      scales: axes(type, yTitle),
      plugins: { legend: { labels: { color: fg } } },
    });
    this.lossChart?.destroy();
    this.lossChart = new Chart(this.lossCanvas, {
      type: 'line',
      data: { labels, datasets: [{ label: t('loss (log scale)'), data: run.steps.map((s) => s.loss), borderColor: palette[0], backgroundColor: palette[0], pointRadius: 2 }] },
      options: options('logarithmic', t('loss')),
    });
    const entries = learn.trueKernel.data.length;
    const datasets = [];
    for (let i = 0; i < Math.min(entries, 6); i++) {
      datasets.push({ label: t('K[{0}]', i), data: run.steps.map((s) => s.kernel[i]), borderColor: palette[i], backgroundColor: palette[i], pointRadius: 2 });
      datasets.push({ label: t('true K[{0}]', i), data: run.steps.map(() => learn.trueKernel.data[i]), borderColor: palette[i], borderDash: [4, 4], pointRadius: 0 });
    }
    this.kernelChart?.destroy();
    this.kernelChart = new Chart(this.kernelCanvas, { type: 'line', data: { labels, datasets }, options: options('linear', t('kernel value')) });
    this.lossCanvas.setAttribute('aria-label', t('Loss per step, log scale: from {0} to {1}', formatNumber(run.steps[0].loss), formatNumber(run.steps[run.steps.length - 1].loss)));
  }

  private drawTable(run: LearnRun): void {
    const head = el('tr', null, el('th', { scope: 'col' }, t('step')), el('th', { scope: 'col' }, t('loss')), el('th', { scope: 'col' }, t('kernel after the step')));
    const rows = run.steps.map((s) => el('tr', null, el('td', null, String(s.step)), el('td', null, s.loss.toPrecision(4)), el('td', null, s.kernel.map((v) => v.toFixed(4)).join(', '))));
    this.tableEl.replaceChildren(el('table', { class: 'costs-table', 'data-role': 'learn-steps' }, el('caption', null, t('Every step')), head, ...rows));
  }
}
