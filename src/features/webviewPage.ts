import * as vscode from 'vscode';

/**
 * The HTML shell both panels load: a strict CSP (nothing but our own nonce'd bundle and assets),
 * resource roots limited to the webview bundles and media, and escaped text only.
 */

/** Folders a panel may load from: the built webview bundles and the static media. */
export function webviewRoots(context: vscode.ExtensionContext): vscode.Uri[] {
  return [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(context.extensionUri, 'media')];
}

export interface PageOptions {
  /** The bundle folder under dist/webview/ (`result`, `playground`). */
  readonly bundle: string;
  readonly title: string;
  /** CSP directives beyond the shared ones, e.g. `'wasm-unsafe-eval'` for the engine's kernels. */
  readonly scriptSrcExtra?: string;
  readonly extraDirectives?: (cspSource: string) => string[];
  /** Extra attributes on <body> (values are escaped here). */
  readonly bodyData?: Record<string, string>;
  /** Markup inside <body> before the script; built only from escaped text. */
  readonly body: string;
}

export function webviewPage(context: vscode.ExtensionContext, webview: vscode.Webview, options: PageOptions): string {
  const asset = (file: string) =>
    webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', options.bundle, file)).toString();
  const nonce = makeNonce();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'${options.scriptSrcExtra ? ` ${options.scriptSrcExtra}` : ''}`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    ...(options.extraDirectives?.(webview.cspSource) ?? []),
  ].join('; ');
  const lang = escapeHtml(vscode.env.language);
  // The page translates its own strings with the extension's bundle (absent in English).
  const bundle = vscode.l10n.bundle;
  const bodyData = { ...options.bodyData, ...(bundle ? { l10n: JSON.stringify(bundle) } : {}) };
  const data = Object.entries(bodyData)
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${asset('main.css')}">
<title>${escapeHtml(options.title)}</title>
</head>
<body${data}>
${options.body}
<script nonce="${nonce}" src="${asset('main.js')}"></script>
</body>
</html>`;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function makeNonce(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}
