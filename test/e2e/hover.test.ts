import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findInFile, sharedWorkbench, samplesFolder, seedsFolder, type Workbench } from './workbench';

/** The first slice seen as a user sees it: the mouse rests on a tensor literal, the hover shows its shape. */
describe('Hover in the workbench (e2e)', function () {
  this.timeout(120_000);
  let wb: Workbench;

  before(async () => {
    wb = await sharedWorkbench();
  });

  it('samples/multi_channels.py: resting on the X literal shows shape (2, 4, 4)', async () => {
    await wb.openFile('multi_channels.py');
    assert.match(await wb.windowTitle(), /Extension Development Host/);
    // The first number of X's literal (line 11: `X = torch.tensor([[[1.0, 2.0, 0.0, 1.0],`).
    const text = await wb.hoverAt('[[[1.0, 2.0', { offset: 3 });
    const shot = await wb.screenshot('hover-multi_channels');
    assert.ok(existsSync(shot));
    assert.match(text, /shape \(2, 4, 4\)/, text);
    assert.match(text, /2 channels of 4×4/, text);
  });

  it('samples/notes.md: a literal in a fenced Python block shows shape (3, 2, 2)', async () => {
    await wb.openFile('notes.md');
    const text = await wb.hoverAt('[[[1., 2.]', { offset: 3 });
    await wb.screenshot('hover-notes_md');
    assert.match(text, /shape \(3, 2, 2\)/, text);
  });
});

/**
 * Issue 4's shape hints in the real workbench: the seeds (../shared/samples/seeds, opened by their
 * absolute path through Quick Open) and a layer applied to a known input.
 */
const SEED_000 = join(seedsFolder, '000_1851ee3647675e19.txt');
const SEED_002 = join(seedsFolder, '002_2971e7f3bee1baf7.txt');
const SEED_004 = join(seedsFolder, '004_cbc10fd85e36d5fe.txt');
const SAMPLE = join(samplesFolder, 'multi_channels.py');


describe('Hover shape hints on the seeds and on layers (e2e)', function () {
  this.timeout(240_000);
  let wb: Workbench;

  before(async () => {
    wb = await sharedWorkbench();
  });

  it("seed 000: X shows (2, 3, 3), K (2, 2, 2), the printed result of corr2d_multi_in_out (3, 2, 2)", async () => {
    await wb.openFile(SEED_000);
    const x = findInFile(SEED_000, 'X = torch.tensor(');
    const onX = await wb.hoverAt(x);
    await wb.screenshot('hover-seed-000-X');
    assert.match(onX, /shape \(2, 3, 3\)/, onX);
    assert.match(onX, /C×H×W: 2 channels of 3×3/, onX);
    const onK = await wb.hoverAt(findInFile(SEED_000, 'K = torch.tensor(', x.line));
    assert.match(onK, /shape \(2, 2, 2\)/, onK);
    const call = findInFile(SEED_000, 'corr2d_multi_in_out(X, K)', findInFile(SEED_000, 'K.shape').line);
    const onPrinted = await wb.hoverAt(findInFile(SEED_000, 'tensor([[[ 56.', call.line));
    await wb.screenshot('hover-seed-000-printed');
    assert.match(onPrinted, /printed tensor/, onPrinted);
    assert.match(onPrinted, /shape \(3, 2, 2\)/, onPrinted);
  });

  it('seed 002: nn.Conv2d(1, 1, kernel_size=(3, 5), padding=(0, 1), stride=(3,4)) shows the weight shape and the output-size formula', async () => {
    await wb.openFile(SEED_002);
    const text = await wb.hoverAt(findInFile(SEED_002, 'nn.Conv2d(1, 1, kernel_size=(3, 5)', 1, 3));
    await wb.screenshot('hover-seed-002-conv2d');
    assert.match(text, /weight \(1, 1, 3, 5\)/, text);
    assert.match(text, /H_out = floor\(\(H_in \+ 0 \+ 0 − 1·\(3 − 1\) − 1\) \/ 3\) \+ 1/, text);
    assert.match(text, /W_out = floor\(\(W_in \+ 1 \+ 1 − 1·\(5 − 1\) − 1\) \/ 4\) \+ 1/, text);
  });

  it('seed 004: two channels written side by side as bare rows (通道1 通道2) hover as 2 channels of 3×3', async () => {
    await wb.openFile(SEED_004);
    const text = await wb.hoverAt(findInFile(SEED_004, '3 4 5      4 5 6', 1, 1));
    await wb.screenshot('hover-seed-004-bare-channels');
    assert.match(text, /shape \(2, 3, 3\)/, text);
    assert.match(text, /C×H×W: 2 channels of 3×3/, text);
    assert.match(text, /min 0/, text);
    assert.match(text, /max 9/, text);
  });

  it('samples/multi_channels.py: the layer applied to an 8×8 image shows its 2×2 output', async () => {
    await wb.openFile(SAMPLE);
    const text = await wb.hoverAt(findInFile(SAMPLE, 'nn.Conv2d(1, 1, kernel_size=(3, 5)', 1, 3));
    await wb.screenshot('hover-applied-conv2d');
    assert.match(text, /weight \(1, 1, 3, 5\)/, text);
    assert.match(text, /input \(1, 1, 8, 8\) \(applied at line \d+\) → output \(1, 1, 2, 2\)/, text);
    assert.match(text, /H_out = floor\(\(8 \+ 0 \+ 0 − 1·\(3 − 1\) − 1\) \/ 3\) \+ 1 = 2/, text);
  });
});
