import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runJob } from '../../src/compute/job';
import { parseParams } from '../../src/compute/params';
import { tensor } from '../../src/engine/tensor';
import { toResultTensor, type ResultRequest } from '../../src/protocol/resultPanel';
import { insertResultComment } from '../../src/features/resultPanel';
import { ComputeCancelled, runJobInWorker } from '../../src/features/computeRunner';

/**
 * "Compute Conv" inside a real VS Code: the command on the seeds (selection → operands → result),
 * the messages for bad selections (and that nothing changes), the comment insertion and its undo.
 * The command takes `{kernel, params}` so these tests skip the pickers; the e2e tests drive them.
 */
// out/test/integration → the repository; the seeds are in ../shared beside it (as CI lays them out).
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SEEDS = path.resolve(ROOT, '..', 'shared', 'samples', 'seeds');
const SEED_000 = `${SEEDS}/000_1851ee3647675e19.txt`;
const SEED_004 = `${SEEDS}/004_cbc10fd85e36d5fe.txt`;

type Outcome =
  | { ok: true; title: string; outputShape: number[]; output: number[]; readings: string[]; kernel: string | null }
  | { ok: false; message: string; cancelled?: boolean };

// Content goes into a fresh file of its own: untitled documents made in quick succession can be
// handed back as an earlier one in the web workbench, which made these tests flaky.
const scratch = mkdtempSync(path.join(tmpdir(), 'conv-lens-compute-'));
let scratchCount = 0;

async function open(pathOrContent: string, language = 'python'): Promise<vscode.TextEditor> {
  let doc: vscode.TextDocument;
  if (pathOrContent.startsWith('/')) {
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(pathOrContent));
  } else {
    const file = path.join(scratch, `doc-${++scratchCount}.txt`);
    writeFileSync(file, pathOrContent);
    doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(vscode.Uri.file(file)), language);
  }
  return vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
}

/** Selects whole lines `first`…`last` (1-based, as the editor numbers them). */
function selectLines(editor: vscode.TextEditor, first: number, last: number): void {
  editor.selection = new vscode.Selection(first - 1, 0, last - 1, editor.document.lineAt(last - 1).text.length);
}

/** The 1-based line of the first line containing `text`. */
function lineOf(editor: vscode.TextEditor, text: string, from = 1): number {
  for (let i = from - 1; i < editor.document.lineCount; i++) if (editor.document.lineAt(i).text.includes(text)) return i + 1;
  throw new Error(`"${text}" not found`);
}

const run = (args: object) => vscode.commands.executeCommand<Outcome>('convLens.computeConv', args);

function resultTabs(): number {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('convLens.result')).length;
}

function ok(o: Outcome | undefined): Extract<Outcome, { ok: true }> {
  assert.ok(o, 'the command returned nothing');
  if (!o.ok) assert.fail(`the command failed: ${o.message}`);
  return o;
}

describe('Compute Conv (integration)', function () {
  this.timeout(60_000);

  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'conv-lens');
    assert.ok(ext, 'the extension is loaded');
    await ext.activate();
  });

  afterEach(async () => {
    // Untitled test documents are dirty: revert them as they close, so no save prompt blocks the next test.
    for (let i = 0; i < 20 && vscode.window.activeTextEditor; i++) {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('is contributed: palette command, editor context menu with a selection, keybinding, settings', async () => {
    const pkg = vscode.extensions.all.find((e) => e.packageJSON?.name === 'conv-lens')!.packageJSON;
    const cmd = pkg.contributes.commands.find((c: { command: string }) => c.command === 'convLens.computeConv');
    assert.equal(cmd.category, 'Conv Lens');
    assert.ok(pkg.contributes.menus['editor/context'].some((m: { command: string; when: string }) => m.command === 'convLens.computeConv' && m.when === 'editorHasSelection'));
    assert.ok(pkg.contributes.keybindings.some((k: { command: string }) => k.command === 'convLens.computeConv'));
    const config = vscode.workspace.getConfiguration('convLens');
    assert.equal(config.get('cost.cpuTflops'), 0.15);
    assert.equal(config.get('cost.gpuTflops'), 12);
    assert.ok((await vscode.commands.getCommands(true)).includes('convLens.computeConv'));
  });

  it('seed 000: X and K of corr2d_multi_in give [[56, 72], [104, 120]] and open the result panel', async () => {
    const editor = await open(SEED_000);
    const x = lineOf(editor, 'X = torch.tensor(');
    selectLines(editor, x, lineOf(editor, 'K = torch.tensor(', x));
    const o = ok(await run({ params: '' }));
    assert.equal(o.title, 'conv2d(X, K)');
    assert.deepEqual(o.outputShape, [2, 2]);
    assert.deepEqual(o.output, [56, 72, 104, 120]);
    assert.ok(o.readings.some((r) => r.startsWith('X: shape [2, 3, 3] read as C×H×W')));
    assert.ok(o.readings.some((r) => r.startsWith('K: shape [2, 2, 2] read as C_in×kH×kW')));
    assert.equal(resultTabs(), 1);
  });

  it('seed 000: the line corr2d_multi_in(X, K) alone finds X and K by name', async () => {
    const editor = await open(SEED_000);
    const call = lineOf(editor, 'corr2d_multi_in(X, K)', lineOf(editor, 'K = torch.tensor('));
    selectLines(editor, call, call);
    assert.deepEqual(ok(await run({ params: '' })).output, [56, 72, 104, 120]);
  });

  it('a hover link: the tensors of a given document range, with a typed kernel', async () => {
    const editor = await open(SEED_000);
    const x = lineOf(editor, 'X = torch.tensor(') - 1;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors'); // the range is enough
    const range = { start: { line: x, character: 4 }, end: { line: x + 1, character: 58 } };
    const o = ok(await run({ uri: vscode.Uri.file(SEED_000).toString(), range, kernel: '[[[0, 1], [2, 3]], [[1, 2], [3, 4]]]', params: '' }));
    assert.deepEqual(o.output, [56, 72, 104, 120]);
    assert.equal(o.kernel, 'typed kernel');
  });

  it('a notebook cell: its tensors (names as the scanner reads the notebook), and a lone tensor as the input', async () => {
    const nb = await vscode.workspace.openNotebookDocument(vscode.Uri.file(path.join(ROOT, 'samples', 'edges.ipynb')));
    await vscode.window.showNotebookDocument(nb);
    const cell = nb.getCells().find((c) => c.document.getText().includes('laplacian = torch.tensor'));
    assert.ok(cell, 'the notebook has the E / laplacian cell');
    const doc = cell.document;
    const end = doc.lineAt(doc.lineCount - 1).range.end;
    const whole = { start: { line: 0, character: 0 }, end: { line: end.line, character: end.character } };
    // E = [[0,1,1],[1,0,1],[1,1,0]] ⋆ the Laplacian: 1 + 1 + 1 + 1 = 4.
    const o = ok(await run({ uri: doc.uri.toString(), range: whole, params: '' }));
    assert.equal(o.title, 'conv2d(E, laplacian)');
    assert.deepEqual(o.output, [4]);
    // The K cell alone: K is the input then, and gets a kernel.
    const kCell = nb.getCells().find((c) => c.document.getText().startsWith('K = torch.tensor'))!;
    const k = ok(await run({ uri: kCell.document.uri.toString(), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 10 } }, kernel: '[[1]]', params: '' }));
    assert.equal(k.title, 'conv2d(K, typed kernel)');
    assert.deepEqual(k.output, [1, -1]);
  });

  it('seed 004 S4: the built-in Laplacian on the 5×5 input gives [[-2,-1,-2],[-1,0,-2],[-1,-2,2]]', async () => {
    const editor = await open(SEED_004);
    const line = lineOf(editor, 'input_data = torch.tensor([[[[0, 0, 0, 0, 0]');
    editor.selection = new vscode.Selection(line - 1, 0, line - 1, 0); // the cursor in the line
    const o = ok(await run({ kernel: 'laplacian', params: '' }));
    assert.deepEqual(o.outputShape, [1, 1, 3, 3]);
    assert.deepEqual(o.output, [-2, -1, -2, -1, 0, -2, -1, -2, 2]);
  });

  it('seed 004 S5: input_data and kernel (N×C×H×W, C_out×C_in×kH×kW) give [[19, 25], [37, 43]]', async () => {
    const editor = await open(SEED_004);
    const first = lineOf(editor, 'input_data = torch.tensor([[[[0, 1, 2],');
    selectLines(editor, first, lineOf(editor, '[2, 3]]]], dtype=torch.float32)', first));
    const o = ok(await run({ params: '' }));
    assert.equal(o.title, 'conv2d(input_data, kernel)');
    assert.deepEqual(o.outputShape, [1, 1, 2, 2]);
    assert.deepEqual(o.output, [19, 25, 37, 43]);
  });

  it('seed 004: the two channels written side by side as bare rows (通道1 通道2) and the kernel below give the prose\'s sum map', async () => {
    const editor = await open(SEED_004);
    const first = lineOf(editor, '0 1 2      1 2 3');
    selectLines(editor, first - 1, lineOf(editor, '2 3        3 4', first));
    const o = ok(await run({ params: '' }));
    assert.deepEqual(o.outputShape, [2, 2], 'C×H×W ⋆ C_in×kH×kW: one output channel');
    assert.deepEqual(o.output, [56, 72, 104, 120]); // S16: the prose's hand sum (128, 224) is wrong; this is what it prints
  });

  it('seed 004 S11: [[50, 66], [98, 114]]', async () => {
    const editor = await open(SEED_004);
    const first = lineOf(editor, 'X = torch.tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]],');
    selectLines(editor, first, lineOf(editor, '[[0, 1], [2, 3]]], dtype=torch.float32)', first));
    const o = ok(await run({ params: '' }));
    assert.deepEqual(o.outputShape, [2, 2]);
    assert.deepEqual(o.output, [50, 66, 98, 114]);
  });

  it('seed 004 S8: stride and padding from the parameter line (8×8 input, 3×3 kernel)', async () => {
    const editor = await open(SEED_004);
    const first = lineOf(editor, 'input_data = torch.ones(1, 1, 8, 8)');
    selectLines(editor, first, lineOf(editor, 'kernel = torch.ones(1, 1, 3, 3)', first));
    assert.deepEqual(ok(await run({ params: '' })).outputShape, [1, 1, 6, 6]);
    assert.deepEqual(ok(await run({ params: 'padding=1' })).outputShape, [1, 1, 8, 8]);
    assert.deepEqual(ok(await run({ params: 'stride=2' })).outputShape, [1, 1, 3, 3]);
    assert.deepEqual(ok(await run({ params: 'op=max_pool2d, kernel_size=2' })).outputShape, [1, 1, 4, 4]);
  });

  describe('bad input: one clear message, nothing changes', () => {
    async function expectProblem(editor: vscode.TextEditor, args: object, pattern: RegExp): Promise<void> {
      const before = { version: editor.document.version, text: editor.document.getText(), tabs: resultTabs() };
      const o = await run(args);
      assert.ok(o && !o.ok, 'the command should refuse');
      assert.match(o.message, pattern);
      assert.doesNotMatch(o.message, /\n\s+at /, 'no stack trace');
      assert.equal(editor.document.version, before.version);
      assert.equal(editor.document.getText(), before.text);
      assert.equal(resultTabs(), before.tabs, 'no result panel');
    }

    it('a selection with no tensor', async () => {
      const editor = await open(SEED_000);
      const l = lineOf(editor, 'import torch');
      selectLines(editor, l, l + 1);
      await expectProblem(editor, { params: '' }, /^Conv Lens: no tensor in the selection\. Select the lines that define the input and the kernel/);
    });

    it('a ragged literal', async () => {
      const editor = await open('X = torch.tensor([[1, 2, 3], [4, 5]])\nK = torch.tensor([[1, 0], [0, 1]])\n');
      selectLines(editor, 1, 2);
      await expectProblem(editor, { params: '' }, /^Conv Lens: the tensor literal at line 1, column \d+ is not valid: ragged at \[1\]: expected 3 elements, found 2\.$/);
    });

    it('a channel mismatch, with both shapes and both readings', async () => {
      const editor = await open(
        'X = torch.ones(3, 4, 4)\nK = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])\n',
      );
      selectLines(editor, 1, 2);
      await expectProblem(
        editor,
        {},
        /^Conv Lens: the input has 3 channels \(read as C×H×W, shape \[3, 4, 4\]\) but the kernel has 2 \(read as C_in×kH×kW, shape \[2, 2, 2\]\)$/,
      );
    });

    it('invalid parameters and a bias of the wrong size', async () => {
      const editor = await open('X = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\nK = [[1, 0], [0, 1]]\nb = torch.tensor([1.0, 2.0])\n');
      selectLines(editor, 1, 2);
      await expectProblem(editor, { params: 'stride=0' }, /^Conv Lens: the parameters are not valid: stride must be at least 1$/);
      selectLines(editor, 1, 3);
      await expectProblem(editor, { params: '' }, /^Conv Lens: the bias has shape \[2\] but the kernel has 1 output channel/);
    });

    it('a tensor whose values the text does not give', async () => {
      const editor = await open('X = torch.randn(1, 3, 8, 8)\n');
      selectLines(editor, 1, 1);
      await expectProblem(editor, { kernel: 'laplacian', params: '' }, /^Conv Lens: X \(line 1\) has shape \[1, 3, 8, 8\], but its values are not written in the text/);
    });
  });

  describe('insert as comment', () => {
    const X = tensor([2, 3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const K = tensor([2, 2, 2], [0, 1, 2, 3, 1, 2, 3, 4]);

    async function insertInto(content: string, language: string, anchorLine: number, indent = '') {
      const editor = await open(content, language);
      const params = parseParams('');
      assert.ok(params.ok);
      const view = runJob({ input: { name: 'X', tensor: X }, kernel: { name: 'K', tensor: K }, bias: null, params: params.params, paramsText: 'stride=1', cpuFlopsPerSecond: 1e12, gpuFlopsPerSecond: 1e13 });
      const request: ResultRequest = {
        input: { name: 'X', tensor: toResultTensor(X) },
        kernel: { name: 'K', tensor: toResultTensor(K) },
        bias: null,
        params: 'stride=1',
        documentUri: editor.document.uri.toString(),
        anchorLine,
        anchorText: editor.document.lineAt(anchorLine).text,
        indent,
        languageId: editor.document.languageId,
      };
      const before = editor.document.getText();
      assert.equal(await insertResultComment(view, request), true);
      return { editor, before, after: editor.document.getText() };
    }

    it('Python: one "# " block below the selection, and one undo removes it', async () => {
      const content = 'X = 1\nK = 2\n\ny = 3\n';
      const { editor, before, after } = await insertInto(content, 'python', 1);
      assert.equal(
        after,
        'X = 1\nK = 2\n# Conv Lens: conv2d(X, K), stride=1 → shape [2, 2]\n# tensor([[ 56.,  72.],\n#         [104., 120.]])\n\ny = 3\n',
      );
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), before);
    });

    it('keeps the indentation of the selection and the comment syntax of the language', async () => {
      const { after } = await insertInto('function f() {\n  const X = 1;\n}\n', 'typescript', 1, '  ');
      assert.ok(after.startsWith('function f() {\n  const X = 1;\n  // Conv Lens: conv2d(X, K), stride=1 → shape [2, 2]\n  // tensor([[ 56.,  72.],\n'), after);
      const md = await insertInto('# Notes\n\n```python\nX = 1\n```\nprose\n', 'markdown', 3);
      assert.ok(md.after.includes('X = 1\n# Conv Lens: conv2d(X, K)'), md.after);
      const prose = await insertInto('Notes\nX = [[1]]\n', 'markdown', 1);
      assert.ok(prose.after.endsWith('X = [[1]]\n<!--\nConv Lens: conv2d(X, K), stride=1 → shape [2, 2]\ntensor([[ 56.,  72.],\n        [104., 120.]])\n-->\n'), prose.after);
    });

    it('refuses when the selected lines changed since', async () => {
      const editor = await open('X = 1\nK = 2\n', 'python');
      const view = runJob({ input: { name: 'X', tensor: X }, kernel: { name: 'K', tensor: K }, bias: null, params: (parseParams('') as { ok: true; params: never }).params, paramsText: '', cpuFlopsPerSecond: 1, gpuFlopsPerSecond: 1 });
      const request: ResultRequest = {
        input: { name: 'X', tensor: toResultTensor(X) }, kernel: null, bias: null, params: '', documentUri: editor.document.uri.toString(),
        anchorLine: 1, anchorText: 'K = 3', indent: '', languageId: 'python',
      };
      assert.equal(await insertResultComment(view, request), false);
      assert.equal(editor.document.getText(), 'X = 1\nK = 2\n');
    });
  });

  describe('large inputs run in a worker thread', () => {
    // float64 runs the reference loops: about 0.8 G multiply-adds here, seconds of work.
    const big = () => {
      const params = parseParams('padding=2');
      assert.ok(params.ok);
      return {
        input: { name: 'X', tensor: tensor([1, 32, 128, 128], new Float64Array(32 * 128 * 128).fill(1)) },
        kernel: { name: 'K', tensor: tensor([64, 32, 5, 5], new Float64Array(64 * 32 * 25).fill(0.5)) },
        bias: null,
        params: params.params,
        paramsText: 'padding=2',
        cpuFlopsPerSecond: 1e12,
        gpuFlopsPerSecond: 1e13,
      };
    };
    const context = () => ({ extensionUri: vscode.extensions.all.find((e) => e.packageJSON?.name === 'conv-lens')!.extensionUri }) as vscode.ExtensionContext;

    it('the extension host keeps running while it computes, and the result is right', async () => {
      const job = big();
      let last = Date.now();
      let worstGap = 0;
      const started = Date.now();
      const gaps: string[] = [];
      const timer = setInterval(() => {
        const now = Date.now();
        if (now - last > 60) gaps.push(`${now - last}@${last - started}`);
        worstGap = Math.max(worstGap, now - last);
        last = now;
      }, 20);
      try {
        const view = await runJobInWorker(context(), job, 'test');
        assert.deepEqual(view.output.shape, [1, 64, 128, 128]);
        assert.equal(view.output.data[129 * 2 + 2], 32 * 25 * 0.5); // an inner cell: every tap reads 1 × 0.5
      } finally {
        clearInterval(timer);
      }
      const took = Date.now() - started;
      assert.ok(took > 500, 'the job should take a while, or this test shows nothing');
      // Computed on this thread, the timer would stop for the whole job. The machine is shared, so
      // scheduling alone makes gaps of a few hundred ms: what matters is that none is job-sized.
      assert.ok(worstGap < took / 3, `the extension host stalled for ${worstGap} of ${took} ms (${gaps.join(', ')})`);
    });

    it('cancelling stops the worker at once', async () => {
      const source = new vscode.CancellationTokenSource();
      const started = Date.now();
      setTimeout(() => source.cancel(), 200);
      await assert.rejects(runJobInWorker(context(), big(), 'test', source.token), (err: unknown) => err instanceof ComputeCancelled);
      assert.ok(Date.now() - started < 1500, `cancel took ${Date.now() - started} ms`);
    });
  });
});
