// `conv-lens compute`, run as a user runs it: node dist/cli.js (built by the build stage).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'conv-lens-compute-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
// S1: X = [[0..8], [1..9]], K = [[[0,1],[2,3]], [[1,2],[3,4]]] as one output channel.
const X = file('X.json', '[[[0,1,2],[3,4,5],[6,7,8]],[[1,2,3],[4,5,6],[7,8,9]]]');
const K = file('K.py', 'torch.tensor([[[[0.0, 1.0], [2.0, 3.0]],\n                [[1.0, 2.0], [3.0, 4.0]]]], dtype=torch.float32)\n');

function cli(args: string[], stdin?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['dist/cli.js', 'compute', ...args], { input: stdin, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: compute', () => {
  it('conv2d S1 (JSON file, Python file) prints as PyTorch: [[56, 72], [104, 120]]', () => {
    const r = cli(['--op', 'conv2d', '--input', X, '--weight', K]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'tensor([[[ 56.,  72.],\n         [104., 120.]]])\n');
  });
  it('--format json gives shape, row-major data and cost (32 MACs, 64 FLOPs, 8 params)', () => {
    const r = cli(['--op', 'conv2d', '--input', X, '--weight', K, '--format', 'json']);
    assert.deepEqual(JSON.parse(r.stdout), { shape: [1, 2, 2], data: [56, 72, 104, 120], cost: { macs: 32, flops: 64, params: 8 } });
  });
  it('input from stdin (-), four-sided padding 1,0,0,1 and a bias: 1×3 of ones with kernel [[1, 1]] → [[1, 1, 1], [2, 2, 1]] + 0.5', () => {
    const w = file('w.json', '[[[[1, 1]]]]');
    const b = file('b.json', '[0.5]');
    const r = cli(['--op', 'conv2d', '--input', '-', '--weight', w, '--bias', b, '--padding', '1,0,0,1', '--format', 'json'], '[[1, 1, 1]]');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).data, [0.5, 0.5, 0.5, 2.5, 2.5, 1.5]);
  });
  it('max_pool2d k=2 s=1 adds PyTorch indices h·W + w', () => {
    const r = cli(['--op', 'max_pool2d', '--input', X, '--kernel-size', '2', '--stride', '1', '--format', 'json']);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.data, [4, 5, 7, 8, 5, 6, 8, 9]);
    assert.deepEqual(out.indices, [4, 5, 7, 8, 4, 5, 7, 8]);
    assert.deepEqual(out.cost, { macs: 0, flops: 24, params: 0 });
  });
  it('avg_pool2d --ceil-mode --no-count-include-pad --padding 1 on [[1, 2, 3]] (k=2) → [[1, 2.5]]', () => {
    const x = file('row.json', '[[1, 2, 3]]');
    const r = cli(['--op', 'avg_pool2d', '--input', x, '--kernel-size', '1,2', '--padding', '0,1', '--no-count-include-pad', '--ceil-mode', '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).data, [1, 2.5]);
  });
  it('conv_transpose2d --stride 2 --output-padding 1 grows 2×2 to 5×5; --dtype float64 shows the dtype', () => {
    const x = file('x2.json', '[[[1, 2], [3, 4]]]');
    const w = file('ones.json', '[[[[1, 1], [1, 1]]]]');
    const r = cli(['--op', 'conv_transpose2d', '--input', x, '--weight', w, '--stride', '2', '--output-padding', '1', '--format', 'json']);
    assert.deepEqual(JSON.parse(r.stdout).shape, [1, 5, 5]);
    const text = cli(['--op', 'conv_transpose2d', '--input', x, '--weight', w, '--dtype', 'float64']);
    assert.match(text.stdout, /dtype=torch\.float64\)\n$/);
  });
  it('lp_pool2d --norm-type 2 on [[3, 4]] (k=1,2) → 5', () => {
    const x = file('34.json', '[[3, 4]]');
    const r = cli(['--op', 'lp_pool2d', '--input', x, '--kernel-size', '1,2', '--norm-type', '2', '--format', 'json']);
    assert.deepEqual(JSON.parse(r.stdout).data, [5]);
  });
  it('NaN in JSON is the string "NaN"', () => {
    const x = file('nan.json', '[[nan, 1]]');
    const r = cli(['--op', 'max_pool2d', '--input', x, '--kernel-size', '1,2', '--format', 'json']);
    assert.deepEqual(JSON.parse(r.stdout).data, ['NaN']);
  });
  it('bad input: exit 2 and one line naming the op and the values', () => {
    const r = cli(['--op', 'conv2d', '--input', X, '--weight', file('w3.json', '[[[[1]], [[1]], [[1]]]]')]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'conv-lens compute: conv2d: input has 2 channels but the weight expects 3 (weight [1, 3, 1, 1])\n');
  });
  it('usage errors: unknown option, missing weight, ragged list, option for another op', () => {
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [['--op', 'conv2d', '--input', X, '--weight', K, '--bogus', '1'], undefined, /unknown option '--bogus'/],
      [['--op', 'conv2d', '--input', X], undefined, /conv2d needs --weight FILE/],
      [['--op', 'avg_pool2d', '--input', '-', '--kernel-size', '2'], '[[1, 2], [3]]', /--input -: ragged at \[1\]: expected 2 elements, found 1/],
      [['--op', 'max_pool2d', '--input', X, '--kernel-size', '2', '--padding-mode', 'reflect'], undefined, /--padding-mode does not apply to max_pool2d/],
      [['--op', 'conv2d', '--input', X, '--weight', K, '--stride', '1,2,3'], undefined, /--stride expects n or h,w, got '1,2,3'/],
    ];
    for (const [args, stdin, message] of cases) {
      const r = cli(args, stdin);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });
});
