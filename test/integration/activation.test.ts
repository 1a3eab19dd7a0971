import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

/**
 * The foundation inside a real VS Code: the extension is there, sleeps until a Python document
 * opens, logs its activation time, answers hovers, and registers every command it contributes.
 * index.ts runs this file first, so nothing else has opened a document yet.
 */
const EXTENSION_ID = 'conv-lens.conv-lens';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not among the loaded extensions`);
  return ext;
}

function samplesFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the workbench was opened without a folder (the harness opens samples/)');
  return folder.uri;
}

/** Every file under `dir` whose name is `name`. */
function findFiles(dir: string, name: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === name) return [path];
    return statSync(path).isDirectory() ? findFiles(path, name) : [];
  });
}

/** The extension host's own record of why it activated Conv Lens (its log names the activation event). */
function activationRecord(): string {
  const logs = process.env.CONV_LENS_TEST_LOGS;
  if (!logs) return '(CONV_LENS_TEST_LOGS is not set)';
  const lines = [...findFiles(logs, 'remoteexthost.log'), ...findFiles(logs, 'exthost.log')]
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .filter((l) => l.includes(EXTENSION_ID) && /activat/i.test(l));
  return lines.join('\n') || '(no activation line in the extension host log)';
}

describe('Extension (integration)', function () {
  this.timeout(60_000);

  it('is loaded, and not active unless a document of its activation events is open', () => {
    const ext = extension();
    assert.equal(ext.packageJSON.displayName, 'Conv Lens');
    // What may wake it, read from its own manifest: onLanguage:<id> and onNotebook:<type>.
    const events: string[] = ext.packageJSON.activationEvents ?? [];
    const languages = new Set(events.filter((e) => e.startsWith('onLanguage:')).map((e) => e.slice('onLanguage:'.length)));
    const notebookTypes = new Set(events.filter((e) => e.startsWith('onNotebook:')).map((e) => e.slice('onNotebook:'.length)));
    assert.ok(languages.has('python'), `no onLanguage:python in ${events.join(', ')}`);
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), `activates eagerly: ${events.join(', ')}`);
    const open = [
      ...vscode.workspace.textDocuments.map((d) => ({ what: `${d.uri.toString()} (${d.languageId})`, wakes: languages.has(d.languageId) })),
      ...vscode.workspace.notebookDocuments.map((n) => ({ what: `${n.uri.toString()} (${n.notebookType})`, wakes: notebookTypes.has(n.notebookType) })),
    ];
    // VS Code itself may have opened a document of one of those languages; only then may it be active.
    if (ext.isActive) {
      assert.ok(
        open.some((d) => d.wakes),
        `active with no document of its languages open; open: ${open.map((d) => d.what).join(', ') || 'none'}; the extension host says:\n${activationRecord()}`,
      );
    }
  });

  it('activates when a Python document opens', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(samplesFolder(), 'multi_channels.py'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'python');
    const ext = extension();
    for (let i = 0; i < 100 && !ext.isActive; i++) await sleep(100);
    assert.equal(ext.isActive, true, 'not active 10 s after a Python document opened');
  });

  it('logs its activation time to its "Conv Lens" output channel', async () => {
    // A LogOutputChannel is a file in the extension host's logs folder, named after the channel,
    // in a folder named after the extension. The harness says where the logs go.
    const logs = process.env.CONV_LENS_TEST_LOGS;
    assert.ok(logs, 'CONV_LENS_TEST_LOGS is not set: the harness must name the user-data logs folder');
    let text = '';
    for (let i = 0; i < 50; i++) {
      const files = findFiles(logs, 'Conv Lens.log').filter((f) => f.includes(EXTENSION_ID));
      text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
      if (/Activated in \d+(\.\d+)? ms/.test(text)) break;
      await sleep(100); // the channel writes its file asynchronously
    }
    assert.match(text, /\[info\] Activated in \d+(\.\d+)? ms/, `no activation time in the "Conv Lens" log under ${logs}`);
  });

  it('hovering the X literal of samples/multi_channels.py shows shape (2, 4, 4)', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(samplesFolder(), 'multi_channels.py'));
    const line = doc.getText().split('\n').findIndex((l) => l.startsWith('X = torch.tensor('));
    assert.ok(line >= 0, 'samples/multi_channels.py has no "X = torch.tensor(" line');
    // Inside the literal: on the first number.
    const position = new vscode.Position(line, doc.lineAt(line).text.indexOf('1.0') + 1);
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position)) ?? [];
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n')
      // What a reader sees: Markdown's non-breaking spaces and backslash escapes resolved.
      .replace(/&nbsp;/g, ' ')
      .replace(/\\([\\`*_{}[\]()#+\-.!~|<>])/g, '$1');
    assert.match(text, /shape \(2, 4, 4\)/, `hover text at ${line + 1}:${position.character + 1}:\n${text}`);
  });

  it('registers every command it contributes, each in the "Conv Lens" category', async () => {
    const ext = extension();
    await ext.activate();
    const contributed: Array<{ command: string; category?: string }> = ext.packageJSON.contributes?.commands ?? [];
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed but not registered');
    const uncategorised = contributed.filter((c) => c.category !== 'Conv Lens').map((c) => c.command);
    assert.deepEqual(uncategorised, [], 'commands outside the "Conv Lens" category');
  });
});
