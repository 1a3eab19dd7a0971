import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { scanCells, scanDocument, type ScanResult } from '../parse';
import { EngineError } from '../engine/errors';
import { toResultTensor, type ResultRequest } from '../protocol/resultPanel';
import { asOperand, tensorsInRange, type FoundTensor } from '../compute/documentTensors';
import { BUILTIN_KERNELS, builtinKernel } from '../compute/kernels';
import { chooseOperands, readInput, readKernel, ReadingError, type NamedTensor } from '../compute/operands';
import { formatParams, isPool, parseParams, type ComputeParams } from '../compute/params';
import { resolveJob, type ComputeJob } from '../compute/job';
import { ComputeCancelled, ComputeFailure, runJobInWorker } from './computeRunner';
import { ResultPanel, defaultParams, throughputs } from './resultPanel';
import { log } from './log';

/**
 * "Conv Lens: Compute Conv": the tensors of the selection (or the one under the cursor) → input,
 * kernel, bias → parameters → the result panel. Every problem ends in one clear notification and
 * leaves the document as it was.
 *
 * The command also takes `{kernel?, params?}` (a built-in kernel id or a literal, and a parameter
 * line) so tests and other features can skip the pickers; it returns what it computed or why not.
 */
export const COMPUTE_COMMAND = 'convLens.computeConv';
const PARAMS_KEY = 'convLens.computeParams';

export interface ComputeConvArgs {
  /** A built-in kernel id (`laplacian`, `sobel-x` …) or a tensor literal (`[[1, -1]]`). */
  kernel?: string;
  /** A parameter line; skips the parameter step. */
  params?: string;
  /** Open the parameter input box straight away (after a shape problem the parameters may fix). */
  editParams?: boolean;
  /** A document and range to take the tensors from instead of the active editor's selection (a hover link). */
  uri?: string;
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export type ComputeConvOutcome =
  | { ok: true; title: string; outputShape: number[]; output: number[]; readings: string[]; kernel: string | null }
  | { ok: false; message: string; cancelled?: boolean };

export function register(context: vscode.ExtensionContext): vscode.Disposable {
  // src/compute words its readings and errors through @vscode/l10n: hand it this window's bundle
  // (none in English; the worker gets the same bundle with each job).
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  return vscode.commands.registerCommand(COMPUTE_COMMAND, (raw?: unknown) => computeConv(context, readArgs(raw)));
}

/** Only a plain `{kernel?, params?}` counts; the editor's context menu passes a URI, which is ignored. */
function readArgs(raw: unknown): ComputeConvArgs {
  if (typeof raw !== 'object' || raw === null || raw instanceof vscode.Uri || Array.isArray(raw)) return {};
  const r = raw as Record<string, unknown>;
  const args: ComputeConvArgs = {};
  if (typeof r.kernel === 'string' && r.kernel.length <= 100_000) args.kernel = r.kernel;
  if (typeof r.params === 'string' && r.params.length <= 2000) args.params = r.params;
  if (r.editParams === true) args.editParams = true;
  const position = (p: unknown): p is { line: number; character: number } =>
    typeof p === 'object' && p !== null && [(p as { line: unknown }).line, (p as { character: unknown }).character].every((n) => Number.isInteger(n) && (n as number) >= 0);
  const range = r.range as { start?: unknown; end?: unknown } | undefined;
  if (typeof r.uri === 'string' && r.uri.length <= 10_000 && typeof range === 'object' && range !== null && position(range.start) && position(range.end)) {
    args.uri = r.uri;
    args.range = { start: range.start, end: range.end };
  }
  return args;
}

/** Thrown inside the command for a problem the user can fix; `details` go to the output channel. */
class UserProblem extends Error {
  constructor(
    message: string,
    readonly details?: string,
    /** A button on the notification that leads on (e.g. "Set parameters…"). */
    readonly action?: { label: string; run: () => unknown },
  ) {
    super(message);
  }
}

class Cancelled extends Error {}

async function computeConv(context: vscode.ExtensionContext, args: ComputeConvArgs): Promise<ComputeConvOutcome> {
  try {
    return await computeConvSteps(context, args);
  } catch (err) {
    if (err instanceof Cancelled || err instanceof ComputeCancelled) return { ok: false, message: 'cancelled', cancelled: true };
    let message: string;
    let details: string | undefined;
    let action: UserProblem['action'];
    if (err instanceof UserProblem) {
      message = err.message;
      details = err.details;
      action = err.action;
    } else if (err instanceof ReadingError || err instanceof EngineError || (err instanceof ComputeFailure && err.expected)) {
      message = vscode.l10n.t('Conv Lens: {0}', err.message);
    } else {
      message = vscode.l10n.t('Conv Lens: Compute Conv failed: {0}', err instanceof Error ? err.message : String(err));
      details = err instanceof ComputeFailure ? err.details : err instanceof Error ? err.stack : undefined;
    }
    log().error(message);
    if (details) log().error(details);
    const show = vscode.l10n.t('Show details');
    // Not awaited: the command returns at once; the buttons act whenever they are pressed.
    void vscode.window.showErrorMessage(message, ...(action ? [action.label] : []), ...(details ? [show] : [])).then((pick) => {
      if (pick === show) log().show(true);
      else if (action && pick === action.label) void action.run();
    });
    return { ok: false, message };
  }
}

async function computeConvSteps(context: vscode.ExtensionContext, args: ComputeConvArgs): Promise<ComputeConvOutcome> {
  const { document, selection } = await target(args);
  const scan = scanFor(document);
  const text = document.getText();
  // An empty selection means the tensor under the cursor: its whole line, so `X = …` counts as X.
  const range = selection.isEmpty ? document.lineAt(selection.active.line).range : selection;
  const found = tensorsInRange(text, scan.items, scan.lines, document.offsetAt(range.start), document.offsetAt(range.end));

  if (found.problems.length) {
    const p = found.problems[0];
    throw new UserProblem(vscode.l10n.t('Conv Lens: the tensor literal at line {0}, column {1} is not valid: {2}.', p.line, p.column, p.message));
  }
  if (!found.tensors.length) {
    const v = found.valueless[0];
    if (v) {
      throw new UserProblem(
        vscode.l10n.t('Conv Lens: {0} (line {1}) has shape {2}, but its values are not written in the text ({3}). Select tensors written out as values.', v.name ?? v.form, v.line + 1, shapeText(v.shape), v.form),
      );
    }
    throw new UserProblem(
      selection.isEmpty
        ? vscode.l10n.t('Conv Lens: no tensor at the cursor. Select the lines that define the input and the kernel (such as X = torch.tensor([[…]])), or put the cursor in one.')
        : vscode.l10n.t('Conv Lens: no tensor in the selection. Select the lines that define the input and the kernel (such as X = torch.tensor([[…]])).'),
    );
  }

  const named = found.tensors.map((f) => labelled(asOperand(f), f));
  const operands = chooseOperands(named)!;
  const input = operands.input;
  let kernel: NamedTensor | undefined = operands.kernel;
  let presetParams: string | undefined;
  if (operands.ignored.length) log().info(`Compute Conv: not used: ${operands.ignored.map((t) => `${t.name} (line ${t.line + 1})`).join(', ')}`);

  if (!kernel) {
    // Check the input first, so a 1-D "image" is refused before any picker opens.
    readInput(input.tensor, input.name);
    const picked = args.kernel !== undefined ? kernelFromArgument(args.kernel, input) : await pickKernel(document, scan, text, input);
    if (picked === 'pool') presetParams = 'op=max_pool2d, kernel_size=2';
    else kernel = picked;
  }

  const defaults = defaultParams();
  const remembered = context.workspaceState.get<Record<string, string>>(PARAMS_KEY, {})[document.uri.toString()];
  const startLine = presetParams ?? remembered ?? formatParams(defaults);
  const draft = (params: ComputeParams, line: string): ComputeJob => {
    const { cpu, gpu } = throughputs();
    return {
      input: { name: input.name!, tensor: input.tensor },
      kernel: kernel ? { name: kernel.name!, tensor: kernel.tensor } : null,
      bias: operands.bias ? { name: operands.bias.name!, tensor: operands.bias.tensor } : null,
      params,
      paramsText: line,
      cpuFlopsPerSecond: cpu,
      gpuFlopsPerSecond: gpu,
    };
  };
  if (args.params === undefined && !args.editParams) {
    // A shape problem under the current parameters is said now, before any parameter step; the
    // notification offers the parameters, since groups or op may be what is wrong.
    const start = parseParams(startLine, defaults);
    if (start.ok) {
      try {
        resolveJob(draft(start.params, startLine));
      } catch (err) {
        if (!(err instanceof ReadingError || err instanceof EngineError)) throw err;
        throw new UserProblem(vscode.l10n.t('Conv Lens: {0}', err.message), undefined, {
          label: vscode.l10n.t('Set parameters…'),
          run: () => vscode.commands.executeCommand(COMPUTE_COMMAND, { ...args, editParams: true }),
        });
      }
    }
  }
  let line: string;
  if (args.params !== undefined) line = args.params;
  else line = await pickParams(startLine, defaults, draft, !!presetParams || !!args.editParams);
  const parsed = parseParams(line, defaults);
  if (!parsed.ok) throw new UserProblem(vscode.l10n.t('Conv Lens: the parameters are not valid: {0}', parsed.error.message));
  if (args.params === undefined && line !== remembered) {
    const all = { ...context.workspaceState.get<Record<string, string>>(PARAMS_KEY, {}), [document.uri.toString()]: line };
    await context.workspaceState.update(PARAMS_KEY, all);
  }
  if (!kernel && !isPool(parsed.params.op)) {
    throw new UserProblem(vscode.l10n.t('Conv Lens: {0} needs a kernel; select the input and the kernel together, or pick a kernel.', parsed.params.op));
  }
  const job = draft(parsed.params, formatParams(parsed.params));
  resolveJob(job); // shape problems surface here, before a worker starts
  const view = await runJobInWorker(context, job, vscode.l10n.t('Conv Lens: computing {0}', `${parsed.params.op}(${[input.name, ...(isPool(parsed.params.op) ? [] : [kernel?.name])].join(', ')})`));

  const last = selection.isEmpty ? selection.active.line : selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line - 1 : selection.end.line;
  const first = selection.isEmpty ? selection.active.line : selection.start.line;
  const request: ResultRequest = {
    input: { name: input.name!, tensor: toResultTensor(input.tensor) },
    kernel: kernel ? { name: kernel.name!, tensor: toResultTensor(kernel.tensor) } : null,
    bias: operands.bias ? { name: operands.bias.name!, tensor: toResultTensor(operands.bias.tensor) } : null,
    params: line,
    documentUri: document.uri.toString(),
    anchorLine: last,
    anchorText: document.lineAt(last).text,
    indent: /^[ \t]*/.exec(document.lineAt(first).text)![0],
    languageId: document.languageId,
  };
  await ResultPanel.showResult(context, view, request);
  log().info(`Compute Conv: ${view.title} → ${shapeText(view.output.shape)}; ${view.readings.join('; ')}`);
  return {
    ok: true,
    title: view.title,
    outputShape: view.output.shape,
    output: Array.from(view.output.data),
    readings: view.readings,
    kernel: kernel?.name ?? null,
  };
}

/** Where the tensors are: the range a caller gave (a hover link), else the active editor's selection. */
async function target(args: ComputeConvArgs): Promise<{ document: vscode.TextDocument; selection: vscode.Selection }> {
  if (args.uri && args.range) {
    const uri = vscode.Uri.parse(args.uri, true);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
    const { start, end } = args.range;
    const clamp = (p: { line: number; character: number }) => document.validatePosition(new vscode.Position(p.line, p.character));
    return { document, selection: new vscode.Selection(clamp(start), clamp(end)) };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new UserProblem(vscode.l10n.t('Conv Lens: open a Python file, a notebook or notes, and select the tensors to convolve.'));
  return { document: editor.document, selection: editor.selection };
}

/** Gives unnamed tensors a label the user can find: `tensor(…) at line 74`. */
function labelled(t: NamedTensor, f: FoundTensor): NamedTensor {
  return t.name ? t : { ...t, name: vscode.l10n.t('{0} at line {1}', f.form, f.line + 1) };
}

/** The scanner's items for a document; a notebook cell sees the names bound in the cells before it. */
function scanFor(document: vscode.TextDocument): ScanResult {
  if (document.uri.scheme === 'vscode-notebook-cell') {
    const notebook = vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === document));
    if (notebook) {
      const cells = notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
      const index = cells.findIndex((c) => c.document === document);
      if (index >= 0) return scanCells(cells.map((c) => c.document.getText()))[index];
    }
  }
  return scanDocument(document.getText());
}

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;

type KernelItem = vscode.QuickPickItem & { pick: () => NamedTensor | 'pool' | Promise<NamedTensor | 'pool' | undefined> };

/** The kernel for a lone input: another tensor of the document, a built-in, a typed one, or none (pooling). */
async function pickKernel(document: vscode.TextDocument, scan: ScanResult, text: string, input: NamedTensor): Promise<NamedTensor | 'pool'> {
  const inChannels = readInput(input.tensor).nchw.shape[1];
  // Only tensors that fit as a kernel for this input (channels match), not the input itself.
  const inputReading = readInput(input.tensor).reading;
  const fits = (f: FoundTensor): boolean => {
    try {
      readKernel(f.values!, input.tensor, inputReading, 'conv2d', 1);
      return true;
    } catch {
      return false;
    }
  };
  const others = tensorsInRange(text, scan.items, scan.lines, 0, text.length).tensors.filter(
    (f) => f.values !== input.tensor && f.line !== input.line && f.shape.length >= 2 && f.shape.length <= 4 && fits(f),
  );
  const items: KernelItem[] = [];
  if (others.length) {
    items.push({ label: vscode.l10n.t('In this document'), kind: vscode.QuickPickItemKind.Separator, pick: () => 'pool' });
    for (const f of others) {
      const t = labelled(asOperand(f), f);
      items.push({ label: f.name ?? f.form, description: `${shapeText(f.shape)} · ${vscode.l10n.t('line {0}', f.line + 1)}`, detail: document.lineAt(f.line).text.trim().slice(0, 100), pick: () => t });
    }
  }
  items.push({ label: vscode.l10n.t('Built-in kernels'), kind: vscode.QuickPickItemKind.Separator, pick: () => 'pool' });
  for (const k of BUILTIN_KERNELS) {
    items.push({
      label: k.label,
      description: k.id === 'mixer' ? shapeText([Math.max(2, inChannels), inChannels, 1, 1]) : k.rows && shapeText(inChannels > 1 ? [inChannels, k.rows.length, k.rows[0].length] : [k.rows.length, k.rows[0].length]),
      detail: k.detail,
      pick: () => {
        const b = builtinKernel(k.id, inChannels, (Math.random() * 0xffffffff) >>> 0);
        return { name: b.description, tensor: b.kernel, line: -1 };
      },
    });
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, pick: () => 'pool' });
  items.push({ label: `$(edit) ${vscode.l10n.t('Type a kernel…')}`, detail: vscode.l10n.t('A nested list such as [[0, 1], [2, 3]] or torch.tensor(…)'), pick: () => typeKernel() });
  items.push({ label: `$(symbol-array) ${vscode.l10n.t('No kernel: pool…')}`, detail: vscode.l10n.t('max_pool2d or avg_pool2d over the input'), pick: () => 'pool' });
  const choice = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Conv Lens: a kernel for {0} {1}', input.name ?? '', shapeText(input.tensor.shape)),
    placeHolder: vscode.l10n.t('Pick the kernel to convolve {0} with', input.name ?? ''),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!choice) throw new Cancelled();
  const picked = await choice.pick();
  if (!picked) throw new Cancelled();
  return picked;
}

/** The first tensor with values in a typed text, or why there is none. */
function parseKernelText(value: string): NamedTensor | string {
  const scan = scanDocument(value);
  const found = tensorsInRange(value, scan.items, scan.lines, 0, value.length);
  if (found.problems.length) return found.problems[0].message;
  const t = found.tensors[0];
  if (!t) return vscode.l10n.t('Type a nested list of numbers, such as [[0, 1], [2, 3]]');
  if (t.shape.length < 2 || t.shape.length > 4) return vscode.l10n.t('A kernel is kH×kW, C_in×kH×kW or C_out×C_in×kH×kW; this is {0}', shapeText(t.shape));
  return { ...asOperand(t), name: t.name ?? vscode.l10n.t('typed kernel') };
}

async function typeKernel(): Promise<NamedTensor | undefined> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Conv Lens: type a kernel'),
    prompt: vscode.l10n.t('A nested list (kH×kW, C_in×kH×kW or C_out×C_in×kH×kW)'),
    placeHolder: '[[0, 1], [2, 3]]',
    validateInput: (v) => {
      const r = parseKernelText(v);
      return typeof r === 'string' ? r : { message: vscode.l10n.t('Shape {0}', shapeText(r.tensor.shape)), severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
  if (value === undefined) return undefined;
  const r = parseKernelText(value);
  return typeof r === 'string' ? undefined : r;
}

/** A kernel given as a command argument: a built-in id or a literal. */
function kernelFromArgument(value: string, input: NamedTensor): NamedTensor | 'pool' {
  if (value === 'pool') return 'pool';
  if (BUILTIN_KERNELS.some((k) => k.id === value)) {
    const b = builtinKernel(value, readInput(input.tensor).nchw.shape[1]);
    return { name: b.description, tensor: b.kernel, line: -1 };
  }
  const r = parseKernelText(value);
  if (typeof r === 'string') throw new UserProblem(vscode.l10n.t('Conv Lens: the kernel argument is not valid: {0}', r));
  return r;
}

/** "Compute" with the current line, or "Set parameters…" in an input box that checks as you type. */
async function pickParams(current: string, defaults: ComputeParams, draft: (p: ComputeParams, line: string) => ComputeJob, edit: boolean): Promise<string> {
  if (!edit) {
    const compute = { label: `$(play) ${vscode.l10n.t('Compute')}`, detail: current };
    const set = { label: `$(settings-gear) ${vscode.l10n.t('Set parameters…')}`, detail: vscode.l10n.t('stride, padding, dilation, groups, padding_mode, op …') };
    const choice = await vscode.window.showQuickPick([compute, set], { title: vscode.l10n.t('Conv Lens: Compute Conv'), placeHolder: vscode.l10n.t('Compute with these parameters, or set them') });
    if (!choice) throw new Cancelled();
    if (choice === compute) return current;
  }
  const line = await vscode.window.showInputBox({
    title: vscode.l10n.t('Conv Lens: parameters'),
    value: current,
    prompt: vscode.l10n.t('For example: stride=2, padding=1, dilation=1, groups=1, padding_mode=zeros, op=conv2d (also max_pool2d, avg_pool2d with kernel_size=, conv_transpose2d, convolution=true)'),
    validateInput: (v) => {
      const parsed = parseParams(v, defaults);
      if (!parsed.ok) return parsed.error.message;
      try {
        const r = resolveJob(draft(parsed.params, v));
        return { message: vscode.l10n.t('Output shape {0}', shapeText(r.outputShape)), severity: vscode.InputBoxValidationSeverity.Info };
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    },
  });
  if (line === undefined) throw new Cancelled();
  return line;
}
