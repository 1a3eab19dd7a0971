import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shapesOf, notebookCells, type ShapeRow } from '../../src/cli/shapes';

const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli.js', 'shapes', ...args], { encoding: 'utf8' });

describe('cli: conv-lens shapes', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'conv-lens-shapes-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a notebook: cells in order, names carried over, positions within each cell', () => {
    const nb = {
      cells: [
        { cell_type: 'markdown', source: ['# Two channels\n', 'X is C×H×W.'] },
        { cell_type: 'code', source: ['import torch\n', 'X = torch.ones(2, 8, 8)\n'] },
        { cell_type: 'code', source: 'conv = nn.Conv2d(2, 4, 3, padding=1)\nconv(X)' },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    };
    const rows = shapesOf('n.ipynb', JSON.stringify(nb));
    const constructor = rows.find((r) => r.kind === 'constructor');
    assert.deepEqual([constructor?.cell, constructor?.line, constructor?.column, constructor?.shape], [1, 2, 5, [2, 8, 8]]);
    const applied = rows.find((r) => r.kind === 'layer' && r.cell === 2 && r.line === 2);
    assert.deepEqual(applied?.outputShape, [4, 8, 8]);
    assert.equal(applied?.macs, 4 * 8 * 8 * 2 * 9);
    assert.equal(applied?.flops, 2 * 4 * 8 * 8 * 2 * 9);
    const x = rows.find((r) => r.kind === 'name' && r.cell === 2 && r.name === 'X');
    assert.deepEqual(x?.shape, [2, 8, 8]);
  });

  it('not a notebook: a readable error', () => {
    assert.throws(() => notebookCells('{"cells": 3}'), /no "cells" array/);
    assert.throws(() => notebookCells('{'), /not a notebook \(invalid JSON/);
  });

  it('--format json prints one array; --format text one line per item; errors exit 2', () => {
    const file = join(dir, 'a.py');
    writeFileSync(file, 'K = torch.tensor([[1, -1]], dtype=torch.float32)\nR = [[1, 2], [3]]\n');
    const json = cli(file, '--format', 'json');
    assert.equal(json.status, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as ShapeRow[];
    assert.deepEqual(
      rows.map((r) => [r.line, r.column, r.kind, r.name, r.shape]),
      [[1, 1, 'name', 'K', [1, 2]], [1, 5, 'literal', 'K', [1, 2]], [2, 5, 'literal', 'R', null]],
    );
    assert.equal(rows[2].error, 'ragged at [1]: expected 2 elements, found 1 (line 2, column 14)');
    const text = cli(file);
    assert.equal(text.status, 0);
    assert.match(text.stdout, /^1:5 +literal +K +shape \(1, 2\) +torch\.float32$/m);
    assert.equal(cli(join(dir, 'missing.py')).status, 2);
    assert.equal(cli(file, '--format', 'xml').status, 2);
    assert.match(cli(file, '--format', 'xml').stderr, /--format must be text or json/);
    assert.equal(cli().status, 2);
    const bad = join(dir, 'bad.ipynb');
    writeFileSync(bad, 'not json');
    const r = cli(bad);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not a notebook/);
  });
});
