import * as vscode from 'vscode';

/** The extension's own output channel ("Conv Lens"), created on first use. */
let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Conv Lens', { log: true });
  return channel;
}
