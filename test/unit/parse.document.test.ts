import * as assert from 'node:assert/strict';
import { scanDocument, scanCells, itemAt, type Item, type ScanResult } from '../../src/parse';

/** The items of `kind` (all kinds but names by default), as `line:column kind shape`. */
function summary(r: ScanResult, kinds = ['literal', 'constructor', 'printed', 'layer']): string[] {
  return r.items
    .filter((it) => kinds.includes(it.kind))
    .map((it) => {
      const { line, column } = r.lines.position(it.start);
      const shape = it.tensor ? `(${it.tensor.shape.join(', ')})` : it.size ? `size(${it.size.join(', ')})` : '?';
      return `${line}:${column} ${it.kind} ${shape}`;
    });
}

/** The one item whose text is exactly `source` (first match). */
function itemFor(text: string, source: string, r = scanDocument(text)): Item {
  const start = text.indexOf(source);
  assert.ok(start >= 0, `no ${source} in the text`);
  const found = r.items.find((it) => it.start === start && it.end === start + source.length);
  assert.ok(found, `no item for ${source}; items: ${summary(r, ['literal', 'constructor', 'printed', 'layer', 'name']).join('; ')}`);
  return found;
}

function hoverAt(text: string, needle: string, delta = 0, r = scanDocument(text)): Item | undefined {
  return itemAt(r.items, text.indexOf(needle) + delta);
}

const values = (it: Item | undefined): number[] => Array.from(it?.tensor?.data?.data ?? []);

describe('parse/document: tensor-making calls', () => {
  it('torch.tensor of floats is torch.float32; of ints torch.int64; of bools torch.bool', () => {
    const text = 'a = torch.tensor([[1.0, 2.0]])\nb = torch.tensor([1, 2])\nc = torch.tensor([True, False])';
    const r = scanDocument(text);
    assert.equal(itemFor(text, 'torch.tensor([[1.0, 2.0]])', r).tensor?.dtype, 'torch.float32');
    assert.equal(itemFor(text, 'torch.tensor([1, 2])', r).tensor?.dtype, 'torch.int64');
    assert.equal(itemFor(text, 'torch.tensor([True, False])', r).tensor?.dtype, 'torch.bool');
  });
  it('dtype= is read; integer dtypes truncate as PyTorch does; other keywords are tolerated', () => {
    const text = 'x = torch.tensor([[1.7, -2.5]], dtype=torch.int32, requires_grad=False, device="cpu")';
    const it = itemFor(text, text.slice(4));
    assert.equal(it.tensor?.dtype, 'torch.int32');
    assert.deepEqual(values(it), [1, -2]);
    assert.equal(it.name, 'x');
  });
  it('dtype=torch.float64 keeps float64 values; float32 rounds', () => {
    const r = scanDocument('a = torch.tensor([0.1], dtype=torch.float64)\nb = torch.tensor([0.1])');
    assert.equal(r.items.find((i) => i.name === 'a' && i.kind === 'literal')?.tensor?.data?.data[0], 0.1);
    assert.equal(r.items.find((i) => i.name === 'b' && i.kind === 'literal')?.tensor?.data?.data[0], Math.fround(0.1));
  });
  it('torch.Tensor, torch.as_tensor, torch.FloatTensor, torch.LongTensor, np.array, numpy.asarray, jnp.array, tf.constant', () => {
    const cases: [string, string, number[]][] = [
      ['torch.Tensor([[1, 2], [3, 4]])', 'torch.float32', [2, 2]],
      ['torch.as_tensor([1.5, 2])', 'torch.float32', [2]],
      ['torch.FloatTensor([1, 2, 3])', 'torch.float32', [3]],
      ['torch.LongTensor([[1], [2]])', 'torch.int64', [2, 1]],
      ['np.array([[1, 2, 3]])', 'int64', [1, 3]],
      ['numpy.asarray([0.5, 1])', 'float64', [2]],
      ['np.array([1, 2], dtype=np.float32)', 'float32', [2]],
      ['jnp.array([1.0, 2.0])', 'float32', [2]],
      ['tf.constant([[1, 2]])', 'int32', [1, 2]],
      ['tf.constant([[1, 2]], dtype=tf.float32)', 'float32', [1, 2]],
    ];
    for (const [src, dtype, shape] of cases) {
      const it = itemFor(src, src);
      assert.equal(it.kind, 'literal', src);
      assert.equal(it.tensor?.dtype, dtype, src);
      assert.deepEqual(it.tensor?.shape, shape, src);
    }
  });
  it('torch.Tensor(2, 3) with sizes is a constructor', () => {
    const it = itemFor('torch.Tensor(2, 3)', 'torch.Tensor(2, 3)');
    assert.equal(it.kind, 'constructor');
    assert.deepEqual(it.tensor?.shape, [2, 3]);
  });
  it('torch.tensor(data) with data bound to a list above', () => {
    const text = 'data = [[1, 2], [3, 4]]\nt = torch.tensor(data, dtype=torch.float32)';
    const t = scanDocument(text).items.find((i) => i.name === 't' && i.kind === 'literal');
    assert.deepEqual(t?.tensor?.shape, [2, 2]);
    assert.equal(t?.tensor?.dtype, 'torch.float32');
  });
  it('a scalar: torch.tensor(3.5) has shape ()', () => {
    assert.deepEqual(itemFor('torch.tensor(3.5)', 'torch.tensor(3.5)').tensor?.shape, []);
  });
  it('a ragged literal in a call is an item with the error and its position', () => {
    const text = 'K = torch.tensor([[1, 2], [3]])';
    const it = itemFor(text, text.slice(4));
    assert.equal(it.tensor, undefined);
    assert.equal(it.error, 'ragged at [1]: expected 2 elements, found 1 (line 1, column 27)');
  });
});

describe('parse/document: constructors with a shape', () => {
  const cases: [string, number[], number[] | undefined][] = [
    ['torch.ones(1, 1, 8, 8)', [1, 1, 8, 8], undefined],
    ['torch.zeros((2, 3))', [2, 3], [0, 0, 0, 0, 0, 0]],
    ['torch.zeros([2])', [2], [0, 0]],
    ['torch.empty(2, 2)', [2, 2], []],
    ['torch.rand(3)', [3], []],
    ['torch.randn(size=(2, 3))', [2, 3], []],
    ['torch.full((2, 2), 7.0)', [2, 2], [7, 7, 7, 7]],
    ['torch.eye(3)', [3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1]],
    ['torch.eye(2, 3)', [2, 3], [1, 0, 0, 0, 1, 0]],
    ['torch.arange(12).reshape(3, 4)', [3, 4], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]],
    ['torch.arange(6).view(2, -1)', [2, 3], [0, 1, 2, 3, 4, 5]],
    ['torch.arange(1, 7, 2)', [3], [1, 3, 5]],
    ['torch.arange(0, 1, 0.25)', [4], [0, 0.25, 0.5, 0.75]],
    ['torch.normal(0, 1, (3, 3, 3))', [3, 3, 3], []],
    ['torch.normal(0, 1, size=(2, 3, 1, 1))', [2, 3, 1, 1], []],
    ['torch.linspace(0, 1, 5)', [5], [0, 0.25, 0.5, 0.75, 1]],
    ['np.zeros((2, 3))', [2, 3], [0, 0, 0, 0, 0, 0]],
    ['np.ones(4)', [4], [1, 1, 1, 1]],
    ['np.random.randn(2, 3)', [2, 3], []],
  ];
  for (const [src, shape, expected] of cases) {
    it(`${src} → (${shape.join(', ')})`, () => {
      const it = itemFor(src, src);
      assert.equal(it.kind, 'constructor');
      assert.deepEqual(it.tensor?.shape, shape);
      if (expected) assert.deepEqual(values(it), expected);
    });
  }
  it('dtypes: torch.ones is float32, arange of ints int64, np.zeros float64, dtype= read', () => {
    assert.equal(itemFor('torch.ones(2)', 'torch.ones(2)').tensor?.dtype, 'torch.float32');
    assert.equal(itemFor('torch.arange(3)', 'torch.arange(3)').tensor?.dtype, 'torch.int64');
    assert.equal(itemFor('np.zeros(3)', 'np.zeros(3)').tensor?.dtype, 'float64');
    assert.equal(itemFor('torch.zeros(2, dtype=torch.float64)', 'torch.zeros(2, dtype=torch.float64)').tensor?.dtype, 'torch.float64');
  });
  it('a shape from a name bound above: torch.randn(kernel_size)', () => {
    const text = 'kernel_size = (1, 1, 3, 3)\nw = torch.randn(kernel_size)';
    assert.deepEqual(itemFor(text, 'torch.randn(kernel_size)').tensor?.shape, [1, 1, 3, 3]);
  });
  it('a shape that is not known is said plainly', () => {
    const it = itemFor('torch.randn(n)', 'torch.randn(n)');
    assert.equal(it.tensor, undefined);
    assert.equal(it.error, 'the shape is not known');
  });
});

describe('parse/document: printed outputs', () => {
  it('tensor([...]) with dtype=, requires_grad=True and grad_fn=<…>', () => {
    const text = 'tensor([[1., 2.],\n        [3., 4.]], dtype=torch.float64, requires_grad=True)\ntensor([3., 4.], grad_fn=<AddBackward0>)\ntensor([1, 2], device=\'cuda:0\')';
    const r = scanDocument(text);
    assert.deepEqual(summary(r), ['1:1 printed (2, 2)', '3:1 printed (2)', '4:1 printed (2)']);
    assert.equal(r.items[0].tensor?.dtype, 'torch.float64');
    assert.equal(r.items[1].tensor?.dtype, 'torch.float32');
    assert.equal(r.items[2].tensor?.dtype, 'torch.int64');
  });
  it('torch.Size([3, 2, 2, 2]) describes a shape', () => {
    const it = itemFor('torch.Size([3, 2, 2, 2])', 'torch.Size([3, 2, 2, 2])');
    assert.equal(it.kind, 'printed');
    assert.deepEqual(it.size, [3, 2, 2, 2]);
  });
  it("NumPy's array([...]) and array(..., dtype=float32)", () => {
    const r = scanDocument('array([[1, 2],\n       [3, 4]])\narray([1., 2.], dtype=float32)');
    assert.deepEqual(summary(r), ['1:1 printed (2, 2)', '3:1 printed (2)']);
    assert.equal(r.items[0].tensor?.dtype, 'int64');
    assert.equal(r.items[1].tensor?.dtype, 'float32');
  });
  it("NumPy's bare print: [[-2. -1. -2.]\\n [-1.  0. -2.]]", () => {
    const r = scanDocument('Output feature map:\n [[-2. -1. -2.]\n [-1.  0. -2.]\n [-1. -2.  2.]]');
    assert.deepEqual(summary(r), ['2:2 printed (3, 3)']);
    assert.deepEqual(values(r.items[0]), [-2, -1, -2, -1, 0, -2, -1, -2, 2]);
  });
  it('a tuple of printed tensors (the seeds\' (tensor(...),\\n tensor(...)))', () => {
    const text = '(tensor([[[0., 1.],\n          [2., 3.]],\n \n         [[1., 2.],\n          [3., 4.]]]),\n tensor([[ 1., -1.]]))';
    assert.deepEqual(summary(scanDocument(text)), ['1:2 printed (2, 2, 2)', '6:2 printed (1, 2)']);
  });
  it('an empty printed tensor: tensor([], size=(0, 3))', () => {
    assert.deepEqual(itemFor('tensor([], size=(0, 3))', 'tensor([], size=(0, 3))').tensor?.shape, [0, 3]);
  });
  it('a printed bool tensor and a printed scalar', () => {
    assert.equal(itemFor('tensor([[True, False]])', 'tensor([[True, False]])').tensor?.dtype, 'torch.bool');
    assert.deepEqual(itemFor('tensor(56., grad_fn=<SumBackward0>)', 'tensor(56., grad_fn=<SumBackward0>)').tensor?.shape, []);
  });
  it('a printed tensor shortened with ... says why it has no shape', () => {
    const it = itemFor('tensor([1., 2., ..., 9.])', 'tensor([1., 2., ..., 9.])');
    assert.match(it.error ?? '', /shortened with "\.\.\."/);
  });
});

describe('parse/document: names, scopes and derived shapes', () => {
  it('a later X hovers with its shape and where it was bound', () => {
    const text = 'X = torch.ones(2, 3)\n\nprint(X)';
    const it = hoverAt(text, 'X)');
    assert.equal(it?.kind, 'name');
    assert.deepEqual(it?.tensor?.shape, [2, 3]);
    assert.equal(it?.boundAt?.line, 1);
  });
  it('rebinding to something unknown forgets the shape', () => {
    const text = 'X = torch.ones(2, 3)\nX = model(X)\nX';
    const r = scanDocument(text);
    const last = itemAt(r.items, text.length - 1);
    assert.equal(last, undefined);
  });
  it('a def body is its own scope: its assignments and parameters do not leak', () => {
    const text = 'X = torch.ones(2, 3)\ndef f(X, K):\n    X = X.reshape((6,))\n    return X\nY = X + 1';
    const r = scanDocument(text);
    const y = r.items.find((i) => i.name === 'Y' && i.kind === 'name');
    assert.deepEqual(y?.tensor?.shape, [2, 3]);
    assert.equal(hoverAt(text, 'X.reshape', 0, r), undefined, 'X inside f is its parameter, not the global');
  });
  it('item assignment keeps the shape but drops the values; += keeps values it can compute', () => {
    const r = scanDocument('X = torch.ones(6, 8)\nX[:, 2:6] = 0\nA = X\nB = torch.ones(2)\nB += 1\nC = B');
    const a = r.items.find((i) => i.name === 'A' && i.kind === 'name');
    assert.deepEqual(a?.tensor?.shape, [6, 8]);
    assert.equal(a?.tensor?.data, undefined);
    assert.deepEqual(values(r.items.find((i) => i.name === 'C' && i.kind === 'name')), [2, 2]);
  });
  it('K = torch.stack((K, K + 1, K + 2), 0) → (3, 2, 2, 2) with its values', () => {
    const text = 'K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])\nK = torch.stack((K, K + 1, K + 2), 0)\nK.shape';
    const r = scanDocument(text);
    const k = itemAt(r.items, text.lastIndexOf('K.shape'));
    assert.deepEqual(k?.tensor?.shape, [3, 2, 2, 2]);
    assert.deepEqual(values(k).slice(0, 4), [0, 1, 2, 3]);
    assert.deepEqual(values(k).slice(8, 12), [1, 2, 3, 4]);
    assert.deepEqual(values(k).slice(16, 20), [2, 3, 4, 5]);
  });
  it('unsqueeze, squeeze, reshape((…)), view(-1), .T, flatten, permute, transpose, matmul, indexing', () => {
    const cases: [string, number[]][] = [
      ['X.unsqueeze(0)', [1, 2, 3, 3]],
      ['X.unsqueeze(-1)', [2, 3, 3, 1]],
      ['X.unsqueeze(0).squeeze(0)', [2, 3, 3]],
      ['X.reshape((2, 9))', [2, 9]],
      ['X.view(-1)', [18]],
      ['X.reshape(1, 1, -1)', [1, 1, 18]],
      ['X[0].T', [3, 3]],
      ['X.flatten(1)', [2, 9]],
      ['X.permute(2, 0, 1)', [3, 2, 3]],
      ['X.transpose(0, 2)', [3, 3, 2]],
      ['torch.matmul(X, X)', [2, 3, 3]],
      ['X @ X[0]', [2, 3, 3]],
      ['X[:, 1:]', [2, 2, 3]],
      ['X[None, ..., 0]', [1, 2, 3]],
      ['X.sum()', []],
      ['X.sum(0)', [3, 3]],
      ['X.mean(dim=1, keepdim=True)', [2, 1, 3]],
      ['X * 2 - 1', [2, 3, 3]],
      ['X == X', [2, 3, 3]],
      ['torch.cat((X, X), 1)', [2, 6, 3]],
      ['torch.zeros_like(X)', [2, 3, 3]],
    ];
    for (const [expr, shape] of cases) {
      const text = `X = torch.ones(2, 3, 3)\nY = ${expr}`;
      const y = scanDocument(text).items.find((i) => i.name === 'Y' && i.kind === 'name');
      assert.deepEqual(y?.tensor?.shape, shape, expr);
    }
  });
  it('element-wise values follow PyTorch type promotion: int + 0.5 is float, int // 2 stays int, float32 rounds', () => {
    const r = scanDocument('A = torch.tensor([1, 2])\nB = A + 0.5\nC = A // 2\nD = torch.tensor([0.1]) * 3\nE = A > 1');
    const get = (n: string) => r.items.find((i) => i.name === n && i.kind === 'name')?.tensor;
    assert.equal(get('B')?.dtype, 'torch.float32');
    assert.deepEqual(Array.from(get('B')?.data?.data ?? []), [1.5, 2.5]);
    assert.equal(get('C')?.dtype, 'torch.int64');
    assert.deepEqual(Array.from(get('C')?.data?.data ?? []), [0, 1]);
    assert.equal(get('D')?.data?.data[0], Math.fround(Math.fround(0.1) * 3));
    assert.equal(get('E')?.dtype, 'torch.bool');
    assert.deepEqual(Array.from(get('E')?.data?.data ?? []), [0, 1]);
  });
  it('values follow from values: filled tensors, their arithmetic and reductions; none from a tensor whose values are not written', () => {
    const r = scanDocument('A = torch.zeros(2)\nB = torch.full((2,), 2) * 3\nC = (torch.ones(2, 2) + A).sum()\nX = torch.randn(2, 2)\nY = ((X - 1) ** 2).sum()\nZ = torch.stack((X, X + 1)).reshape(8).float()');
    const get = (n: string) => r.items.find((i) => i.name === n && i.kind === 'name')?.tensor;
    assert.deepEqual(Array.from(get('A')?.data?.data ?? []), [0, 0]);
    assert.deepEqual(Array.from(get('B')?.data?.data ?? []), [6, 6]);
    assert.deepEqual(Array.from(get('C')?.data?.data ?? []), [4]);
    assert.deepEqual(get('Y')?.shape, []);
    assert.equal(get('Y')?.data, undefined);
    assert.deepEqual(get('Z')?.shape, [8]);
    assert.equal(get('Z')?.data, undefined);
  });
  it('shapes that do not fit are not guessed: a reshape of the wrong size, a broadcast mismatch', () => {
    for (const expr of ['X.reshape(4, 4)', 'X + torch.ones(2)', 'X.unsqueeze(5)']) {
      const y = scanDocument(`X = torch.ones(2, 3, 3)\nY = ${expr}`).items.find((i) => i.name === 'Y');
      assert.equal(y?.tensor, undefined, expr);
    }
  });
  it('tuple unpacking of a shape: c_i, h, w = X.shape', () => {
    const r = scanDocument('X = torch.ones(3, 4, 5)\nc_i, h, w = X.shape\nY = torch.zeros(c_i, h * w)');
    assert.deepEqual(r.items.find((i) => i.name === 'Y' && i.kind === 'name')?.tensor?.shape, [3, 20]);
  });
  it('notebook cells: a name bound in one cell hovers in a later one', () => {
    const [, second] = scanCells(['X = torch.ones(2, 4, 4)', 'y = X.sum()\nX']);
    const x = second.items.find((i) => i.kind === 'name' && i.name === 'X');
    assert.deepEqual(x?.tensor?.shape, [2, 4, 4]);
  });
});

describe('parse/document: layers', () => {
  it("nn.Conv2d(1, 1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4)) applied to an 8×8 image: weight (1, 1, 3, 5), output (1, 1, 2, 2)", () => {
    const text = 'img = torch.ones(1, 1, 8, 8)\nconv = nn.Conv2d(1, 1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))\nout = conv(img)\nout';
    const r = scanDocument(text);
    const layer = itemFor(text, 'nn.Conv2d(1, 1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))', r);
    assert.equal(layer.kind, 'layer');
    assert.deepEqual(layer.layer?.weightShape, [1, 1, 3, 5]);
    assert.deepEqual(layer.layer?.biasShape, [1]);
    assert.equal(layer.layer?.params, 16);
    assert.deepEqual(layer.applications?.[0].layer.outputShape, [1, 1, 2, 2]);
    const applied = itemFor(text, 'conv(img)', r);
    assert.deepEqual(applied.layer?.outputShape, [1, 1, 2, 2]);
    assert.deepEqual(itemAt(r.items, text.length - 1)?.tensor?.shape, [1, 1, 2, 2]);
  });
  it('F.conv2d(X, K, stride=2) with X and K bound above; output and resolved padding from the engine', () => {
    const text = 'X = torch.ones(1, 2, 7, 7)\nK = torch.ones(4, 2, 3, 3)\nY = F.conv2d(X, K, stride=2, padding=1)';
    const it = itemFor(text, 'F.conv2d(X, K, stride=2, padding=1)');
    assert.deepEqual(it.layer?.weightShape, [4, 2, 3, 3]);
    assert.deepEqual(it.layer?.outputShape, [1, 4, 4, 4]);
    assert.equal(it.layer?.info?.padTop, 1);
    assert.deepEqual(it.tensor?.shape, [1, 4, 4, 4]);
  });
  it('a channel mismatch is said plainly, with the values', () => {
    const text = 'X = torch.ones(1, 3, 5, 5)\nK = torch.ones(2, 4, 3, 3)\nF.conv2d(X, K)';
    const it = itemFor(text, 'F.conv2d(X, K)');
    assert.equal(it.layer?.outputShape, undefined);
    assert.match(it.error ?? '', /3 channels.*4|4.*3 channels/);
  });
  it("padding='same', dilation, groups", () => {
    const text = "X = torch.ones(1, 4, 9, 9)\nc = nn.Conv2d(4, 8, 3, padding='same', dilation=2, groups=2)\nc(X)";
    const r = scanDocument(text);
    const layer = itemFor(text, "nn.Conv2d(4, 8, 3, padding='same', dilation=2, groups=2)", r);
    assert.deepEqual(layer.layer?.weightShape, [8, 2, 3, 3]);
    assert.equal(layer.layer?.params, 8 * 2 * 9 + 8);
    assert.deepEqual(layer.applications?.[0].layer.outputShape, [1, 8, 9, 9]);
  });
  it('nn.MaxPool2d(2, stride=2), nn.AvgPool2d(3), F.max_pool2d, F.avg_pool2d', () => {
    const text = 'X = torch.ones(1, 1, 8, 8)\np = nn.MaxPool2d(2, stride=2)\np(X)\na = nn.AvgPool2d(3)\na(X)\nF.max_pool2d(X, 3, stride=1)\nF.avg_pool2d(X, kernel_size=2, ceil_mode=True, stride=3)';
    const r = scanDocument(text);
    assert.deepEqual(itemFor(text, 'p(X)', r).layer?.outputShape, [1, 1, 4, 4]);
    assert.deepEqual(itemFor(text, 'a(X)', r).layer?.outputShape, [1, 1, 2, 2]);
    assert.deepEqual(itemFor(text, 'F.max_pool2d(X, 3, stride=1)', r).layer?.outputShape, [1, 1, 6, 6]);
    assert.deepEqual(itemFor(text, 'F.avg_pool2d(X, kernel_size=2, ceil_mode=True, stride=3)', r).layer?.outputShape, [1, 1, 3, 3]);
    assert.equal(itemFor(text, 'nn.MaxPool2d(2, stride=2)', r).layer?.params, 0);
  });
  it('nn.ConvTranspose2d and F.conv_transpose2d', () => {
    const text = 'X = torch.ones(1, 2, 4, 4)\nt = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1)\nt(X)\nW = torch.ones(2, 5, 2, 2)\nF.conv_transpose2d(X, W, stride=2)';
    const r = scanDocument(text);
    const t = itemFor(text, 'nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1)', r);
    assert.deepEqual(t.layer?.weightShape, [2, 3, 3, 3]);
    assert.deepEqual(itemFor(text, 't(X)', r).layer?.outputShape, [1, 3, 8, 8]);
    assert.deepEqual(itemFor(text, 'F.conv_transpose2d(X, W, stride=2)', r).layer?.outputShape, [1, 5, 8, 8]);
  });
  it("the seeds' helpers: d2l.corr2d, corr2d_multi_in, corr2d_multi_in_out, the 1×1 version, pool2d", () => {
    const text = [
      'X = torch.ones(2, 3, 3)',
      'K = torch.ones(2, 2, 2)',
      'K4 = torch.ones(3, 2, 2, 2)',
      'K1 = torch.ones(5, 2, 1, 1)',
      'd2l.corr2d(X[0], K[0])',
      'corr2d_multi_in(X, K)',
      'corr2d_multi_in_out(X, K4)',
      'corr2d_multi_in_out_1x1(X, K1)',
      "pool2d(X[0], (2, 2), 'avg')",
      'corr2d_multi_in_out_1x1(X, K4)',
    ].join('\n');
    const r = scanDocument(text);
    assert.deepEqual(itemFor(text, 'd2l.corr2d(X[0], K[0])', r).layer?.outputShape, [2, 2]);
    assert.deepEqual(itemFor(text, 'corr2d_multi_in(X, K)', r).layer?.outputShape, [2, 2]);
    assert.deepEqual(itemFor(text, 'corr2d_multi_in_out(X, K4)', r).layer?.outputShape, [3, 2, 2]);
    assert.deepEqual(itemFor(text, 'corr2d_multi_in_out_1x1(X, K1)', r).layer?.outputShape, [5, 3, 3]);
    assert.deepEqual(itemFor(text, "pool2d(X[0], (2, 2), 'avg')", r).layer?.outputShape, [2, 2]);
    assert.match(itemFor(text, 'corr2d_multi_in_out_1x1(X, K4)', r).error ?? '', /1×1 kernels/);
  });
  it("d2l's comp_conv2d(conv2d, X) on an 8×8 X: (3, 5) kernel, padding (0, 1), stride (3, 4) → (2, 2); k=3 p=1 s=2 → (4, 4)", () => {
    const text = 'X = torch.rand(size=(8, 8))\nconv2d = nn.Conv2d(1, 1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))\ncomp_conv2d(conv2d, X).shape\nc2 = nn.Conv2d(1, 1, kernel_size=3, padding=1, stride=2)\ncomp_conv2d(c2, X)';
    const r = scanDocument(text);
    assert.deepEqual(itemFor(text, 'comp_conv2d(conv2d, X)', r).layer?.outputShape, [2, 2]);
    assert.deepEqual(itemFor(text, 'comp_conv2d(c2, X)', r).layer?.outputShape, [4, 4]);
  });
  it('module arguments it cannot read leave the weights unknown, with the reason', () => {
    const it = itemFor('nn.Conv2d(c_in, 8, 3)', 'nn.Conv2d(c_in, 8, 3)');
    assert.equal(it.layer?.weightShape, null);
    assert.equal(it.layer?.spec.unknownArgument, 'in_channels');
  });
  it('bias=False: no bias shape, fewer parameters; conv.weight has the weight shape', () => {
    const text = 'conv = nn.Conv2d(in_channels=1, out_channels=1, kernel_size=3, bias=False)\nW = conv.weight';
    const r = scanDocument(text);
    const it = itemFor(text, 'nn.Conv2d(in_channels=1, out_channels=1, kernel_size=3, bias=False)', r);
    assert.equal(it.layer?.biasShape, null);
    assert.equal(it.layer?.params, 9);
    assert.deepEqual(r.items.find((i) => i.name === 'W')?.tensor?.shape, [1, 1, 3, 3]);
  });
});

describe('parse/document: text around the code', () => {
  it('skips strings and comments', () => {
    const r = scanDocument('s = "torch.ones(2, 2)"\n# X = torch.tensor([1, 2])\nt = \'\'\'[[1, 2]]\'\'\'');
    assert.deepEqual(summary(r), []);
  });
  it('reads Markdown prose, code fences and the notebook export\'s In [7]: markers', () => {
    const text = '# Notes\n\nIn [7]:\n```python\nX = torch.tensor([[1., 2.], [3., 4.]])\n```\nThe bias is\n```text\n[[2, 3],\n [4, 5]]\n```\n- [a link](#anchor)';
    assert.deepEqual(summary(scanDocument(text)), ['5:5 literal (2, 2)', '9:1 literal (2, 2)']);
  });
  it('a line break outside brackets ends the statement (a Markdown list item is not a subtraction)', () => {
    const text = 'K = torch.ones(2)\n- the kernel\nconv = nn.Conv2d(1, 1, 3)\nconv\n(img)\nK';
    const r = scanDocument(text);
    assert.deepEqual(itemAt(r.items, text.length - 1)?.tensor?.shape, [2]);
    assert.equal(r.items.filter((i) => i.kind === 'layer').length, 1);
  });
  it('itemAt returns the innermost item', () => {
    const text = 'X = torch.ones(1, 1, 4, 4)\nY = F.conv2d(X, torch.ones(1, 1, 3, 3))';
    const r = scanDocument(text);
    assert.equal(hoverAt(text, 'X, torch', 0, r)?.kind, 'name');
    assert.equal(hoverAt(text, 'torch.ones(1, 1, 3, 3)', 3, r)?.kind, 'constructor');
    assert.equal(hoverAt(text, 'F.conv2d', 0, r)?.kind, 'layer');
  });
  it('the element cap applies to literals in documents', () => {
    const it = scanDocument('X = torch.tensor([1, 2, 3, 4, 5])', { maxElements: 4 }).items.find((i) => i.kind === 'literal');
    assert.match(it?.error ?? '', /too many elements: more than 4/);
  });
});
