import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/**
 * The playground inside a real VS Code: the command is contributed and opens one webview panel
 * (of our view type, so the serializer can restore it), reuses it when run again, and takes the
 * arguments a hover link or the result panel passes, even malformed ones, without failing.
 */
const VIEW_TYPE = 'convLens.playground';

function playgroundTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(VIEW_TYPE));
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(what);
}

describe('Playground (integration)', function () {
  this.timeout(60_000);

  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'conv-lens');
    assert.ok(ext, 'the extension is loaded');
    await ext.activate();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('is contributed as "Conv Lens: Open Playground"', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('convLens.openPlayground'));
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'conv-lens');
    const contributed = (ext?.packageJSON.contributes.commands as Array<{ command: string; category: string }>).find((c) => c.command === 'convLens.openPlayground');
    assert.equal(contributed?.category, 'Conv Lens');
  });

  it('opens one panel and reuses it when run again with tensors', async () => {
    await vscode.commands.executeCommand('convLens.openPlayground');
    await eventually(() => playgroundTabs().length === 1, 'a playground tab opens');
    const tab = playgroundTabs()[0];
    assert.equal(tab.label, 'Conv Lens Playground');
    assert.ok(tab.isActive);
    await vscode.commands.executeCommand('convLens.openPlayground', { input: [[0, 1, 2], [3, 4, 5], [6, 7, 8]], kernel: [[0, 1], [2, 3]], params: { stride: 1, padding: 0 } });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(playgroundTabs().length, 1, 'still one playground');
  });

  it('malformed arguments are refused with a warning, and the panel still opens', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await eventually(() => playgroundTabs().length === 0, 'closed');
    await vscode.commands.executeCommand('convLens.openPlayground', { input: [[1, 2], [3]], params: { padding: 'full' } });
    await eventually(() => playgroundTabs().length === 1, 'a playground tab opens despite bad arguments');
  });
});
