/**
 * Hover shape hints: rest the mouse on a tensor literal, a constructor, a printed tensor, a name
 * bound to one, or a conv / pooling layer call, and see its shape, dtype, size, values and how it
 * reads as a conv operand; for a layer, its weights, parameters, output-size formula and costs.
 *
 * The scan of a document is cached per URI and version; notebook cells are scanned in order so a
 * name bound in one cell hovers in the next. Workspace text is always escaped; the only links are
 * our own commands, and only once they are registered.
 */
import * as vscode from 'vscode';
import { scanDocument, itemAt, elementBytes, engineDtype, type Item, type ScanResult, type Binding, type LayerReport, type TensorValue } from '../parse';
import { convCost, outputSizeFormula, formatCount } from '../engine';
import { log } from './log';

const COMPUTE_COMMAND = 'convLens.computeConv';
const PLAYGROUND_COMMAND = 'convLens.openPlayground';
const DEFAULT_LANGUAGES = ['python', 'markdown', 'plaintext'];
/** Values are summarised (min / max / mean) up to this many elements. */
const STATS_LIMIT = 10_000_000;
/** Playground links carry the values in the URI: only small tensors. */
const PLAYGROUND_LINK_ELEMENTS = 1024;

interface CacheEntry {
  readonly version: number;
  readonly globalsIn: ReadonlyMap<string, Binding> | undefined;
  readonly result: ScanResult;
}

/** Scans per document version; the oldest entries go first beyond `limit`. */
class ScanCache {
  private readonly entries = new Map<string, CacheEntry>();
  constructor(private readonly limit = 64) {}

  get(doc: vscode.TextDocument, globalsIn: ReadonlyMap<string, Binding> | undefined, maxElements: number): ScanResult {
    const key = doc.uri.toString();
    const hit = this.entries.get(key);
    if (hit && hit.version === doc.version && hit.globalsIn === globalsIn) return hit.result;
    const result = scanDocument(doc.getText(), { maxElements, ...(globalsIn ? { globals: globalsIn } : {}) });
    this.entries.delete(key);
    this.entries.set(key, { version: doc.version, globalsIn, result });
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
    return result;
  }

  forget(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
  }
}

function settings(): { enabled: boolean; languages: string[]; maxElements: number } {
  const c = vscode.workspace.getConfiguration('convLens');
  const languages = c.get<unknown>('hover.languages');
  const maxElements = c.get<number>('parse.maxElements', 10_000_000);
  return {
    enabled: c.get<boolean>('hover.enabled', true),
    languages: Array.isArray(languages) && languages.every((l) => typeof l === 'string') ? languages : DEFAULT_LANGUAGES,
    maxElements: Number.isInteger(maxElements) && maxElements > 0 ? maxElements : 10_000_000,
  };
}

/** Python, Markdown and plain text files, and the cells of Jupyter notebooks, for each language. */
function selector(languages: readonly string[]): vscode.DocumentSelector {
  return languages.flatMap((language) => [
    { language },
    { notebookType: 'jupyter-notebook', language },
    { scheme: 'vscode-notebook-cell', language },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Text. Everything from the workspace goes through `appendText` (escaped); our own words and
// numbers are built here.

/** A shape as Python prints the tuple: `(2, 3, 3)`, `(3,)`, `()`. */
const dims = (shape: readonly number[]): string => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`);

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
}

/** An exact count, with the SI reading beside it once it is large: `1,024,000,000 (1.02 G)`. */
function count(n: number): string {
  const exact = n.toLocaleString('en-US');
  return Math.abs(n) >= 10_000 ? `${exact} (${formatCount(n)})` : exact;
}

function bytesText(n: number): string {
  if (n < 1024) return vscode.l10n.t('{0} bytes', n);
  if (n < 1024 * 1024) return vscode.l10n.t('{0} KiB', (n / 1024).toFixed(1));
  return vscode.l10n.t('{0} MiB', (n / 1024 / 1024).toFixed(1));
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `C×H×W: 2 channels of 3×3`, `C_out×C_in×kH×kW: 3 kernels of 2×2×2` … */
function operandReadings(shape: readonly number[]): string[] {
  const [a, b, c, d] = shape;
  switch (shape.length) {
    case 2:
      return [vscode.l10n.t('H×W: one {0}×{1} channel (or a kH×kW kernel)', a, b)];
    case 3:
      return [vscode.l10n.t('C×H×W: {0} channels of {1}×{2}', a, b, c)];
    case 4:
      return [
        vscode.l10n.t('N×C×H×W: a batch of {0}, each {1} channels of {2}×{3}', a, b, c, d),
        vscode.l10n.t('C_out×C_in×kH×kW: {0} kernels of {1}×{2}×{3}', a, b, c, d),
      ];
    default:
      return [];
  }
}

/** Summaries already computed, per tensor (a hover that comes back costs nothing). */
const statsCache = new WeakMap<TensorValue, string | undefined>();

function stats(t: TensorValue): string | undefined {
  if (statsCache.has(t)) return statsCache.get(t);
  const s = computeStats(t);
  statsCache.set(t, s);
  return s;
}

function computeStats(t: TensorValue): string | undefined {
  const data = t.data?.data;
  if (!data || data.length === 0 || data.length > STATS_LIMIT) return undefined;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nan = false;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isNaN(v)) nan = true;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  if (nan) return vscode.l10n.t('min {0} · max {1} · mean nan (holds nan)', formatNumber(min), formatNumber(max));
  return vscode.l10n.t('min {0} · max {1} · mean {2}', formatNumber(min), formatNumber(max), formatNumber(sum / data.length));
}

const KIND_TITLES: Record<Item['kind'], () => string> = {
  literal: () => vscode.l10n.t('tensor literal'),
  constructor: () => vscode.l10n.t('tensor constructor'),
  printed: () => vscode.l10n.t('printed tensor'),
  layer: () => vscode.l10n.t('layer'),
  name: () => vscode.l10n.t('name'),
};

function line(md: vscode.MarkdownString, text: string): void {
  md.appendText(text);
  md.appendMarkdown('  \n');
}

function tensorLines(md: vscode.MarkdownString, t: TensorValue): void {
  const n = numel(t.shape);
  const size = elementBytes(t.dtype);
  const parts = [vscode.l10n.t('shape {0}', dims(t.shape)), t.dtype, n === 1 ? vscode.l10n.t('1 element') : vscode.l10n.t('{0} elements', count(n))];
  if (size !== undefined) parts.push(bytesText(n * size));
  line(md, parts.join(' · '));
  const s = stats(t);
  if (s) line(md, s);
  for (const r of operandReadings(t.shape)) line(md, r);
}

// ----- layers ---------------------------------------------------------------------------------

/**
 * One axis of the output-size formula before the input is known, in the engine's notation
 * (`floor((H_in + 0 + 0 − 1·(3 − 1) − 1) / 3) + 1`); with an input, the engine's own formula.
 */
function symbolicAxis(axis: 'H' | 'W', r: LayerReport): string | undefined {
  const s = r.spec;
  const h = axis === 'H';
  const k = s.kernelSize?.[h ? 0 : 1] ?? (r.weightShape ? r.weightShape[h ? 2 : 3] : undefined);
  if (k === undefined) return undefined;
  const isPool = s.op === 'max_pool2d' || s.op === 'avg_pool2d';
  const stride = s.stride ? s.stride[h ? 0 : 1] : isPool ? k : 1;
  const dil = s.dilation?.[h ? 0 : 1] ?? 1;
  let pads: [number, number];
  if (s.padding === undefined || s.padding === 'valid') pads = [0, 0];
  else if (typeof s.padding === 'number') pads = [s.padding, s.padding];
  else if (s.padding === 'same') {
    const total = dil * (k - 1);
    pads = [Math.floor(total / 2), total - Math.floor(total / 2)];
  } else if (s.padding.length === 2) pads = [s.padding[h ? 0 : 1], s.padding[h ? 0 : 1]];
  else pads = h ? [s.padding[0], s.padding[1]] : [s.padding[2], s.padding[3]];
  const input = `${axis}_in`;
  if (s.op === 'conv_transpose2d') {
    const op = s.outputPadding?.[h ? 0 : 1] ?? 0;
    return `${axis}_out = (${input} − 1)·${stride} − ${pads[0]} − ${pads[1]} + ${dil}·(${k} − 1) + ${op} + 1`;
  }
  const round = s.ceilMode ? 'ceil' : 'floor';
  return `${axis}_out = ${round}((${input} + ${pads[0]} + ${pads[1]} − ${dil}·(${k} − 1) − 1) / ${stride}) + 1`;
}

function formulaLines(md: vscode.MarkdownString, r: LayerReport): void {
  if (r.info) {
    const f = outputSizeFormula(r.info);
    line(md, `H_out = ${f.height}`);
    line(md, `W_out = ${f.width}`);
    return;
  }
  for (const axis of ['H', 'W'] as const) {
    const f = symbolicAxis(axis, r);
    if (f) line(md, f);
  }
}

/** Multiply-adds for one output element: (C_in / groups)·kH·kW (transposed: per input element). */
function macsPerPosition(r: LayerReport): { text: string; value: number } | undefined {
  const s = r.spec;
  if (s.op === 'max_pool2d' || s.op === 'avg_pool2d') return undefined;
  if (r.info) {
    const i = r.info;
    const c = i.op === 'conv_transpose2d' ? i.outChannelsPerGroup : i.inChannelsPerGroup;
    return { text: `${c}·${i.kernelHeight}·${i.kernelWidth}`, value: c * i.kernelHeight * i.kernelWidth };
  }
  const w = r.weightShape;
  if (!w || w.length !== 4) return undefined;
  if (s.op === 'conv_transpose2d') return { text: `${w[1]}·${w[2]}·${w[3]}`, value: w[1] * w[2] * w[3] };
  return { text: `${w[1]}·${w[2]}·${w[3]}`, value: w[1] * w[2] * w[3] };
}

/** Input → output, total MACs / FLOPs (the engine's cost model), the formula with the numbers. */
function appliedLines(md: vscode.MarkdownString, r: LayerReport, where: string | undefined, dtype: string | undefined): void {
  if (!r.inputShape) return;
  if (!r.outputShape || !r.info) {
    if (r.error) line(md, where ? vscode.l10n.t('Shape mismatch ({0}): {1}', where, r.error) : vscode.l10n.t('Shape mismatch: {0}', r.error));
    return;
  }
  line(md, where ? vscode.l10n.t('input {0} ({1}) → output {2}', dims(r.inputShape), where, dims(r.outputShape)) : vscode.l10n.t('input {0} → output {1}', dims(r.inputShape), dims(r.outputShape)));
  const cost = convCost(r.info, dtype && engineDtype(dtype) === 'float32' ? 'float32' : 'float64');
  if (cost.macs > 0) line(md, vscode.l10n.t('total: {0} MACs · {1} FLOPs (2·MACs)', count(cost.macs), count(cost.flops)));
  else if (cost.reductionOps > 0) line(md, vscode.l10n.t('total: {0} {1}', count(cost.reductionOps), cost.reductionLabel));
  if (cost.biasAdds > 0) line(md, vscode.l10n.t('bias adds: {0}', count(cost.biasAdds)));
  formulaLines(md, r);
}

/** `applied`: the layer's applications below show the formula with their numbers, so the symbolic one is left out. */
function layerLines(md: vscode.MarkdownString, r: LayerReport, dtype: string | undefined, applied = false): void {
  const s = r.spec;
  const isPool = s.op === 'max_pool2d' || s.op === 'avg_pool2d';
  if (r.weightShape) {
    const parts = [vscode.l10n.t('weight {0}', dims(r.weightShape))];
    parts.push(r.biasShape ? vscode.l10n.t('bias {0}', dims(r.biasShape)) : vscode.l10n.t('no bias'));
    if (r.params !== null) parts.push(vscode.l10n.t('{0} parameters', count(r.params)));
    line(md, parts.join(' · '));
  } else if (isPool) {
    const k = s.kernelSize;
    line(md, k ? vscode.l10n.t('window {0}×{1} · no parameters', k[0], k[1]) : vscode.l10n.t('no parameters'));
  } else if (s.unknownArgument) {
    line(md, vscode.l10n.t('weights not known: the argument {0} is not a literal value', s.unknownArgument));
  }
  const perPosition = macsPerPosition(r);
  if (perPosition) line(md, vscode.l10n.t('MACs per output position: {0} = {1}', perPosition.text, count(perPosition.value)));
  if (r.inputShape) appliedLines(md, r, undefined, dtype);
  else {
    if (!applied) formulaLines(md, r);
    if (r.error) line(md, vscode.l10n.t('Shape mismatch: {0}', r.error));
  }
}

// ----- the hover ------------------------------------------------------------------------------

function commandLink(md: vscode.MarkdownString, title: string, command: string, args: unknown): void {
  md.appendMarkdown(`[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`);
}

function describe(doc: vscode.TextDocument, item: Item, result: ScanResult, commands: ReadonlySet<string>): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.supportHtml = false;
  const enabled = [COMPUTE_COMMAND, PLAYGROUND_COMMAND].filter((c) => commands.has(c));
  md.isTrusted = enabled.length ? { enabledCommands: enabled } : false;
  const title = KIND_TITLES[item.kind]();
  md.appendMarkdown('**Conv Lens** · ');
  md.appendText(item.kind === 'name' ? title : `${title} (${item.form})`);
  if (item.name) {
    md.appendMarkdown(' · ');
    md.appendText(item.name);
  }
  md.appendMarkdown('  \n');
  if (item.kind === 'name' && item.boundAt) {
    const here = result.lines.position(item.start).line === item.boundAt.line && item.start === item.boundAt.offset;
    line(md, here ? vscode.l10n.t('bound here') : vscode.l10n.t('bound at line {0}', item.boundAt.line));
  }
  if (item.tensor && item.kind !== 'layer') tensorLines(md, item.tensor);
  else if (item.size) {
    line(md, vscode.l10n.t('torch.Size: shape {0} · {1} elements', dims(item.size), count(numel(item.size))));
    for (const r of operandReadings(item.size)) line(md, r);
  }
  if (item.layer) {
    const applications = (item.applications ?? []).filter((a) => a.layer !== item.layer);
    layerLines(md, item.layer, item.tensor?.dtype, applications.some((a) => a.layer.outputShape));
    for (const a of applications) appliedLines(md, a.layer, vscode.l10n.t('applied at line {0}', result.lines.position(a.offset).line), undefined);
  }
  if (item.error && !item.layer) line(md, vscode.l10n.t('Nothing more to show: {0}', item.error));
  if (enabled.length && (item.tensor || item.layer)) {
    const range = { start: doc.positionAt(item.start), end: doc.positionAt(item.end) };
    const where = { uri: doc.uri.toString(), range: { start: { line: range.start.line, character: range.start.character }, end: { line: range.end.line, character: range.end.character } } };
    const links: (() => void)[] = [];
    if (commands.has(COMPUTE_COMMAND)) links.push(() => commandLink(md, vscode.l10n.t('Compute Conv'), COMPUTE_COMMAND, [where]));
    const data = item.tensor?.data;
    if (commands.has(PLAYGROUND_COMMAND)) {
      const small = data && item.tensor && item.tensor.shape.length >= 2 && item.tensor.shape.length <= 4 && data.data.length <= PLAYGROUND_LINK_ELEMENTS;
      const key = item.tensor && item.tensor.shape.length === 4 && item.tensor.shape[0] > 1 ? 'kernel' : 'input';
      const args = small && item.tensor ? { [key]: { shape: [...item.tensor.shape], data: Array.from(data.data) } } : {};
      links.push(() => commandLink(md, vscode.l10n.t('Open in Playground'), PLAYGROUND_COMMAND, [args]));
    }
    links.forEach((add, k) => {
      if (k > 0) md.appendMarkdown(' · ');
      add();
    });
  }
  return md;
}

/** Our commands that are registered (looked up once, again after a minute). */
class CommandSet {
  private known: Set<string> | undefined;
  private at = 0;
  async get(): Promise<ReadonlySet<string>> {
    if (!this.known || Date.now() - this.at > 60_000) {
      const all = await vscode.commands.getCommands(true);
      this.known = new Set(all.filter((c) => c.startsWith('convLens.')));
      this.at = Date.now();
    }
    return this.known;
  }
}

export class ShapeHoverProvider implements vscode.HoverProvider {
  private readonly cache = new ScanCache();
  private readonly commands = new CommandSet();

  /** The scan of `doc`; for a notebook cell, the cells before it are scanned first (in order) for their names. */
  scan(doc: vscode.TextDocument, maxElements: number): ScanResult {
    if (doc.uri.scheme === 'vscode-notebook-cell') {
      const notebook = vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === doc));
      if (notebook) {
        let globals: ReadonlyMap<string, Binding> | undefined;
        for (const cell of notebook.getCells()) {
          if (cell.document === doc) return this.cache.get(doc, globals, maxElements);
          if (cell.kind !== vscode.NotebookCellKind.Code) continue;
          globals = this.cache.get(cell.document, globals, maxElements).globals;
        }
      }
    }
    return this.cache.get(doc, undefined, maxElements);
  }

  async provideHover(doc: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const config = settings();
    if (!config.enabled) return undefined;
    try {
      const result = this.scan(doc, config.maxElements);
      const offset = doc.offsetAt(position);
      const item = itemAt(result.items, offset);
      if (!item || token.isCancellationRequested) return undefined;
      const commands = await this.commands.get();
      const range = new vscode.Range(doc.positionAt(item.start), doc.positionAt(item.end));
      return new vscode.Hover(describe(doc, item, result, commands), range);
    } catch (err) {
      // Never an error popup: one line in the log, nothing in the editor.
      log().warn(`hover at ${doc.uri.toString()}:${position.line + 1}:${position.character + 1} failed:`, err instanceof Error ? err.stack ?? err.message : String(err));
      return undefined;
    }
  }

  forget(uri: vscode.Uri): void {
    this.cache.forget(uri);
  }
}

export function register(_context: vscode.ExtensionContext): vscode.Disposable {
  const provider = new ShapeHoverProvider();
  let registration = vscode.languages.registerHoverProvider(selector(settings().languages), provider);
  const onConfig = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('convLens.hover.languages')) return;
    registration.dispose();
    registration = vscode.languages.registerHoverProvider(selector(settings().languages), provider);
  });
  const onClose = vscode.workspace.onDidCloseTextDocument((doc) => provider.forget(doc.uri));
  return new vscode.Disposable(() => {
    registration.dispose();
    onConfig.dispose();
    onClose.dispose();
  });
}
