import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { lineOf, openWorkbench, seedsFolder, type Workbench } from './workbench';

/**
 * "Conv Lens: Compute Conv" driven the way a user drives it, in the real VS Code (code-server +
 * Chromium): the palette, the keybinding, the editor's context menu, the kernel Quick Pick, the
 * result panel (values, partial maps, a clicked cell's arithmetic), "Insert as comment" and its
 * undo, the messages for bad selections, a reload, and a large input's cancellable progress.
 */
const SEED_000 = join(seedsFolder, '000_1851ee3647675e19.txt');
const SEED_004 = join(seedsFolder, '004_cbc10fd85e36d5fe.txt');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Gestures this suite needs beyond the shared fixture's: pickers, menus, notifications, tabs. */
function gestures(wb: Workbench) {
  const page = wb.page;
  const quickInput = page.locator('.quick-input-widget');
  const g = {
    /**
     * Runs the palette command titled exactly `title` (the fixture's runCommand picks the first row
     * that contains the title, and "View: Close All Editors in Group" contains "View: Close All Editors").
     */
    async command(title: string, waitClosed = true): Promise<void> {
      await page.keyboard.press('F1');
      await quickInput.waitFor({ state: 'visible' });
      await page.keyboard.type(title);
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
      await row.click();
      if (waitClosed) await quickInput.waitFor({ state: 'hidden' });
    },
    /**
     * Runs Compute Conv from the palette. (The fixture's runCommand waits for the palette to close,
     * which a command that opens its own picker keeps from happening.)
     */
    async computeFromPalette(): Promise<void> {
      await page.keyboard.press('F1');
      await quickInput.waitFor({ state: 'visible' });
      await page.keyboard.type('Conv Lens: Compute Conv');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Conv Lens: Compute Conv' }).first().click();
    },
    /**
     * Picks `label` in the Conv Lens picker whose title holds `title` (so nothing is typed into the
     * palette while it closes). Typing filters the virtualised list, so the row is rendered.
     */
    async acceptQuickPick(title: string, label: string): Promise<void> {
      await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible' });
      await page.keyboard.type(label);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
      await row.waitFor();
      await row.click();
      await sleep(300);
    },
    /** Right-clicks the text editor's selection and picks `label` from the context menu. */
    async contextMenu(label: string): Promise<void> {
      const box = await page.locator('.editor-group-container .monaco-editor .selected-text').first().boundingBox();
      if (!box) throw new Error('no selection to right-click');
      await page.mouse.click(box.x + 20, box.y + box.height / 2, { button: 'right' });
      const item = page.locator('.context-view .action-item', { hasText: label }).first();
      await item.waitFor();
      await sleep(300); // the menu settles before it takes a click
      await item.click();
    },
    /** The notification toasts' messages, once at least `atLeast` show (and a moment for any more). */
    async notifications(atLeast: number, timeoutMs = 10_000): Promise<string[]> {
      const toasts = page.locator('.notification-toast .notification-list-item-message');
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && (await toasts.count()) < atLeast) await sleep(200);
      await sleep(500);
      return toasts.allInnerTexts();
    },
    /** The first editor group holds the text editor; the result panel opens beside it. */
    async focusEditor(): Promise<void> {
      await g.command('View: Focus First Editor Group');
    },
    async waitForEditorLines(lines: string[], timeoutMs = 10_000): Promise<void> {
      await g.focusEditor();
      const deadline = Date.now() + timeoutMs;
      let seen: string[] = [];
      while (Date.now() < deadline) {
        seen = await wb.editorLines();
        if (lines.every((l, i) => seen[i] === l) && (seen.length === lines.length || seen[lines.length] === '')) return;
        await sleep(200);
      }
      throw new Error(`editor lines:\n${seen.join('\n')}\nexpected:\n${lines.join('\n')}`);
    },
    async isDirty(): Promise<boolean> {
      return (await page.locator('.tab.dirty').count()) > 0;
    },
    async tabTitles(): Promise<string[]> {
      return page.$$eval('.tabs-container .tab', (tabs) => tabs.map((t) => (t.getAttribute('aria-label') ?? t.textContent ?? '').split(',')[0].trim()));
    },
    async reloadWindow(): Promise<void> {
      await g.command('Developer: Reload Window', false);
      await sleep(2000);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    },
  };
  return g;
}

describe('Compute Conv (e2e)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let page: Page;
  let g: ReturnType<typeof gestures>;
  const scratch = mkdtempSync(join(tmpdir(), 'conv-lens-e2e-'));

  // A workbench of its own: this suite reloads the window and leaves result panels about.
  before(async () => {
    wb = await openWorkbench({ viewport: { width: 1600, height: 1200 } });
    page = wb.page;
    g = gestures(wb);
  });
  after(async () => {
    await wb?.close();
    rmSync(scratch, { recursive: true, force: true });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb.screenshot(`compute-conv-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
    await g.command('View: Close All Editors');
    // An editor that would ask to be saved stays open: revert it as it closes (the next test needs a clean window).
    for (let i = 0; i < 5 && (await g.tabTitles()).length; i++) {
      await page.keyboard.press('Escape');
      await g.command('View: Revert and Close Editor');
    }
    await g.command('Notifications: Clear All Notifications');
  });

  /** Selects whole lines `first`…`last` (1-based) of the active editor. */
  async function selectLines(first: number, last: number): Promise<void> {
    await g.focusEditor();
    await wb.goToLine(first);
    await page.keyboard.press('Home');
    await page.keyboard.press('Home'); // the first press may stop at the indentation
    for (let i = first; i <= last; i++) await page.keyboard.press('Shift+ArrowDown');
  }

  /** The result panel's document, once it shows `text`. */
  async function resultPanel(text: string): Promise<Frame> {
    return wb.webviewFrame(async (f) => (await f.locator('#output pre').textContent({ timeout: 500 }).catch(() => ''))?.includes(text) ?? false);
  }

  /** Opens `file`, selects lines `first`…`last`, runs Compute Conv from the palette and accepts "Compute". */
  async function computeLines(file: string, first: number, last: number): Promise<void> {
    await wb.openFile(file);
    await selectLines(first, last);
    await g.computeFromPalette();
    await g.acceptQuickPick('Compute Conv', 'Compute');
  }

  /** The numbers of a heatmap's table, row by row. */
  async function tableValues(frame: Frame, selector: string): Promise<number[][][]> {
    return frame.$$eval(selector, (tables) =>
      tables.map((t) => [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent)))),
    );
  }

  it('seed 000: X and K from the palette give [[56, 72], [104, 120]], the partial maps, and the arithmetic of a clicked cell', async () => {
    const x = lineOf(SEED_000, 'X = torch.tensor(');
    await computeLines(SEED_000, x, lineOf(SEED_000, 'K = torch.tensor(', x));
    const panel = await resultPanel('56.');
    assert.match((await panel.locator('#output pre').textContent()) ?? '', /^tensor\(\[\[ *56\., +72\.\],\s+\[104\., 120\.\]\]\)$/);
    assert.deepEqual(await tableValues(panel, '#output .heatmap table'), [[[56, 72], [104, 120]]]);
    assert.deepEqual(await tableValues(panel, '#breakdown .partial-map table'), [[[19, 25], [37, 43]], [[37, 47], [67, 77]]]);
    assert.deepEqual(await tableValues(panel, '#breakdown .sum-map table'), [[[56, 72], [104, 120]]], 'the sum of the partial maps');

    await panel.click('#output td[data-y="0"][data-x="0"]');
    const arithmetic = (await panel.locator('#explain').innerText()).replace(/\s+/g, ' ');
    assert.ok(arithmetic.includes('Output[0, 0] = 56'), arithmetic);
    assert.ok(arithmetic.includes('input channel 0: 0×0 + 1×1 + 3×2 + 4×3 = 19'), arithmetic);
    assert.ok(arithmetic.includes('input channel 1: 1×1 + 2×2 + 4×3 + 5×4 = 37'), arithmetic);
    assert.ok(arithmetic.includes('19 + 37 = 56'), arithmetic);
    // The receptive field is lit on both input channels: the top-left 2×2 window.
    const lit = await panel.$$eval('#input table', (ts) => ts.map((t) => [...t.querySelectorAll('td.lit')].map((td) => `${td.getAttribute('data-y')},${td.getAttribute('data-x')}`)));
    assert.deepEqual(lit, [['0,0', '0,1', '1,0', '1,1'], ['0,0', '0,1', '1,0', '1,1']]);
    await wb.screenshot('compute-conv-seed000');
  });

  it('the output cells work from the keyboard, with a table behind each heatmap for screen readers', async () => {
    const x = lineOf(SEED_000, 'X = torch.tensor(');
    await computeLines(SEED_000, x, lineOf(SEED_000, 'K = torch.tensor(', x));
    const panel = await resultPanel('56.');
    assert.equal(await panel.locator('#output table[role="grid"] caption').first().textContent(), 'Output');
    await panel.focus('#output td[data-y="0"][data-x="0"]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const arithmetic = (await panel.locator('#explain').innerText()).replace(/\s+/g, ' ');
    assert.ok(arithmetic.includes('Output[1, 1] = 120'), arithmetic);
    assert.ok(arithmetic.includes('input channel 0: 4×0 + 5×1 + 7×2 + 8×3 = 43'), arithmetic);
  });

  it('seed 004 S4: the Laplacian picked from the built-in kernels, by keybinding', async () => {
    await wb.openFile(SEED_004);
    await g.focusEditor();
    await wb.goToLine(lineOf(SEED_004, 'input_data = torch.tensor([[[[0, 0, 0, 0, 0]'));
    await page.keyboard.press('Control+Alt+C');
    await g.acceptQuickPick('a kernel for', 'Laplacian');
    await g.acceptQuickPick('Compute Conv', 'Compute');
    const panel = await resultPanel('-2.');
    assert.deepEqual(await tableValues(panel, '#output .heatmap table'), [[[-2, -1, -2], [-1, 0, -2], [-1, -2, 2]]]);
    assert.match((await panel.locator('h1').textContent()) ?? '', /^conv2d\(input_data, Laplacian \(built-in\)\)$/);
    await wb.screenshot('compute-conv-s4-laplacian');
  });

  it('seed 004 S5 from the editor context menu: [[19, 25], [37, 43]]', async () => {
    await wb.openFile(SEED_004);
    const first = lineOf(SEED_004, 'input_data = torch.tensor([[[[0, 1, 2],');
    await selectLines(first, lineOf(SEED_004, '[2, 3]]]], dtype=torch.float32)', first));
    await g.contextMenu('Compute Conv');
    await g.acceptQuickPick('Compute Conv', 'Compute');
    const panel = await resultPanel('19.');
    assert.deepEqual(await tableValues(panel, '#output .heatmap table'), [[[19, 25], [37, 43]]]);
  });

  it('seed 004 S11: [[50, 66], [98, 114]]', async () => {
    const first = lineOf(SEED_004, 'X = torch.tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]],');
    await computeLines(SEED_004, first, lineOf(SEED_004, '[[0, 1], [2, 3]]], dtype=torch.float32)', first));
    const panel = await resultPanel('50.');
    assert.deepEqual(await tableValues(panel, '#output .heatmap table'), [[[50, 66], [98, 114]]]);
  });

  it('"Insert as comment" adds one comment block below the selection, and one undo removes it', async () => {
    const file = join(scratch, 'insert.py');
    writeFileSync(file, 'import torch\nX = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])\nK = torch.tensor([[0.0, 1.0], [2.0, 3.0]])\nprint(X)\n');
    await computeLines(file, 2, 3);
    const panel = await resultPanel('19.');
    await panel.click('vscode-button:has-text("Insert as comment")');
    const expected = [
      'import torch',
      'X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])',
      'K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])',
      '# Conv Lens: conv2d(X, K), stride=1, padding=0, dilation=1, groups=1, padding_mode=zeros → shape [2, 2]',
      '# tensor([[19., 25.],',
      '#         [37., 43.]])',
      'print(X)',
    ];
    await g.waitForEditorLines(expected);
    await wb.screenshot('compute-conv-insert-comment');
    await g.focusEditor();
    await page.keyboard.press('Control+Z');
    await g.waitForEditorLines(['import torch', expected[1], expected[2], 'print(X)']);
  });

  /** The input box's value replaced by `text`, and the message it shows for it. */
  async function typeInInputBox(text: string, expect: RegExp): Promise<string> {
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
    const message = page.locator('.quick-input-widget .quick-input-message');
    const deadline = Date.now() + 10_000;
    let seen = '';
    while (Date.now() < deadline) {
      seen = (await message.innerText().catch(() => '')).trim();
      if (expect.test(seen)) return seen;
      await sleep(150);
    }
    throw new Error(`input box message for "${text}": "${seen}", expected ${expect}`);
  }

  it('"Set parameters…" checks the line as it is typed, shows the output shape, and is remembered for the document', async () => {
    const file = join(scratch, 'params.py');
    writeFileSync(file, 'import torch\nimg = torch.ones(1, 1, 8, 8)\nkernel = torch.ones(1, 1, 3, 3)\n');
    await wb.openFile(file);
    await selectLines(2, 3);
    await g.computeFromPalette();
    await g.acceptQuickPick('Compute Conv', 'Set parameters');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'parameters' }).waitFor();
    await typeInInputBox('stride=0', /stride must be at least 1/);
    await typeInInputBox('stride=2, padding=1, op=conv3d', /op must be one of conv2d, conv_transpose2d, max_pool2d, avg_pool2d/);
    await typeInInputBox('stride=2, padding=1', /Output shape \[1, 1, 4, 4\]/);
    await wb.screenshot('compute-conv-parameters');
    await page.keyboard.press('Enter');
    let panel = await resultPanel('tensor(');
    assert.equal(await panel.locator('#output h2').textContent(), 'Output [1, 1, 4, 4]');
    // The next run starts from the line set for this document.
    await g.focusEditor();
    await g.computeFromPalette();
    const compute = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Compute' }).first();
    await compute.waitFor();
    assert.match(await compute.innerText(), /stride=2, padding=1/);
    await g.acceptQuickPick('Compute Conv', 'Compute');
    panel = await resultPanel('tensor(');
    assert.equal(await panel.locator('#output h2').textContent(), 'Output [1, 1, 4, 4]');
  });

  it('"Type a kernel…" checks the literal as it is typed; Copy output copies', async () => {
    const file = join(scratch, 'typed.py');
    writeFileSync(file, 'import torch\nimg = torch.tensor([[0., 1., 2.], [3., 4., 5.], [6., 7., 8.]])\n');
    await wb.openFile(file);
    await wb.goToLine(2);
    await page.keyboard.press('Control+Alt+C');
    await g.acceptQuickPick('a kernel for', 'Type a kernel');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'type a kernel' }).waitFor();
    await typeInInputBox('[[0, 1], [2]]', /ragged at \[1\]: expected 2 elements, found 1/);
    await typeInInputBox('[[0, 1], [2, 3]]', /Shape \[2, 2\]/);
    await page.keyboard.press('Enter');
    await g.acceptQuickPick('Compute Conv', 'Compute');
    const panel = await resultPanel('19.');
    assert.deepEqual(await tableValues(panel, '#output .heatmap table'), [[[19, 25], [37, 43]]]);
    await panel.click('vscode-button:has-text("Copy output")');
    await page.locator('.statusbar', { hasText: 'Conv Lens: output copied' }).waitFor({ timeout: 10_000 });
  });

  describe('bad selections: one clear message, nothing changes', () => {
    async function expectMessage(file: string, first: number, last: number, message: RegExp): Promise<void> {
      await wb.openFile(file);
      await selectLines(first, last);
      await g.computeFromPalette();
      const toasts = await g.notifications(1);
      assert.equal(toasts.length, 1, `one notification: ${toasts.join(' | ')}`);
      assert.match(toasts[0], message);
      assert.doesNotMatch(toasts[0], /\bat .*:\d+:\d+/, 'no stack trace');
      assert.equal(await g.isDirty(), false, 'the document did not change');
      assert.deepEqual(await g.tabTitles(), [file.split('/').pop()], 'no result panel');
    }

    it('a selection with no tensor', async () => {
      const l = lineOf(SEED_000, 'import torch');
      await expectMessage(SEED_000, l, l + 1, /no tensor in the selection/);
    });

    it('a ragged literal', async () => {
      const file = join(scratch, 'ragged.py');
      writeFileSync(file, 'X = torch.tensor([[1, 2, 3], [4, 5]])\nK = torch.tensor([[1, 0], [0, 1]])\n');
      await expectMessage(file, 1, 2, /the tensor literal at line 1, column \d+ is not valid: ragged at \[1\]: expected 3 elements, found 2/);
    });

    it('a channel mismatch', async () => {
      const file = join(scratch, 'mismatch.py');
      writeFileSync(file, 'X = torch.ones(3, 4, 4)\nK = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])\n');
      await expectMessage(file, 1, 2, /the input has 3 channels \(read as C×H×W, shape \[3, 4, 4\]\) but the kernel has 2 \(read as C_in×kH×kW, shape \[2, 2, 2\]\)/);
    });
  });

  it('the panel comes back after the window reloads (serializer), computed again', async () => {
    const x = lineOf(SEED_000, 'X = torch.tensor(');
    await computeLines(SEED_000, x, lineOf(SEED_000, 'K = torch.tensor(', x));
    await resultPanel('56.');
    await g.reloadWindow();
    const panel = await resultPanel('56.');
    assert.deepEqual(await tableValues(panel, '#output .heatmap table'), [[[56, 72], [104, 120]]]);
  });

  it('a large input computes off the extension host, with a progress notification that cancels', async () => {
    const file = join(scratch, 'large.py');
    writeFileSync(file, 'import torch\nX = torch.ones(1, 32, 128, 128, dtype=torch.float64)\nK = torch.ones(64, 32, 5, 5, dtype=torch.float64)\n');
    await computeLines(file, 2, 3);
    const cancel = page.locator('.notification-toast:has-text("Conv Lens: computing conv2d(X, K)") .monaco-button:has-text("Cancel")');
    await cancel.waitFor({ timeout: 20_000 });
    await page.waitForTimeout(400); // the toast fades in
    await wb.screenshot('compute-conv-progress');
    await cancel.click();
    await page.waitForTimeout(1500);
    assert.deepEqual(await g.tabTitles(), ['large.py'], 'cancelled: no result panel');
    assert.equal(await page.locator('.notification-toast:has-text("Conv Lens")').count(), 0, 'and no message');
  });
});
