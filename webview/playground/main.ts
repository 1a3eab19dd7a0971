/**
 * The playground page: editors and options on the left, views in tabs on the right. Every change
 * updates the one state, saves it (vscode.setState, so hiding or reloading loses nothing), and asks
 * the worker for the new output; the visible view redraws when the answer comes back.
 */
import '@vscode/codicons/dist/codicon.css';
import '../common/theme.css';
import './playground.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { tensor, type Tensor } from '../../src/engine';
import { isPlaygroundToWebview, type PlaygroundFromWebview, type PlaygroundToWebview, type WireTensor } from '../../src/protocol';
import { el } from '../common/dom';
import { Controls } from './controls';
import { TensorEditor } from './editor';
import { EngineClient } from './engineClient';
import { t } from '../common/l10n';
import { randomNormal } from './learn';
import { INPUT_PRESETS, kernelPresets, randomInts } from './presets';
import {
  applyArgs,
  asInput,
  asKernel,
  conformKernel,
  isPoolOp,
  outChannelsOf,
  resizeAxis,
  resizeList,
  resizeSpatial,
  restoreState,
  TABS,
  type PlaygroundState,
} from './state';
import { ChannelsView } from './views/channels';
import type { Computed, View } from './views/context';
import { CostsView } from './views/costs';
import { ImagesView } from './views/images';
import { LearnView } from './views/learn';
import { OutputView } from './views/output';
import { StepView } from './views/step';

interface VsCodeApi {
  postMessage(message: PlaygroundFromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Largest input the live playground takes: every change recomputes it. */
const MAX_INPUT = 16 * 64 * 64;

const vscode = acquireVsCodeApi();
let state: PlaygroundState = restoreState(vscode.getState());

/** Measurements for the benchmark: ms from a change to its output drawn, and to the next frame. */
const perf = { render: [] as number[], frame: [] as number[], engine: [] as number[], renders: 0 };
(window as unknown as { __convLensPerf: typeof perf }).__convLensPerf = perf;

const post = (m: PlaygroundFromWebview) => vscode.postMessage(m);
// Saving serialises the whole state: done once things settle, and at once when the page goes away.
let saveTimer: ReturnType<typeof setTimeout> | undefined;
const saveNow = () => {
  clearTimeout(saveTimer);
  saveTimer = undefined;
  vscode.setState(state);
};
const save = () => {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveNow, 150);
};
window.addEventListener('pagehide', saveNow);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') saveNow();
});
const toTensor = (w: WireTensor): Tensor => tensor(w.shape, w.data);

// ── editors and options ────────────────────────────────────────────────────────────────────────

const inputEditor = new TensorEditor({
  kind: 'input',
  title: t('Input'),
  shapeLabel: (x) => `C×H×W = ${x.shape.join('×')}`,
  normalize: (x) => {
    const r = asInput(x);
    if (typeof r === 'string') return t('The playground takes one sample (C×H×W); this tensor has a {0}.', r);
    return r.data.length > MAX_INPUT ? t('{0} values is more than the live playground takes ({1}).', r.data.length, MAX_INPUT) : r;
  },
  presets: () => [...INPUT_PRESETS],
  randomize: (x) => ({ shape: x.shape, data: randomInts(x.data.length, 0, 9) }),
  addChannel: (x, d) => {
    const c = x.shape[0] + d;
    if (c < 1 || c > 16) return t('An input has 1 to 16 channels here.');
    return resizeAxis(x, 0, c, () => Math.floor(Math.random() * 10));
  },
  resize: (x, hh, ww) => resizeSpatial(x, hh, ww),
  onChange: (x) => {
    state.input = x;
    afterShapeChange();
  },
  onRequestSelection: () => post({ type: 'requestSelection', target: 'input' }),
});

const kernelEditor = new TensorEditor({
  kind: 'kernel',
  title: t('Kernel'),
  shapeLabel: (k) => (state.params.op === 'conv_transpose2d' ? 'C_in×C_out/g×kH×kW' : 'C_out×C_in/g×kH×kW') + ` = ${k.shape.join('×')}`,
  normalize: (k) => {
    const r = asKernel(k);
    return r.shape.length === 4 ? r : t('A kernel is kH×kW, C_in×kH×kW or C_out×C_in×kH×kW; this one has shape [{0}].', k.shape.join(', '));
  },
  presets: () => kernelPresets(state.kernel.shape[0], state.kernel.shape[1]),
  randomize: (k) => ({ shape: k.shape, data: randomInts(k.data.length, -2, 2) }),
  addChannel: (k, d) => {
    const o = k.shape[0] + d;
    if (o < 1 || o > 64) return t('A kernel has 1 to 64 output channels here.');
    return resizeAxis(k, 0, o, () => Math.floor(Math.random() * 3) - 1);
  },
  resize: (k, hh, ww) => resizeSpatial(k, hh, ww),
  onChange: (k) => {
    const reshaped = k.shape.join() !== state.kernel.shape.join();
    state.kernel = k;
    // A new value changes only the output; a new shape also changes the presets and the bias.
    if (reshaped) {
      if (state.bias) state.bias = resizeList(state.bias, outChannelsOf(state));
      kernelEditor.setPresets(kernelPresets(k.shape[0], k.shape[1]));
      controls.set(state.params, state.bias, outChannelsOf(state));
    }
    changed();
  },
  onRequestSelection: () => post({ type: 'requestSelection', target: 'kernel' }),
});

const controls = new Controls({
  onParams: (p) => {
    state.params = p;
    afterShapeChange();
  },
  onBias: (b) => {
    state.bias = b;
    controls.set(state.params, state.bias, outChannelsOf(state));
    changed();
  },
  onDepthwise: () => {
    // groups = C_in and one 1-channel kernel per input channel (C_out = C_in).
    const cIn = state.input.shape[0];
    state.params = { ...state.params, op: 'conv2d', groups: cIn };
    state.kernel = resizeAxis(resizeAxis(state.kernel, 1, 1), 0, cIn, () => Math.floor(Math.random() * 3) - 1);
    afterShapeChange();
  },
});

/** After the input, the options or the depthwise shortcut: keep the kernel and bias in step, redraw the forms. */
function afterShapeChange(): void {
  conformKernel(state);
  if (state.kernel !== kernelEditor.value) {
    kernelEditor.set(state.kernel);
    kernelEditor.setPresets(kernelPresets(state.kernel.shape[0], state.kernel.shape[1]));
  }
  kernelEditor.el.hidden = isPoolOp(state.params.op);
  controls.set(state.params, state.bias, outChannelsOf(state));
  changed();
}

// ── views ──────────────────────────────────────────────────────────────────────────────────────

const client = EngineClient.start(document.body.dataset.worker);
const outputView = new OutputView();
const stepView = new StepView({
  save: (channel, step) => {
    state.channel = channel;
    state.step = step;
    save();
  },
});
const channelsView = new ChannelsView({
  setChannel: (o) => {
    state.channel = o;
    changed();
  },
});
const costsView = new CostsView({
  save: (costs) => {
    state.costs = costs;
    save();
  },
});
const learnView = new LearnView({
  save: (learn) => {
    state.learn = learn;
    save();
  },
  run: async (learn) => {
    const c = (await client).client;
    const start = randomNormal(learn.trueKernel.data.length, learn.seed);
    const r = await c.request({ kind: 'learn', x: toTensor(learn.x), trueKernel: toTensor(learn.trueKernel), start, lr: learn.lr, steps: learn.steps });
    return r.kind === 'learn' ? r.run : r.kind === 'error' ? r.message : 'unexpected reply';
  },
  requestSelection: () => post({ type: 'requestSelection', target: 'learnInput' }),
});
const imagesView = new ImagesView({
  openImage: () => post({ type: 'openImage' }),
  save: (image) => {
    state.image = image;
    save();
  },
  apply: async (input, kernel, bias, params) => {
    const r = await (await client).client.request({ kind: 'image', input, kernel, bias, params });
    return r.kind === 'image' ? r.output : r.kind === 'error' ? r.message : 'unexpected reply';
  },
  useAsInput: (x) => {
    state.input = x;
    inputEditor.set(x);
    afterShapeChange();
  },
});

const views: Record<PlaygroundState['tab'], View> = {
  output: outputView,
  step: stepView,
  channels: channelsView,
  costs: costsView,
  learn: { el: learnView.el, render: (c) => learnView.show(c.state.learn) },
  images: { el: imagesView.el, render: (c) => imagesView.render(c) },
};
const TAB_LABELS: Record<PlaygroundState['tab'], string> = {
  output: t('Output'),
  step: t('Step-through'),
  channels: t('Channels'),
  costs: t('Costs'),
  learn: t('Learn a kernel'),
  images: t('Images'),
};

const tabs = el('vscode-tabs', { 'selected-index': TABS.indexOf(state.tab), 'data-role': 'tabs' });
for (const id of TABS) {
  tabs.append(el('vscode-tab-header', { slot: 'header', 'data-tab': id }, TAB_LABELS[id]));
  tabs.append(el('vscode-tab-panel', { 'data-panel': id }, views[id].el));
}
tabs.addEventListener('vsc-tabs-select', (e) => showTab(TABS[(e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex]));

/** Makes `id` the visible view (from a click on its tab, or from the page itself). */
function showTab(id: PlaygroundState['tab'] | undefined): void {
  if (!id || id === state.tab) return;
  views[state.tab].hide?.();
  state.tab = id;
  if (tabs.getAttribute('selected-index') !== String(TABS.indexOf(id))) tabs.setAttribute('selected-index', String(TABS.indexOf(id)));
  save();
  // Channels needs its partial maps: ask the worker again; the others redraw what they have.
  if (views[id].wantsParts) changed();
  else if (computed) views[id].render({ ...computed, state });
}

const timingEl = el('span', { class: 'muted timing', 'data-role': 'timing', 'aria-hidden': 'true' });
document.getElementById('app')?.append(
  el('header', { class: 'page-header' }, el('h1', null, t('Conv Lens Playground')), timingEl),
  el('main', { class: 'layout' }, el('div', { class: 'side' }, inputEditor.el, kernelEditor.el, controls.el), el('div', { class: 'views' }, tabs)),
);

// ── compute loop ───────────────────────────────────────────────────────────────────────────────

let computed: Computed | null = null;
let inFlight = false;
let again = false;
let changeStart: number | null = null;

/** Something in the state changed: save it and get the new output (one request at a time, latest wins). */
function changed(): void {
  changeStart ??= performance.now();
  save();
  void recompute();
}

async function recompute(): Promise<void> {
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  const started = changeStart;
  changeStart = null;
  const s = state;
  const input = toTensor(s.input);
  const kernel = toTensor(s.kernel);
  const bias = s.bias ? tensor([s.bias.length], s.bias) : null;
  const view = views[s.tab];
  const { client: c } = await client;
  const reply = await c.request({ kind: 'forward', params: s.params, input, kernel, bias, parts: view.wantsParts?.(s) ?? null });
  computed = {
    state: s,
    input,
    kernel,
    bias,
    reply: reply.kind === 'forward' ? reply : null,
    error: reply.kind === 'error' ? reply.message : reply.kind === 'forward' ? null : 'unexpected reply',
  };
  views[state.tab].render(computed);
  perf.renders++;
  document.body.dataset.renders = String(perf.renders);
  if (started !== null) {
    const ms = performance.now() - started;
    perf.render.push(ms);
    if (reply.kind === 'forward') perf.engine.push(reply.ms);
    requestAnimationFrame(() => perf.frame.push(performance.now() - started));
    timingEl.textContent = reply.kind === 'forward' ? t('updated in {0} ms (engine {1} ms, {2})', ms.toFixed(1), reply.ms.toFixed(2), c.inWorker ? t('worker') : t('page')) : '';
  }
  inFlight = false;
  if (again) {
    again = false;
    void recompute();
  }
}

// ── messages from the extension ────────────────────────────────────────────────────────────────

function refreshForms(): void {
  inputEditor.set(state.input);
  inputEditor.setPresets([...INPUT_PRESETS]);
  kernelEditor.set(state.kernel);
  kernelEditor.setPresets(kernelPresets(state.kernel.shape[0], state.kernel.shape[1]));
  kernelEditor.el.hidden = isPoolOp(state.params.op);
  controls.set(state.params, state.bias, outChannelsOf(state));
}

function load(args: Parameters<typeof applyArgs>[1]): void {
  const next = applyArgs(state, args);
  if (typeof next === 'string') {
    inputEditor.showError(t('The playground takes one sample (C×H×W); this tensor has a {0}.', next));
    return;
  }
  state = next;
  // An input on its own (a hover link on X): fit the kernel's input channels to it.
  if (args.input && !args.kernel) conformKernel(state);
  refreshForms();
  changed();
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const msg: unknown = e.data;
  if (!isPlaygroundToWebview(msg)) return;
  handle(msg);
});

function handle(msg: PlaygroundToWebview): void {
  switch (msg.type) {
    case 'init':
    case 'load':
      if (msg.args) load(msg.args);
      return;
    case 'selection': {
      const editor = msg.target === 'input' ? inputEditor : msg.target === 'kernel' ? kernelEditor : null;
      if (msg.text === null) {
        if (editor) editor.showError(msg.reason ?? '');
        return;
      }
      if (editor) editor.loadText(msg.text);
      else learnView.loadX(msg.text);
      return;
    }
    case 'image':
      if (msg.base64 === null) return;
      showTab('images');
      void imagesView.load(msg.name, msg.mime, msg.base64);
      return;
  }
}

refreshForms();
changed();
void client.then(({ error }) => {
  document.body.dataset.engine = error ? 'page' : 'worker';
  if (error) console.warn('Conv Lens playground: computing on the page, the worker did not start:', error);
});
post({ type: 'ready' });
