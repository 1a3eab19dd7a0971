import * as vscode from 'vscode';
import { escapeHtml, webviewPage, webviewRoots } from './webviewPage';
import {
  fromResultTensor,
  isResultFromWebview,
  isResultRequest,
  type ResultFromWebview,
  type ResultRequest,
  type ResultToWebview,
  type ResultView,
} from '../protocol';
import { tensor as makeTensor } from '../engine/tensor';
import { commentLines, fenceLanguageAt } from '../compute/comment';
import { DEFAULT_PARAMS, formatParams, parseParams, type ComputeParams } from '../compute/params';
import type { ComputeJob } from '../compute/job';
import { ComputeCancelled, ComputeFailure, runJobInWorker } from './computeRunner';
import { log } from './log';

/**
 * The "Compute Conv" result panel: draws a finished result (webview/result/main.ts), copies the
 * output, inserts it as a comment below the selection, hands the tensors to the playground, and
 * comes back after a reload (the webview keeps the request as its state; it is computed again).
 */
export const RESULT_VIEW_TYPE = 'convLens.result';
const PLAYGROUND_COMMAND = 'convLens.openPlayground';
/** Requests larger than this (elements) are not kept for a reload. */
const MAX_KEPT_ELEMENTS = 1 << 20;

export function register(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.window.registerWebviewPanelSerializer(RESULT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const result = ResultPanel.attach(context, panel);
        const request = isObjectWithRequest(state) ? state.request : undefined;
        if (!request) {
          result.post({ type: 'result/failed', message: vscode.l10n.t('This result could not be restored. Select the tensors and run "Compute Conv" again.') });
          return;
        }
        result.post({ type: 'result/busy', message: vscode.l10n.t('Computing {0} again…', request.input.name) });
        try {
          const view = await runJobInWorker(context, jobFromRequest(request), vscode.l10n.t('Conv Lens: computing again'));
          await result.show(view, request);
        } catch (err) {
          const message = err instanceof ComputeCancelled ? vscode.l10n.t('Cancelled.') : err instanceof Error ? err.message : String(err);
          if (err instanceof ComputeFailure && !err.expected) log().error('Restoring a result failed:', err.details ?? err.message);
          result.post({ type: 'result/failed', message });
        }
      },
    }),
    { dispose: () => ResultPanel.current?.panel.dispose() },
  );
}

function isObjectWithRequest(state: unknown): state is { request: ResultRequest } {
  return typeof state === 'object' && state !== null && isResultRequest((state as { request?: unknown }).request);
}

/** The settings' throughputs, in FLOP/s. */
export function throughputs(): { cpu: number; gpu: number } {
  const config = vscode.workspace.getConfiguration('convLens');
  const read = (key: string, fallback: number): number => {
    const v = config.get<number>(key, fallback);
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v * 1e12 : fallback * 1e12;
  };
  return { cpu: read('cost.cpuTflops', 0.15), gpu: read('cost.gpuTflops', 12) };
}

/** Parameters from the settings' default line (the built-in defaults if it does not parse). */
export function defaultParams(): ComputeParams {
  const line = vscode.workspace.getConfiguration('convLens').get<string>('compute.defaultParameters', '');
  const parsed = parseParams(typeof line === 'string' ? line : '');
  if (parsed.ok) return parsed.params;
  log().warn(`convLens.compute.defaultParameters is not valid (${parsed.error.message}); using stride=1, padding=0.`);
  return DEFAULT_PARAMS;
}

/** A request (from the webview's saved state) as a job again. */
function jobFromRequest(r: ResultRequest): ComputeJob {
  const parsed = parseParams(r.params, defaultParams());
  if (!parsed.ok) throw new ComputeFailure(vscode.l10n.t('The saved parameters are not valid: {0}', parsed.error.message), true);
  const operand = (o: ResultRequest['input'] | null) => {
    if (!o) return null;
    const t = fromResultTensor(o.tensor);
    return { name: o.name, tensor: makeTensor(t.shape, t.data) };
  };
  const { cpu, gpu } = throughputs();
  return { input: operand(r.input)!, kernel: operand(r.kernel), bias: operand(r.bias), params: parsed.params, paramsText: formatParams(parsed.params), cpuFlopsPerSecond: cpu, gpuFlopsPerSecond: gpu };
}

export class ResultPanel {
  static current: ResultPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private latest: ResultToWebview | undefined;
  private ready = false;
  private shown: { view: ResultView; request: ResultRequest } | undefined;

  /** Shows a result in the one result panel, opening it beside the editor if needed. */
  static async showResult(context: vscode.ExtensionContext, view: ResultView, request: ResultRequest): Promise<ResultPanel> {
    let panel = ResultPanel.current;
    if (panel) panel.panel.reveal(vscode.ViewColumn.Beside, true);
    else {
      const webviewPanel = vscode.window.createWebviewPanel(RESULT_VIEW_TYPE, view.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: webviewRoots(context),
      });
      panel = ResultPanel.attach(context, webviewPanel);
    }
    await panel.show(view, request);
    return panel;
  }

  static attach(context: vscode.ExtensionContext, panel: vscode.WebviewPanel): ResultPanel {
    ResultPanel.current?.panel.dispose();
    ResultPanel.current = new ResultPanel(context, panel);
    return ResultPanel.current;
  }

  private constructor(
    private readonly context: vscode.ExtensionContext,
    readonly panel: vscode.WebviewPanel,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(context) };
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((msg: unknown) => {
        if (!isResultFromWebview(msg)) {
          log().warn('Result panel: ignored a malformed message from the webview.');
          return;
        }
        void this.handle(msg);
      }),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  async show(view: ResultView, request: ResultRequest): Promise<void> {
    this.shown = { view, request };
    this.panel.title = view.title;
    const canOpenPlayground = (await vscode.commands.getCommands(true)).includes(PLAYGROUND_COMMAND);
    // The webview keeps the request as its state for a reload; a huge one is not kept.
    const elements = [request.input, request.kernel, request.bias].reduce((n, o) => n + (o ? o.tensor.data.length : 0), 0);
    this.post({ type: 'result/show', view, request: elements <= MAX_KEPT_ELEMENTS ? request : null, canOpenPlayground });
  }

  /**
   * Posts once the webview listens: it says "ready" on every load (also when it comes back from
   * hidden), and is sent the latest message then. A large view thus crosses once per load.
   */
  post(message: ResultToWebview): void {
    this.latest = message;
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    if (ResultPanel.current === this) ResultPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async handle(msg: ResultFromWebview): Promise<void> {
    switch (msg.type) {
      case 'result/ready':
        this.ready = true;
        if (this.latest) void this.panel.webview.postMessage(this.latest);
        return;
      case 'result/copy':
        if (!this.shown) return;
        await vscode.env.clipboard.writeText(this.shown.view.outputText);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Conv Lens: output copied'), 3000);
        return;
      case 'result/insertComment':
        if (!this.shown) return;
        await insertResultComment(this.shown.view, this.shown.request);
        return;
      case 'result/openPlayground':
        if (this.shown) await openInPlayground(this.shown.view, this.shown.request);
        return;
    }
  }

  private html(): string {
    return webviewPage(this.context, this.panel.webview, {
      bundle: 'result',
      title: vscode.l10n.t('Conv Lens result'),
      extraDirectives: (cspSource) => [`img-src ${cspSource} data:`],
      body: `<main id="app" aria-busy="true"><p class="muted">${escapeHtml(vscode.l10n.t('Loading the result…'))}</p></main>`,
    });
  }

}

/**
 * Inserts the output as one comment block below the selection's last line: one WorkspaceEdit, so
 * one undo removes it, and nothing else in the document changes. Returns whether it was applied.
 */
export async function insertResultComment(view: ResultView, request: ResultRequest): Promise<boolean> {
  let document: vscode.TextDocument;
  try {
    const uri = vscode.Uri.parse(request.documentUri, true);
    document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Conv Lens: the document of this result is not open ({0}).', err instanceof Error ? err.message : String(err)));
    return false;
  }
  const line = anchorLineOf(document, request);
  if (line === undefined) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Conv Lens: the selected lines have changed since this result was computed. Select the tensors and run "Compute Conv" again.'));
    return false;
  }
  const lines = document.getText().split(/\r\n|\r|\n/);
  const language = document.languageId === 'markdown' ? fenceLanguageAt(lines, line) ?? 'markdown' : document.languageId;
  const shape = `[${view.output.shape.join(', ')}]`;
  // The op is in the title already; the rest of the parameter line says how it was called.
  const params = view.params.replace(/^op=\w+(, )?/, '');
  const text = `Conv Lens: ${view.title}${params ? `, ${params}` : ''} → shape ${shape}\n${view.outputText}`;
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const block = commentLines(text, language, request.indent).join(eol);
  const end = document.lineAt(line).range.end;
  const edit = new vscode.WorkspaceEdit();
  edit.insert(document.uri, end, eol + block);
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) void vscode.window.showErrorMessage(vscode.l10n.t('Conv Lens: the comment could not be inserted (is the document read-only?).'));
  return applied;
}

/** The selection's last line, if it still holds the same text (else the only line that does). */
function anchorLineOf(document: vscode.TextDocument, request: ResultRequest): number | undefined {
  if (request.anchorLine < document.lineCount && document.lineAt(request.anchorLine).text === request.anchorText) return request.anchorLine;
  if (!request.anchorText.trim()) return undefined;
  const matches: number[] = [];
  for (let i = 0; i < document.lineCount && matches.length < 2; i++) if (document.lineAt(i).text === request.anchorText) matches.push(i);
  return matches.length === 1 ? matches[0] : undefined;
}

/** Hands the tensors and parameters to the playground (its command checks them again). */
async function openInPlayground(view: ResultView, request: ResultRequest): Promise<void> {
  const finite = (o: ResultRequest['input'] | null) =>
    o && o.tensor.shape.length <= 4 && o.tensor.data.every((v) => typeof v === 'number') ? { shape: o.tensor.shape, data: o.tensor.data as number[] } : undefined;
  const input = finite(request.input);
  if (!input) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Conv Lens: the playground takes finite values only; {0} holds NaN or infinity.', request.input.name));
    return;
  }
  const parsed = parseParams(request.params, defaultParams());
  const p = parsed.ok ? parsed.params : undefined;
  const args = {
    input,
    kernel: finite(request.kernel),
    bias: request.bias ? (request.bias.tensor.data.filter((v) => typeof v === 'number') as number[]) : undefined,
    params: p && {
      op: p.op,
      stride: p.stride ?? undefined,
      padding: p.padding,
      dilation: p.dilation,
      groups: p.groups,
      paddingMode: p.paddingMode,
      convolution: p.convolution,
      outputPadding: p.outputPadding,
      kernelSize: p.kernelSize ?? undefined,
      ceilMode: p.ceilMode,
      countIncludePad: p.countIncludePad,
    },
  };
  log().info(`Opening the playground with ${view.title}.`);
  await vscode.commands.executeCommand(PLAYGROUND_COMMAND, JSON.parse(JSON.stringify(args)));
}
