/**
 * The five seed documents (../shared/samples/seeds, real study notes): `conv-lens shapes` must find
 * every tensor literal, constructor, printed tensor and layer call, each with the shape PyTorch
 * would give. The expected lists below were written by hand from the documents (line numbers are
 * 1-based lines of the seed files).
 */
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { shapesOf, type ShapeRow } from '../../src/cli/shapes';

const SEEDS = process.env.CONV_LENS_SEEDS ?? join(process.cwd(), '..', 'shared', 'samples', 'seeds');

/** [kind, line, shape] and, for layers, the weight and output shapes (null: not known from the text). */
type Expected = [kind: string, line: number, shape: number[] | null, layer?: { weight: readonly number[] | null; output: readonly number[] | null; params?: number | null; error?: RegExp }];

const unknownLayer = { weight: null, output: null };

const EXPECTED: Record<string, Expected[]> = {
  '000': [
    ['layer', 61, null, unknownLayer], // d2l.corr2d(x, k) inside corr2d_multi_in: x and k are loop variables
    ['literal', 66, [2, 3, 3]],
    ['literal', 70, [2, 2, 2]],
    ['layer', 72, [2, 2], { weight: [2, 2, 2], output: [2, 2] }], // corr2d_multi_in(X, K)
    ['printed', 74, [2, 2]],
    ['printed', 80, [2, 3, 3]], // (tensor(X), tensor(K))
    ['printed', 87, [2, 2, 2]],
    ['layer', 103, null, unknownLayer], // corr2d_multi_in(X, k) for k in K, inside a def
    ['literal', 106, [2, 2, 2]],
    ['printed', 109, [2, 2, 2]],
    ['printed', 121, [3, 2, 2, 2]], // torch.Size([3, 2, 2, 2])
    ['layer', 124, [3, 2, 2], { weight: [3, 2, 2, 2], output: [3, 2, 2] }], // corr2d_multi_in_out(X, K)
    ['printed', 126, [3, 2, 2]],
    ['constructor', 151, [3, 3, 3]], // torch.normal(0, 1, (3, 3, 3))
    ['constructor', 152, [2, 3, 1, 1]],
    ['layer', 154, [2, 3, 3], { weight: [2, 3, 1, 1], output: [2, 3, 3] }], // corr2d_multi_in_out_1x1
    ['layer', 155, [2, 3, 3], { weight: [2, 3, 1, 1], output: [2, 3, 3] }],
    ['printed', 159, [2, 3, 3]], // Y1 == Y2, bools
    ['printed', 170, [2, 3, 3]],
    ['printed', 177, [2, 3, 3]],
  ],
  '001': [
    ['layer', 52, null, unknownLayer],
    ['layer', 69, null, unknownLayer],
  ],
  '002': [
    ['layer', 87, null, unknownLayer],
    ['literal', 91, [2, 3, 3]],
    ['literal', 93, [2, 2, 2]],
    ['layer', 95, [2, 2], { weight: [2, 2, 2], output: [2, 2] }],
    ['printed', 97, [2, 2]],
    ['layer', 106, null, unknownLayer],
    ['printed', 112, [3, 2, 2, 2]],
    ['layer', 115, [3, 2, 2], { weight: [3, 2, 2, 2], output: [3, 2, 2] }],
    ['printed', 117, [3, 2, 2]],
    ['constructor', 140, [3, 3, 3]],
    ['constructor', 141, [2, 3, 1, 1]],
    ['layer', 143, [2, 3, 3], { weight: [2, 3, 1, 1], output: [2, 3, 3] }],
    ['layer', 144, [2, 3, 3], { weight: [2, 3, 1, 1], output: [2, 3, 3] }],
    ['layer', 150, null, { weight: [1, 1, 3, 3], output: null, params: 10 }], // nn.Conv2d(1, 1, kernel_size=3, padding=1, stride=2)
    // comp_conv2d reshapes X to (1, 1) + X.shape; this notebook's X is 3×3×3 there, so PyTorch would refuse it.
    ['layer', 151, null, { weight: [1, 1, 3, 3], output: null, error: /5-D \(1, 1, 3, 3, 3\)/ }],
    ['layer', 155, null, { weight: [1, 1, 3, 5], output: null, params: 16 }], // kernel_size=(3, 5), padding=(0, 1), stride=(3,4)
    ['layer', 156, null, { weight: [1, 1, 3, 5], output: null, error: /5-D \(1, 1, 3, 3, 3\)/ }],
  ],
  '003': [
    ['layer', 65, null, unknownLayer],
    ['layer', 73, null, unknownLayer],
    ['layer', 78, null, unknownLayer], // X and K are not defined in this post before the call
    ['constructor', 95, [3, 3, 3]],
    ['constructor', 96, [2, 3, 1, 1]],
    ['layer', 98, [2, 3, 3], { weight: [2, 3, 1, 1], output: [2, 3, 3] }],
    ['layer', 99, [2, 3, 3], { weight: [2, 3, 1, 1], output: [2, 3, 3] }],
  ],
  '004': [
    ['printed', 21, [3, 3]], // the Laplacian as bare rows in a ```text fence
    ['layer', 36, null, { weight: [1, 1, 3, 3], output: null, params: 9 }], // bias=False
    ['literal', 37, [1, 1, 3, 3]],
    ['literal', 42, [1, 1, 5, 5]],
    ['printed', 51, [3, 3]], // NumPy's bare print of the output feature map
    ['printed', 100, [3, 3]], // 输入数据(X), bare rows
    ['printed', 106, [3, 3]], // 滤波器(卷积核) K, bare rows
    ['printed', 125, [2, 2]], // 最终的特征图 Y: 19 25 / 37 43
    ['literal', 141, [1, 1, 3, 3]],
    ['literal', 146, [1, 1, 2, 2]],
    ['layer', 151, [1, 1, 2, 2], { weight: [1, 1, 2, 2], output: [1, 1, 2, 2] }],
    ['printed', 156, [1, 1, 2, 2]],
    ['literal', 173, [2, 2]], // in a ```text fence
    ['literal', 181, [2, 2]],
    ['constructor', 199, null], // torch.randn(kernel_size): a parameter of __init__
    ['constructor', 200, [1]],
    ['layer', 204, null, unknownLayer],
    ['constructor', 213, [1, 1, 10, 10]],
    ['printed', 221, [1, 1, 3, 3]],
    ['printed', 221, [1]],
    ['printed', 221, [1, 1, 8, 8]],
    ['constructor', 246, [6, 8]],
    ['literal', 250, [1, 2]],
    ['printed', 254, [6, 8]],
    ['printed', 260, [1, 2]],
    ['layer', 281, [1, 1, 6, 7], { weight: [1, 1, 1, 2], output: [1, 1, 6, 7] }],
    ['printed', 289, [6, 7]],
    ['constructor', 316, null],
    ['constructor', 317, [1]],
    ['layer', 321, null, unknownLayer],
    ['layer', 367, null, unknownLayer], // F.conv2d(x, self.weight, self.bias) quoted in a question
    ['constructor', 444, [1, 1, 8, 8]],
    ['constructor', 447, [1, 1, 3, 3]],
    ['layer', 450, [1, 1, 6, 6], { weight: [1, 1, 3, 3], output: [1, 1, 6, 6] }],
    ['layer', 453, [1, 1, 8, 8], { weight: [1, 1, 3, 3], output: [1, 1, 8, 8] }],
    ['layer', 456, [1, 1, 3, 3], { weight: [1, 1, 3, 3], output: [1, 1, 3, 3] }], // PyTorch: 3×3 (the prose says 4×4)
    ['printed', 462, [1, 1, 6, 6]],
    ['printed', 462, [1, 1, 8, 8]],
    ['printed', 462, [1, 1, 3, 3]],
    ['printed', 482, [2, 3, 3]], // 通道1 通道2 side by side: two channels of 3×3
    ['printed', 489, [2, 2, 2]], // the kernel's two channels side by side
    ['constructor', 520, null], // torch.randn(out_channels, in_channels, *kernel_size)
    ['constructor', 521, null],
    ['layer', 525, null, unknownLayer],
    ['literal', 531, [6, 3]], // then .reshape(1, 2, 3, 3)
    ['literal', 541, [4, 2]],
    ['layer', 549, [1, 1, 2, 2], { weight: [1, 2, 2, 2], output: [1, 1, 2, 2] }],
    ['printed', 553, [1, 1, 2, 2]],
    ['layer', 573, null, unknownLayer],
    ['literal', 578, [2, 3, 3]],
    ['literal', 582, [2, 2, 2]],
    ['layer', 586, [2, 2], { weight: [2, 2, 2], output: [2, 2] }],
    ['printed', 589, [2, 2]],
  ],
};

function seedFile(prefix: string): string {
  const name = readdirSync(SEEDS).find((f) => f.startsWith(prefix));
  assert.ok(name, `no seed ${prefix} in ${SEEDS}`);
  return join(SEEDS, name);
}

function readSeed(prefix: string): string {
  const text = readFileSync(seedFile(prefix), 'utf8');
  const stamped = text.split('\n').findIndex((l) => l.startsWith('# Conv Lens:'));
  assert.equal(stamped, -1, `seed ${prefix} has been written into (line ${stamped + 1} holds a "# Conv Lens:" comment a command inserted); restore the original seed`);
  return text;
}

function actual(rows: readonly ShapeRow[]): Expected[] {
  return rows
    .filter((r) => r.kind !== 'name')
    .map((r): Expected => {
      if (r.kind !== 'layer') return [r.kind, r.line, r.shape];
      const layer: NonNullable<Expected[3]> = { weight: r.weightShape ?? null, output: r.outputShape ?? null };
      return [r.kind, r.line, r.shape, layer];
    });
}

describe('seeds: conv-lens shapes finds every tensor and layer with the shape PyTorch gives', () => {
  for (const [prefix, expected] of Object.entries(EXPECTED)) {
    it(`seed ${prefix}: ${expected.length} items`, () => {
      const rows = shapesOf(seedFile(prefix), readSeed(prefix));
      const got = actual(rows);
      const strip = (e: Expected): Expected => (e[3] ? [e[0], e[1], e[2], { weight: e[3].weight, output: e[3].output }] : e);
      assert.deepEqual(got, expected.map(strip));
      // Params and mismatch messages where the list names them.
      const layers = rows.filter((r) => r.kind !== 'name');
      expected.forEach((e, i) => {
        if (e[3]?.params !== undefined) assert.equal(layers[i].params, e[3].params, `params at line ${e[1]}`);
        if (e[3]?.error) assert.match(layers[i].error ?? '', e[3].error, `error at line ${e[1]}`);
      });
    });
  }

  it("seed 000: names X and K hover with (2, 3, 3) and (2, 2, 2) where X,K is printed", () => {
    const rows = shapesOf(seedFile('000'), readSeed('000'));
    const at78 = rows.filter((r) => r.line === 78 && r.kind === 'name').map((r) => [r.name, r.shape, r.boundAt?.line]);
    assert.deepEqual(at78, [['X', [2, 3, 3], 66], ['K', [2, 2, 2], 70]]);
    const k = rows.find((r) => r.line === 118 && r.kind === 'name' && r.column === 1);
    assert.deepEqual(k?.shape, [3, 2, 2, 2]); // K = torch.stack((K, K + 1, K + 2), 0)
  });

  it('the CLI prints the same as JSON (node dist/cli.js shapes FILE --format json)', () => {
    const r = spawnSync(process.execPath, ['dist/cli.js', 'shapes', seedFile('002'), '--format', 'json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as ShapeRow[];
    assert.deepEqual(actual(rows), actual(shapesOf(seedFile('002'), readSeed('002'))));
    for (const row of rows) {
      assert.ok(Number.isInteger(row.line) && row.line >= 1 && Number.isInteger(row.column) && row.column >= 1);
      assert.ok(['literal', 'constructor', 'printed', 'layer', 'name'].includes(row.kind));
      assert.ok(row.name === null || typeof row.name === 'string');
    }
  });
});
