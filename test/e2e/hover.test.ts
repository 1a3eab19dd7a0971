import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { sharedWorkbench, type Workbench } from './workbench';

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
