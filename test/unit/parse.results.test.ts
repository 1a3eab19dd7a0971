import * as assert from 'node:assert/strict';
import { parseNested, scanDocument, type NestedLiteral, type ScanResult } from '../../src/parse';
import { parseTensorText, type TextResult } from '../../webview/playground/text';

/**
 * Results stay what they were when later parses run: the playground parses its text boxes on every
 * keystroke and keeps earlier results (its state, the grids), the hover keeps a document's scan while
 * other documents are scanned, and the Compute Conv worker receives tensors by structured clone. A
 * result that shared storage with another (a block of values, an offsets array) would change under
 * them, or carry other literals' bytes over postMessage.
 */

/** The playground e2e's kernel, and two shorter ones, typed one character at a time. */
const TYPED = [
  'torch.tensor([[[[1, -1], [2, 0]], [[0, 3], [-2, 1]]]])',
  '[[1, 2], [3, 4]]',
  '[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]',
];

/** A plain copy of a literal: what it said when it was made. */
function snapshot(lit: NestedLiteral) {
  return { shape: [...lit.shape], values: Array.from(lit.values), offsets: Array.from(lit.offsets), start: lit.start, end: lit.end, elementKind: lit.elementKind };
}

/** A plain copy of a scan's tensors: shape, values, the literal's values and offsets. */
function scanSnapshot(r: ScanResult) {
  return r.items.map((it) => ({
    kind: it.kind,
    start: it.start,
    end: it.end,
    shape: it.tensor ? [...it.tensor.shape] : null,
    data: it.tensor?.data ? Array.from(it.tensor.data.data) : null,
    literal: it.tensor?.literal ? snapshot(it.tensor.literal) : null,
  }));
}

/** Literal-sized texts of every kind the scan reads, so that the later parses write many literals. */
function noise(k: number): string {
  return `A${k} = torch.tensor([[${k}, ${k + 1}], [${k + 2}, ${k + 3}]])\nB${k} = [${k}.5, -${k}, ${k}e-3]\nC${k} = np.array([[${k}, 0], [0, ${k}]])\n`;
}

describe('parse results: independent of later parses', () => {
  it('the playground kernel box, typed one character at a time: every prefix reads as it does alone, and kept results do not change', () => {
    // What each prefix reads as, parsed on its own first (a fresh result each time).
    const alone = new Map<string, string>();
    for (const text of TYPED) for (let i = 1; i <= text.length; i++) alone.set(text.slice(0, i), JSON.stringify(parseTensorText(text.slice(0, i))));
    // Typed in order with other parses in between, keeping every result as the playground keeps its state.
    const kept: { text: string; result: TextResult; json: string }[] = [];
    let k = 0;
    for (const text of TYPED) {
      for (let i = 1; i <= text.length; i++) {
        const prefix = text.slice(0, i);
        const result = parseTensorText(prefix);
        const json = JSON.stringify(result);
        assert.equal(json, alone.get(prefix), `typing ${JSON.stringify(prefix)}`);
        kept.push({ text: prefix, result, json });
        scanDocument(noise(k++));
        parseNested(`[${k}, ${k + 1}, ${k + 2}]`, 0);
      }
    }
    for (const { text, result, json } of kept) assert.equal(JSON.stringify(result), json, `the result kept for ${JSON.stringify(text)} changed`);
    const final = kept.find((e) => e.text === TYPED[0]);
    assert.deepEqual(final?.result, { ok: true, tensor: { shape: [1, 2, 2, 2], data: [1, -1, 2, 0, 0, 3, -2, 1] } });
  });

  it('a literal kept across thousands of later literals keeps its values and offsets', () => {
    const text = '[[1.5, -2], [3, 4e2]]';
    const r = parseNested(text, 0);
    assert.ok(r.ok);
    const before = snapshot(r.value);
    for (let k = 0; k < 5000; k++) parseNested(`[[${k}, ${k + 1}], [${-k}, ${k / 4}]]`, 0);
    assert.deepEqual(snapshot(r.value), before);
    assert.deepEqual(before.values, [1.5, -2, 3, 400]);
    assert.deepEqual(before.offsets.map((o) => text.slice(o, o + 3)), ['1.5', '-2]', '3, ', '4e2']);
  });

  it('a scan kept while other documents are scanned keeps its items, values and offsets (the hover keeps a scan per document)', () => {
    const text = Array.from({ length: 200 }, (_, k) => noise(k)).join('');
    const first = scanDocument(text);
    const before = scanSnapshot(first);
    assert.ok(before.filter((it) => it.data).length >= 400);
    for (let k = 0; k < 30; k++) scanDocument(Array.from({ length: 200 }, (_, j) => noise(1000 * k + j)).join(''));
    assert.deepEqual(scanSnapshot(first), before);
    // Offsets point at the elements' text.
    for (const it of first.items) {
      const lit = it.tensor?.literal;
      if (!lit) continue;
      lit.offsets.forEach((o, i) => assert.equal(Number(text.slice(o).match(/^-?[\d.e-]+/)?.[0]), lit.values[i]));
    }
  });

  it('values and offsets own their storage: a structured clone or a transfer carries exactly the literal and leaves the others alone', () => {
    const lits: NestedLiteral[] = [];
    for (let k = 0; k < 100; k++) {
      const r = parseNested(`[${k}, ${k + 1}, ${k + 2}]`, 0);
      assert.ok(r.ok);
      lits.push(r.value);
    }
    for (const lit of lits) {
      for (const a of [lit.values, lit.offsets]) {
        assert.equal(a.byteOffset, 0);
        assert.equal(a.buffer.byteLength, a.byteLength, 'the buffer holds this literal only (postMessage sends the whole buffer)');
      }
    }
    // Transferring one literal's values (as a worker message may) detaches its buffer only.
    const moved = structuredClone(lits[10].values, { transfer: [lits[10].values.buffer] });
    assert.deepEqual(Array.from(moved), [10, 11, 12]);
    assert.deepEqual(Array.from(lits[11].values), [11, 12, 13]);
    assert.deepEqual(Array.from(lits[9].values), [9, 10, 11]);
  });

  it('library names read the same after the memo tables fill up and empty (thousands of distinct names and members)', () => {
    const probe = 'import torch.nn.functional as F\nX = torch.ones(1, 2, 8, 8)\nY = F.conv2d(X, torch.randn(4, 2, 3, 3), padding=1)\nZ = torch.tensor([[1, 2], [3, 4]])\n';
    const read = (r: ScanResult) => r.items.filter((it) => it.kind !== 'name').map((it) => `${it.kind} ${it.form} ${it.tensor ? it.tensor.shape.join('x') + ' ' + it.tensor.dtype : ''} ${it.layer?.outputShape?.join('x') ?? ''}`);
    const before = read(scanDocument(probe));
    assert.ok(before.some((line) => line.startsWith('layer F.conv2d') && line.endsWith('1x4x8x8')), before.join('; '));
    const many = Array.from({ length: 6000 }, (_, k) => `v${k} = mod${k % 3000}.part${k}.leaf${k % 7}(${k})`).join('\n');
    scanDocument(many);
    scanDocument(many.replace(/part/g, 'piece'));
    assert.deepEqual(read(scanDocument(probe)), before);
  });
});

describe('parse results: made to die young', () => {
  it('the objects a result keeps are made by new, not as object literals (V8 pretenures literal sites; see src/parse/resultObjects.ts)', () => {
    const text = 'X = torch.tensor([[1, 2], [3, 4]])\nconv = nn.Conv2d(1, 2, 2)\nY = conv(X.reshape(1, 1, 2, 2))\nZ = X + 1\n';
    const r = scanDocument(text);
    const plain = (o: unknown): boolean => Object.getPrototypeOf(o) === Object.prototype;
    const conv = r.items.find((it) => it.kind === 'layer' && it.form === 'nn.Conv2d');
    assert.ok(conv?.applications?.length, 'the module reports its application');
    for (const it of r.items) {
      assert.ok(!plain(it), `${it.kind} ${it.form} item`);
      if (it.boundAt) assert.ok(!plain(it.boundAt), `binding of ${it.name}`);
      if (it.tensor?.literal) assert.ok(!plain(it.tensor.literal), `literal of ${it.form}`);
      for (const a of it.applications ?? []) assert.ok(!plain(a), 'application');
    }
    for (const b of r.globals.values()) assert.ok(!plain(b), `global ${b.name}`);
  });
});

describe('parse results: long documents', () => {
  it('a document of more items than one chunk holds (4,096) reads as its parts do, and a layer defined at the top hears of applications far below', () => {
    const block = 'X = torch.ones(1, 2, 8, 8)\nY = X + 1\n';
    const one = scanDocument(block).items.length;
    const head = 'conv = nn.Conv2d(2, 3, 3)\n';
    const r = scanDocument(head + block.repeat(2500) + 'Z = conv(X)\n');
    assert.equal(r.items.length, scanDocument(head).items.length + 2500 * one + 4, 'the layer; the blocks; Z, conv, X and the application conv(X)');
    for (let i = 1; i < r.items.length; i++) assert.ok(r.items[i - 1].start <= r.items[i].start, `items in order at ${i}`);
    const conv = r.items.find((it) => it.kind === 'layer' && it.form === 'nn.Conv2d');
    assert.deepEqual(conv?.applications?.map((a) => a.layer.outputShape), [[1, 3, 6, 6]]);
    assert.deepEqual(r.items.find((it) => it.name === 'Z' && it.kind === 'name')?.tensor?.shape, [1, 3, 6, 6]);
  });
});
