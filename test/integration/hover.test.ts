import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * Hover shape hints inside a real VS Code: through `vscode.executeHoverProvider`, on the seeds
 * (../shared/samples/seeds), on the repository's own samples, in a notebook, with the settings,
 * and with hostile text in the document.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SEEDS = path.resolve(ROOT, '..', 'shared', 'samples', 'seeds');
const SEED_000 = path.join(SEEDS, '000_1851ee3647675e19.txt');
const SEED_002 = path.join(SEEDS, '002_2971e7f3bee1baf7.txt');
const SAMPLE = path.join(ROOT, 'samples', 'multi_channels.py');

/** The text a reader sees: Markdown escapes removed. */
function plain(md: string): string {
  return md.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!~|<>])/g, '$1');
}

async function hovers(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.MarkdownString[]> {
  const all = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position)) ?? [];
  return all.flatMap((h) => h.contents).filter((c): c is vscode.MarkdownString => c instanceof vscode.MarkdownString && c.value.includes('Conv Lens'));
}

/** Our hover's text at the first occurrence of `needle` (at or after line `fromLine`, 1-based), plus `delta` characters. */
async function hoverText(doc: vscode.TextDocument, needle: string, delta = 0, fromLine = 1): Promise<string> {
  for (let l = fromLine - 1; l < doc.lineCount; l++) {
    const c = doc.lineAt(l).text.indexOf(needle);
    if (c < 0) continue;
    const found = await hovers(doc, new vscode.Position(l, c + delta));
    assert.equal(found.length, 1, `one Conv Lens hover at line ${l + 1} ("${needle}")`);
    return plain(found[0].value);
  }
  throw new Error(`"${needle}" not found`);
}

function lineOf(doc: vscode.TextDocument, predicate: (text: string) => boolean, from = 1): number {
  for (let l = from - 1; l < doc.lineCount; l++) if (predicate(doc.lineAt(l).text)) return l + 1;
  throw new Error('line not found');
}

/** Polls `check` until it holds (configuration changes reach the extension asynchronously). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(what);
}

const openFile = async (file: string) => vscode.workspace.openTextDocument(vscode.Uri.file(file));
const openText = async (content: string, language = 'python') => vscode.workspace.openTextDocument({ content, language });

describe('Hover shape hints (integration)', function () {
  this.timeout(60_000);

  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'conv-lens');
    assert.ok(ext, 'the extension is loaded');
    await ext.activate();
  });

  it("seed 000: X and K show (2, 3, 3) and (2, 2, 2); the printed result of corr2d_multi_in_out shows (3, 2, 2)", async () => {
    const doc = await openFile(SEED_000);
    const x = await hoverText(doc, 'X = torch.tensor(');
    assert.match(x, /shape \(2, 3, 3\)/);
    assert.match(x, /torch\.float32 · 18 elements · 72 bytes/);
    assert.match(x, /C×H×W: 2 channels of 3×3/);
    assert.match(x, /min 0 · max 9 · mean 4\.5/);
    assert.match(await hoverText(doc, 'K = torch.tensor('), /shape \(2, 2, 2\)/);
    // `X,K` printed later: the names hover with where they were bound.
    const xk = lineOf(doc, (t) => t === 'X,K');
    const named = plain((await hovers(doc, new vscode.Position(xk - 1, 0)))[0].value);
    assert.match(named, /shape \(2, 3, 3\)/);
    assert.match(named, /bound at line \d+/);
    const call = lineOf(doc, (t) => t.startsWith('corr2d_multi_in_out(X, K)'));
    const printed = lineOf(doc, (t) => t.startsWith('tensor('), call);
    const out = plain((await hovers(doc, new vscode.Position(printed - 1, 0)))[0].value);
    assert.match(out, /printed tensor/);
    assert.match(out, /shape \(3, 2, 2\)/);
    // The call itself: the layer reading with its output.
    const layer = await hoverText(doc, 'corr2d_multi_in_out(X, K)', 0, call);
    assert.match(layer, /weight \(3, 2, 2, 2\)/);
    assert.match(layer, /input \(2, 3, 3\) → output \(3, 2, 2\)/);
  });

  it('seed 002: nn.Conv2d(1, 1, kernel_size=(3, 5), padding=(0, 1), stride=(3,4)) shows the weight shape and the output-size formula', async () => {
    const doc = await openFile(SEED_002);
    const text = await hoverText(doc, 'nn.Conv2d(1, 1, kernel_size=(3, 5)', 3);
    assert.match(text, /weight \(1, 1, 3, 5\) · bias \(1,\) · 16 parameters/);
    assert.match(text, /MACs per output position: 1·3·5 = 15/);
    // comp_conv2d(conv2d, X) below gives it this notebook's 3×3×3 X, which PyTorch would refuse.
    assert.match(text, /Shape mismatch \(applied at line \d+\): conv2d: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, but got 5-D \(1, 1, 3, 3, 3\)/);
    assert.match(text, /H_out = floor\(\(H_in \+ 0 \+ 0 − 1·\(3 − 1\) − 1\) \/ 3\) \+ 1/);
    assert.match(text, /W_out = floor\(\(W_in \+ 1 \+ 1 − 1·\(5 − 1\) − 1\) \/ 4\) \+ 1/);
  });

  it('samples/multi_channels.py: the X literal is (2, 4, 4); the layer applied to an 8×8 image shows its 2×2 output and costs', async () => {
    const doc = await openFile(SAMPLE);
    assert.match(await hoverText(doc, 'X = torch.tensor('), /shape \(2, 4, 4\)/);
    const layer = await hoverText(doc, 'nn.Conv2d(1, 1, kernel_size=(3, 5)', 3);
    assert.match(layer, /weight \(1, 1, 3, 5\)/);
    assert.match(layer, /input \(1, 1, 8, 8\) \(applied at line \d+\) → output \(1, 1, 2, 2\)/);
    assert.match(layer, /H_out = floor\(\(8 \+ 0 \+ 0 − 1·\(3 − 1\) − 1\) \/ 3\) \+ 1 = 2/);
    assert.match(layer, /W_out = floor\(\(8 \+ 1 \+ 1 − 1·\(5 − 1\) − 1\) \/ 4\) \+ 1 = 2/);
    assert.match(layer, /total: 60 MACs · 120 FLOPs/);
    assert.match(await hoverText(doc, 'out = conv(img)'), /shape \(1, 1, 2, 2\)/);
  });

  it('a channel mismatch is said plainly, and a ragged literal says why nothing is shown', async () => {
    const doc = await openText('X = torch.ones(1, 3, 5, 5)\nK = torch.ones(2, 4, 3, 3)\nY = F.conv2d(X, K)\nR = torch.tensor([[1, 2], [3]])\n');
    assert.match(await hoverText(doc, 'F.conv2d', 0), /Shape mismatch: .*3 channels/);
    assert.match(await hoverText(doc, 'torch.tensor', 0), /ragged at \[1\]: expected 2 elements, found 1 \(line 4, column 27\)/);
    assert.equal((await hovers(doc, new vscode.Position(0, 2))).length, 0, 'no hover on "="');
  });

  it('workspace text is escaped: hostile comments and names never become HTML or links', async () => {
    const doc = await openText(
      'X = torch.tensor([[1, 2]])  # <img src=x onerror=alert(1)> [x](command:workbench.action.quit)\n' +
        'a_b_c = nn.Conv2d(1, 1, 3)\nimg = torch.ones(1, 1, 5, 5)\na_b_c(img)  # [y](command:workbench.action.quit)\n',
    );
    for (const [line, ch] of [[0, 0], [0, 6], [3, 1], [3, 5]] as const) {
      const found = await hovers(doc, new vscode.Position(line, ch));
      assert.equal(found.length, 1);
      const md = found[0];
      assert.ok(!md.value.includes('<img'), md.value);
      assert.ok(!md.value.includes('command:workbench'), md.value);
      assert.notEqual(md.supportHtml, true);
      const trusted = md.isTrusted;
      if (typeof trusted === 'object') assert.ok(trusted.enabledCommands.every((c) => c.startsWith('convLens.')), JSON.stringify(trusted));
      else assert.notEqual(trusted, true);
      for (const m of md.value.matchAll(/\]\(command:([\w.]+)/g)) assert.ok(m[1].startsWith('convLens.'), m[1]);
    }
    const applied = (await hovers(doc, new vscode.Position(3, 5)))[0].value;
    assert.match(plain(applied), /a_b_c\(…\)/);
    assert.ok(applied.includes('a\\_b\\_c'), 'underscores are escaped, not emphasis');
  });

  it('command links appear only for registered commands, with the document URI and range', async () => {
    const doc = await openFile(SAMPLE);
    const line = lineOf(doc, (t) => t.startsWith('K = torch.tensor('));
    const md = (await hovers(doc, new vscode.Position(line - 1, 0)))[0];
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const [id, title] of [['convLens.computeConv', 'Compute Conv'], ['convLens.openPlayground', 'Open in Playground']]) {
      const link = md.value.match(new RegExp(`\\[${title}\\]\\(command:${id.replace('.', '\\.')}\\?([^)]*)\\)`));
      assert.equal(!!link, registered.has(id), `${title} link iff ${id} is registered`);
      if (link && id === 'convLens.computeConv') {
        const [arg] = JSON.parse(decodeURIComponent(link[1])) as [{ uri: string; range: { start: { line: number } } }];
        assert.equal(arg.uri, doc.uri.toString());
        assert.equal(arg.range.start.line, line - 1);
      }
    }
  });

  it('a notebook: a name bound in one cell hovers with its shape in a later cell', async () => {
    const data = new vscode.NotebookData([
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'import torch\nX = torch.tensor([[[0., 1.], [2., 3.]], [[4., 5.], [6., 7.]]])', 'python'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, '# Notes\nThe input has two channels.', 'markdown'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'Y = X.unsqueeze(0)\nX', 'python'),
    ]);
    const nb = await vscode.workspace.openNotebookDocument('jupyter-notebook', data);
    const cell = nb.cellAt(2).document;
    const atX = (await hovers(cell, new vscode.Position(1, 0)))[0];
    assert.ok(atX, 'a hover on X in the third cell');
    assert.match(plain(atX.value), /shape \(2, 2, 2\)/);
    const atY = (await hovers(cell, new vscode.Position(0, 0)))[0];
    assert.match(plain(atY.value), /shape \(1, 2, 2, 2\)/);
  });

  it('settings: convLens.hover.enabled off hides the hover; convLens.hover.languages limits the languages', async () => {
    const doc = await openText('X = torch.ones(2, 3)\n');
    const config = vscode.workspace.getConfiguration('convLens');
    try {
      const count = async (d: vscode.TextDocument, line: number) => (await hovers(d, new vscode.Position(line, 0))).length;
      await config.update('hover.enabled', false, vscode.ConfigurationTarget.Global);
      await eventually(async () => (await count(doc, 0)) === 0, 'no hover when convLens.hover.enabled is false');
      await config.update('hover.enabled', undefined, vscode.ConfigurationTarget.Global);
      await eventually(async () => (await count(doc, 0)) === 1, 'the hover is back');
      await config.update('hover.languages', ['markdown'], vscode.ConfigurationTarget.Global);
      await eventually(async () => (await count(doc, 0)) === 0, 'no hover in Python when only Markdown is listed');
      const md = await openText('```python\nX = torch.ones(2, 3)\n```\n', 'markdown');
      assert.equal(await count(md, 1), 1);
    } finally {
      await config.update('hover.enabled', undefined, vscode.ConfigurationTarget.Global);
      await config.update('hover.languages', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('plain text and Markdown documents are read as text (prose around the code)', async () => {
    const doc = await openText('Some prose first.\n\nIn [3]:\nK = torch.tensor([[1, -1]], dtype=torch.float32)\nK.shape\n\ntorch.Size([1, 2])\n', 'plaintext');
    assert.match(await hoverText(doc, 'K.shape'), /shape \(1, 2\)/);
    assert.match(await hoverText(doc, 'torch.Size'), /torch\.Size: shape \(1, 2\)/);
  });

  it('bare rows of numbers in a note\'s text block hover as a matrix, channels side by side as C×H×W', async () => {
    const doc = await openText('卷积核为\n\n```text\n0  1  0\n1 -4  1\n0  1  0\n```\n\n```text\n通道1      通道2\n0 1 2      1 2 3\n3 4 5      4 5 6\n6 7 8      7 8 9\n```\n', 'markdown');
    const laplacian = await hoverText(doc, '-4');
    assert.match(laplacian, /shape \(3, 3\)/);
    assert.match(laplacian, /min -4/);
    const channels = await hoverText(doc, '4 5 6');
    assert.match(channels, /shape \(2, 3, 3\)/);
    assert.match(channels, /2 channels of 3×3/);
  });
});
