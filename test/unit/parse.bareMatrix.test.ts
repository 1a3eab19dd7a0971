import * as assert from 'node:assert/strict';
import { scanDocument, type Item } from '../../src/parse';

/** The bare-matrix items of `text`: shape, dtype, values (row-major), and where each element was read. */
function matrices(text: string): { shape: readonly number[]; dtype: string; values: number[]; at: string[] }[] {
  return scanDocument(text)
    .items.filter((i: Item) => i.form === 'text matrix')
    .map((i) => {
      const t = i.tensor!;
      const lit = t.literal!;
      return { shape: t.shape, dtype: t.dtype, values: Array.from(t.data!.data), at: Array.from(lit.offsets, (o) => text.slice(o, o + 2).trim()) };
    });
}

describe('parse/bareMatrix: rows of numbers in notes', () => {
  it('reads a block of rows as H×W, with each element\'s place', () => {
    const text = '输入数据(X)\n```text\n0 1 2\n3 4 5\n6 7 8\n```\n';
    const [m, ...rest] = matrices(text);
    assert.equal(rest.length, 0);
    assert.deepEqual(m.shape, [3, 3]);
    assert.equal(m.dtype, 'int64');
    assert.deepEqual(m.values, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(m.at, ['0', '1', '2', '3', '4', '5', '6', '7', '8']);
  });

  it('signs, decimals and aligned columns (two spaces are still one matrix)', () => {
    const [m] = matrices('0  1  0\n1 -4  1\n0  1  0\n');
    assert.deepEqual(m.shape, [3, 3]);
    assert.deepEqual(m.values, [0, 1, 0, 1, -4, 1, 0, 1, 0]);
    const [f] = matrices('19.5 25\n37 -4.25e1\n');
    assert.equal(f.dtype, 'float64');
    assert.deepEqual(f.values, [19.5, 25, 37, -42.5]);
  });

  it('channels side by side, split by wide gaps on every row, read as C×H×W (a header line of labels is fine)', () => {
    const [m] = matrices('通道1      通道2\n0 1 2      1 2 3\n3 4 5      4 5 6\n6 7 8      7 8 9\n');
    assert.deepEqual(m.shape, [2, 3, 3]);
    assert.deepEqual(m.values, [0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [tabbed] = matrices('0 1\t1 2\n2 3\t3 4\n');
    assert.deepEqual(tabbed.shape, [2, 2, 2]);
    assert.deepEqual(tabbed.values, [0, 1, 2, 3, 1, 2, 3, 4]);
  });

  it('gaps that do not line up into equal groups leave one matrix', () => {
    const [m] = matrices('1   10\n100 1\n');
    assert.deepEqual(m.shape, [2, 2]);
    const [n] = matrices('1 2   3\n4 5   6\n');
    assert.deepEqual(n.shape, [2, 3], 'groups of 2 and 1 are not channels');
  });

  it('CRLF line ends', () => {
    const [m] = matrices('19 25\r\n37 43\r\n');
    assert.deepEqual(m.shape, [2, 2]);
    assert.deepEqual(m.values, [19, 25, 37, 43]);
  });

  it('needs two rows of at least two numbers, all the same length', () => {
    assert.deepEqual(matrices('19 25\n'), []);
    assert.deepEqual(matrices('1\n2\n3\n'), []);
    const split = matrices('1 2\n3 4\n5 6 7\n8 9 10\n');
    assert.deepEqual(split.map((m) => m.shape), [[2, 2], [2, 3]], 'a change of length starts a new block');
    assert.deepEqual(matrices('a 1 2\n3 4\n'), []);
    assert.deepEqual(matrices('1 2 x\n3 4 5\n'), []);
    assert.deepEqual(matrices('(0 * 0) + (1 * 1) = 1\n44 + 84    80 + 144\n'), []);
  });

  it('leaves rows that are part of something the scanner found (a printed tensor, a literal)', () => {
    const text = 'print(a)\n[[1 2 3]\n [4 5 6]]\nx = [[1, 2],\n     [3, 4]]\n';
    assert.deepEqual(matrices(text), []);
    assert.deepEqual(
      scanDocument(text).items.filter((i) => i.kind !== 'name').map((i) => i.tensor?.shape),
      [[2, 3], [2, 2]],
    );
  });

  it('items stay in text order among the others', () => {
    const items = scanDocument('K = torch.tensor([[1, -1]])\n0 1\n2 3\nY = torch.ones(2, 2)\n').items;
    const starts = items.map((i) => i.start);
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
    assert.ok(items.some((i) => i.form === 'text matrix'));
  });
});
