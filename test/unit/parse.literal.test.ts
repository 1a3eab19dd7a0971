import * as assert from 'node:assert/strict';
import { parseNested, createScanner, TokenKind, ParseErrorCode, LineMap, type NestedLiteral } from '../../src/parse';

function ok(text: string, start = 0, limits = {}): NestedLiteral {
  const r = parseNested(text, start, limits);
  if (!r.ok) assert.fail(`expected a literal, got: ${r.error.message}`);
  return r.value;
}

function err(text: string, start = 0, limits = {}) {
  const r = parseNested(text, start, limits);
  if (r.ok) assert.fail(`expected an error, got shape [${r.value.shape.join(', ')}]`);
  return r.error;
}

describe('parse/scanner', () => {
  function kinds(text: string): [TokenKind, string][] {
    const s = createScanner(text);
    const out: [TokenKind, string][] = [];
    while (s.scan() !== TokenKind.EOF) out.push([s.tokenKind, s.tokenText()]);
    return out;
  }
  it('numbers, names, strings, comments and two-character operators', () => {
    assert.deepEqual(kinds("x = 1.5e-3 ** y  # note\n'a' r\"b\" ..."), [
      [TokenKind.Name, 'x'], [TokenKind.Punct, '='], [TokenKind.Number, '1.5e-3'], [TokenKind.Punct, '**'], [TokenKind.Name, 'y'],
      [TokenKind.Comment, '# note'], [TokenKind.String, "'a'"], [TokenKind.String, 'r"b"'], [TokenKind.Punct, '...'],
    ]);
  });
  it('an unterminated string stops at the end of its line', () => {
    const s = createScanner("don't stop\nX = 1");
    assert.equal(s.scan(), TokenKind.Name); // don
    assert.equal(s.scan(), TokenKind.String);
    assert.equal(s.unterminated, true);
    assert.equal(s.tokenText(), "'t stop");
    assert.equal(s.scan(), TokenKind.Name);
    assert.equal(s.firstOnLine, true);
  });
  it('triple-quoted strings span lines; Unicode letters are name characters', () => {
    assert.deepEqual(kinds('"""a\nb""" 通道1'), [[TokenKind.String, '"""a\nb"""'], [TokenKind.Name, '通道1']]);
  });
});

describe('parse/literal: Python literals', () => {
  it('[[1, 2, 3], [4, 5, 6]] is int, shape [2, 3], with each element offset', () => {
    const text = '[[1, 2, 3], [4, 5, 6]]';
    const lit = ok(text);
    assert.deepEqual(lit.shape, [2, 3]);
    assert.deepEqual(Array.from(lit.values), [1, 2, 3, 4, 5, 6]);
    assert.equal(lit.elementKind, 'int');
    assert.deepEqual(Array.from(lit.offsets).map((o) => text[o]), ['1', '2', '3', '4', '5', '6']);
    assert.equal(lit.end, text.length);
  });
  it('floats, 1e-3, -inf, nan, True/False, signs', () => {
    const lit = ok('[1.5, 1e-3, -inf, nan, True, False, +2, -0.25, .5, 3.]');
    assert.equal(lit.elementKind, 'float');
    const v = Array.from(lit.values);
    assert.deepEqual(v.slice(0, 3), [1.5, 0.001, -Infinity]);
    assert.ok(Number.isNaN(v[3]));
    assert.deepEqual(v.slice(4), [1, 0, 2, -0.25, 0.5, 3]);
  });
  it('math.inf, np.nan and float("inf") are numbers', () => {
    const v = Array.from(ok("[math.inf, np.nan, float('-inf'), float(\"2.5\")]").values);
    assert.equal(v[0], Infinity);
    assert.ok(Number.isNaN(v[1]));
    assert.deepEqual(v.slice(2), [-Infinity, 2.5]);
  });
  it('only True/False is bool; True with ints is int', () => {
    assert.equal(ok('[True, False]').elementKind, 'bool');
    assert.equal(ok('[True, 2]').elementKind, 'int');
  });
  it('across lines, with comments and trailing commas', () => {
    const lit = ok('[\n  [1, 2,],  # first row\n  # a comment line\n  [3, 4,],\n]');
    assert.deepEqual(lit.shape, [2, 2]);
  });
  it('tuples and mixed tuples/lists; (1,) is one element; (2) is a number', () => {
    assert.deepEqual(ok('((1, 2), [3, 4])').shape, [2, 2]);
    assert.deepEqual(ok('(1,)').shape, [1]);
    assert.deepEqual(ok('[(2), (3)]').shape, [2]);
    assert.deepEqual(ok('(7)').shape, []);
  });
  it('a scalar has shape []; [] is [0]; [[], []] is [2, 0]', () => {
    assert.deepEqual(ok('3.5').shape, []);
    assert.deepEqual(ok('[]').shape, [0]);
    assert.deepEqual(ok('[[], []]').shape, [2, 0]);
  });
  it('1_000 digit separators', () => {
    assert.equal(ok('[1_000]').values[0], 1000);
  });
  it('starts at the given offset and stops after the literal', () => {
    const text = 'X = [[1, 2]], rest';
    const lit = ok(text, 4);
    assert.equal(lit.start, 4);
    assert.equal(text.slice(lit.start, lit.end), '[[1, 2]]');
  });
});

describe('parse/literal: NumPy printed form', () => {
  it('[[1 2 3]\\n [4 5 6]] (spaces, no commas)', () => {
    const lit = ok('[[1 2 3]\n [4 5 6]]');
    assert.deepEqual(lit.shape, [2, 3]);
    assert.equal(lit.spaceSeparated, true);
  });
  it('[[ 56.  72.]\\n [104. 120.]] and negative numbers that touch their sign', () => {
    assert.deepEqual(Array.from(ok('[[ 56.  72.]\n [104. 120.]]').values), [56, 72, 104, 120]);
    assert.deepEqual(Array.from(ok('[[-2. -1. -2.]\n [-1.  0. -2.]]').values), [-2, -1, -2, -1, 0, -2]);
  });
  it('a sign apart from its number in a space-separated list is an error', () => {
    assert.equal(err('[1 - 1]').code, ParseErrorCode.Unexpected);
  });
});

describe('parse/literal: errors point at the offending character', () => {
  it('ragged at [1][0]: expected 3 elements, found 2 (line 4, column 9)', () => {
    const text = 'x = torch.tensor([\n        [[1, 2, 3],\n         [4, 5, 6]],\n       [[7, 8],\n         [9, 10, 11]]])';
    const e = err(text, text.indexOf('(') + 1);
    assert.equal(e.code, ParseErrorCode.Ragged);
    assert.equal(e.message, 'ragged at [1][0]: expected 3 elements, found 2 (line 4, column 9)');
    assert.equal(text.slice(e.offset, e.offset + e.length), '[7, 8]');
  });
  it('ragged in the outer dimension names the outer index', () => {
    const e = err('[[[1], [2]], [[3]]]');
    assert.equal(e.reason, 'ragged at [1]: expected 2 elements, found 1');
    assert.equal(e.column, 14);
  });
  it('a number where a list belongs, and a list where a number belongs', () => {
    assert.match(err('[[1, 2], 3]').message, /^ragged at \[1\]: expected a list, found a number \(line 1, column 10\)$/);
    assert.match(err('[1, [2, 3]]').message, /^ragged at \[1\]: expected a number, found a list \(line 1, column 5\)$/);
  });
  it('unterminated list', () => {
    const e = err('[[1, 2], [3, 4]');
    assert.equal(e.code, ParseErrorCode.UnterminatedList);
    assert.equal(e.column, 1);
  });
  it('mismatched bracket', () => {
    const e = err('[1, 2)');
    assert.equal(e.code, ParseErrorCode.Unexpected);
    assert.match(e.message, /expected '\]' but found '\)' \(line 1, column 6\)/);
  });
  it('a name inside is not a literal (line and column of the name)', () => {
    const e = err('[1, x]');
    assert.equal(e.code, ParseErrorCode.Unexpected);
    assert.equal(e.column, 5);
  });
  it('commas and spaces mixed in one list', () => {
    assert.equal(err('[1 2, 3]').code, ParseErrorCode.MixedSeparators);
  });
  it('double comma and leading comma', () => {
    assert.equal(err('[1,, 2]').column, 4);
    assert.equal(err('[, 1]').column, 2);
  });
  it('complex numbers are rejected by name', () => {
    const e = err('[1j, 2]');
    assert.equal(e.code, ParseErrorCode.BadNumber);
    assert.match(e.message, /not a number: 1j/);
  });
  it('a printed tensor shortened with ... is reported as such', () => {
    assert.equal(err('[1, 2, ..., 9]').code, ParseErrorCode.Elided);
  });
  it('element cap (configurable) and depth limit', () => {
    const e = err('[1, 2, 3, 4]', 0, { maxElements: 3 });
    assert.equal(e.code, ParseErrorCode.TooManyElements);
    assert.equal(e.column, 11);
    assert.match(e.message, /more than 3/);
    assert.equal(err('['.repeat(70) + ']'.repeat(70)).code, ParseErrorCode.TooDeep);
    assert.deepEqual(ok('['.repeat(5) + '1' + ']'.repeat(5), 0, { maxDepth: 5 }).shape, [1, 1, 1, 1, 1]);
    assert.equal(err('['.repeat(6) + '1' + ']'.repeat(6), 0, { maxDepth: 5 }).code, ParseErrorCode.TooDeep);
  });
  it('columns count UTF-16 units after CRLF line ends', () => {
    const e = err('[\r\n[1, 2],\r\n[3]]');
    assert.equal(e.line, 3);
    assert.equal(e.column, 1);
  });
});

describe('parse/errors: LineMap', () => {
  it('maps offsets to 1-based lines and columns and back', () => {
    const m = new LineMap('ab\ncd\r\nef');
    assert.deepEqual(m.position(0), { line: 1, column: 1 });
    assert.deepEqual(m.position(4), { line: 2, column: 2 });
    assert.deepEqual(m.position(7), { line: 3, column: 1 });
    assert.equal(m.offset(3, 2), 8);
    assert.equal(m.lineCount, 3);
  });
});
