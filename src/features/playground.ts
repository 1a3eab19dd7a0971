import * as vscode from 'vscode';
import { webviewPage, webviewRoots } from './webviewPage';
import {
  MAX_IMAGE_BYTES,
  isPlaygroundFromWebview,
  readPlaygroundArgs,
  type PlaygroundArgs,
  type PlaygroundFromWebview,
  type PlaygroundToWebview,
  type SelectionTarget,
} from '../protocol';
import { log } from './log';

/**
 * "Conv Lens: Open Playground": a webview where the user edits an input and a kernel and watches the
 * convolution respond. All the numbers are computed in the webview (its own engine bundle, in a Web
 * Worker); the extension only opens the panel, hands over workspace text and image bytes, and
 * restores the panel after a reload.
 */
export const PLAYGROUND_VIEW_TYPE = 'convLens.playground';
export const OPEN_PLAYGROUND_COMMAND = 'convLens.openPlayground';

export function register(context: vscode.ExtensionContext): vscode.Disposable {
  // A focused webview is not a text editor, so "From selection" reads the last one that was active.
  let lastEditor = vscode.window.activeTextEditor;
  const disposables: vscode.Disposable[] = [
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor) lastEditor = editor;
    }),
    vscode.commands.registerCommand(OPEN_PLAYGROUND_COMMAND, (raw?: unknown) => {
      const read = readPlaygroundArgs(raw);
      if ('error' in read) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Conv Lens: the playground ignored its arguments ({0}).', read.error));
      }
      PlaygroundPanel.show(context, () => lastEditor, 'args' in read ? read.args : {});
    }),
    vscode.window.registerWebviewPanelSerializer(PLAYGROUND_VIEW_TYPE, {
      // The webview restores its own state (vscode.getState); the panel only needs its HTML again.
      deserializeWebviewPanel: async (panel) => {
        PlaygroundPanel.attach(context, () => lastEditor, panel, null);
      },
    }),
  ];
  return vscode.Disposable.from(...disposables, { dispose: () => PlaygroundPanel.current?.panel.dispose() });
}

class PlaygroundPanel {
  static current: PlaygroundPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static show(context: vscode.ExtensionContext, editor: () => vscode.TextEditor | undefined, args: PlaygroundArgs): void {
    const hasArgs = Object.keys(args).length > 0;
    if (PlaygroundPanel.current) {
      PlaygroundPanel.current.panel.reveal();
      if (hasArgs) void PlaygroundPanel.current.post({ type: 'load', args });
      return;
    }
    const panel = vscode.window.createWebviewPanel(PLAYGROUND_VIEW_TYPE, vscode.l10n.t('Conv Lens Playground'), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: webviewRoots(context),
    });
    PlaygroundPanel.attach(context, editor, panel, hasArgs ? args : null);
  }

  static attach(context: vscode.ExtensionContext, editor: () => vscode.TextEditor | undefined, panel: vscode.WebviewPanel, args: PlaygroundArgs | null): void {
    PlaygroundPanel.current?.panel.dispose();
    PlaygroundPanel.current = new PlaygroundPanel(context, editor, panel, args);
  }

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly editor: () => vscode.TextEditor | undefined,
    readonly panel: vscode.WebviewPanel,
    private pendingArgs: PlaygroundArgs | null,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(context) };
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((msg: unknown) => {
        if (!isPlaygroundFromWebview(msg)) {
          log().warn('Playground: ignored a malformed message from the webview.');
          return;
        }
        void this.handle(msg);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private dispose(): void {
    if (PlaygroundPanel.current === this) PlaygroundPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private post(message: PlaygroundToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private async handle(msg: PlaygroundFromWebview): Promise<void> {
    switch (msg.type) {
      case 'ready':
        // Sent on every (re)load of the webview; the arguments are handed over once.
        await this.post({ type: 'init', args: this.pendingArgs });
        this.pendingArgs = null;
        return;
      case 'requestSelection':
        await this.post(this.selection(msg.target));
        return;
      case 'openImage':
        await this.openImage();
        return;
    }
  }

  private selection(target: SelectionTarget): PlaygroundToWebview {
    const editor = this.editor();
    if (!editor || editor.document.isClosed) {
      return { type: 'selection', target, text: null, reason: vscode.l10n.t('Open a file and select a tensor literal first.') };
    }
    const text = editor.selections.map((s) => editor.document.getText(s)).join('\n');
    if (!text.trim()) {
      return { type: 'selection', target, text: null, reason: vscode.l10n.t('The selection in {0} is empty.', vscode.workspace.asRelativePath(editor.document.uri)) };
    }
    return { type: 'selection', target, text, reason: null };
  }

  private async openImage(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: vscode.l10n.t('Open Image'),
      filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    const uri = picked?.[0];
    if (!uri) {
      await this.post({ type: 'image', name: '', mime: '', base64: null });
      return;
    }
    const name = uri.path.split('/').pop() ?? '';
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_IMAGE_BYTES) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Conv Lens: {0} is larger than {1} MB.', name, MAX_IMAGE_BYTES / 1024 / 1024));
        await this.post({ type: 'image', name, mime: '', base64: null });
        return;
      }
      const bytes = await vscode.workspace.fs.readFile(uri);
      const mime = /\.png$/i.test(name) ? 'image/png' : 'image/jpeg';
      await this.post({ type: 'image', name, mime, base64: Buffer.from(bytes).toString('base64') });
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Conv Lens: could not read {0}: {1}', name, err instanceof Error ? err.message : String(err)));
      await this.post({ type: 'image', name, mime: '', base64: null });
    }
  }

  private html(): string {
    // 'wasm-unsafe-eval': the engine's SIMD kernels are WebAssembly. The worker is built from a blob
    // (a webview cannot start a worker from its resource origin), fetched from our own dist folder.
    const workerUrl = this.panel.webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview', 'playground', 'worker.js')).toString();
    return webviewPage(this.context, this.panel.webview, {
      bundle: 'playground',
      title: vscode.l10n.t('Conv Lens Playground'),
      scriptSrcExtra: "'wasm-unsafe-eval'",
      extraDirectives: (cspSource) => [`connect-src ${cspSource}`, 'worker-src blob:'],
      bodyData: { worker: workerUrl },
      body: '<div id="app"></div>',
    });
  }

}
