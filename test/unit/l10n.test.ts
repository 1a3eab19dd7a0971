import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { convInfo, receptiveField, tensor, toNested } from '../../src/engine';
import { runJob, type ComputeJob } from '../../src/compute/job';
import { DEFAULT_PARAMS, parseParams } from '../../src/compute/params';

/**
 * One translation bundle (l10n/bundle.l10n.zh-cn.json) serves the extension (`vscode.l10n.t`), the
 * compute worker and both webview pages (`@vscode/l10n`'s `t`, given the bundle). This checks that
 * every string they translate has Simplified Chinese with the same placeholders, and that the bundle
 * holds nothing no code asks for.
 */
function sources(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files.push(...sources(p));
    else if (name.endsWith('.ts')) files.push(p);
  }
  return files;
}

const quoted = String.raw`(['"])((?:(?!\1)[^\\]|\\.)*)\1`;
const unescape = (s: string) => s.replace(/\\(['"\\])/g, '$1');

/** Every string passed to t(…) or l10n.t(…), and the playground's preset labels, by file. */
function keys(): Map<string, string> {
  const found = new Map<string, string>();
  const files = [...sources('webview'), ...sources('src/engine'), ...sources('src/compute'), ...sources('src/features'), 'src/extension.ts'];
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(new RegExp(String.raw`\bt\(\s*` + quoted, 'g'))) found.set(unescape(m[2]), f);
    if (f.endsWith('presets.ts')) for (const m of src.matchAll(new RegExp(String.raw`label: ` + quoted, 'g'))) found.set(unescape(m[2]), f);
  }
  return found;
}

const placeholders = (s: string) => [...s.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort().join(',');

describe('l10n: Simplified Chinese', () => {
  const all = keys();
  const bundle = JSON.parse(readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8')) as Record<string, string>;

  it('finds the strings (sanity: the playground alone has more than 150)', () => {
    assert.ok(all.size > 300, `only ${all.size} strings found`);
    for (const dir of ['webview/playground', 'webview/result', 'src/engine', 'src/compute', 'src/features']) {
      assert.ok([...all.values()].some((f) => f.startsWith(dir)), `no strings found under ${dir}`);
    }
  });

  it('every string has a translation with the same placeholders', () => {
    const missing = [...all].filter(([k]) => !(k in bundle)).map(([k, f]) => `${f}: ${k}`);
    assert.deepEqual(missing, []);
    const mismatched = [...all.keys()].filter((k) => placeholders(k) !== placeholders(bundle[k]));
    assert.deepEqual(mismatched, []);
  });

  it('the bundle holds only strings the code uses', () => {
    assert.deepEqual(Object.keys(bundle).filter((k) => !all.has(k)), []);
  });

  it('every manifest string has Chinese', () => {
    const en = JSON.parse(readFileSync('package.nls.json', 'utf8')) as Record<string, string>;
    const zh = JSON.parse(readFileSync('package.nls.zh-cn.json', 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(en).filter((k) => !zh[k]), []);
  });
});

describe('l10n: the compute readings follow the bundle it is given', () => {
  afterEach(() => l10n.config({ contents: {} })); // back to English for the other tests

  const X = tensor([2, 3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const K = tensor([2, 2, 2], [0, 1, 2, 3, 1, 2, 3, 4]);
  const job = (): ComputeJob => ({
    input: { name: 'X', tensor: X },
    kernel: { name: 'K', tensor: K },
    bias: null,
    params: DEFAULT_PARAMS,
    paramsText: '',
    cpuFlopsPerSecond: 0.15e12,
    gpuFlopsPerSecond: 12e12,
  });

  it('English without a bundle, Simplified Chinese with the zh-cn one', () => {
    assert.equal(runJob(job()).readings[0], 'X: shape [2, 3, 3] read as C×H×W (2 channels of 3×3)');
    l10n.config({ contents: readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8') });
    const v = runJob(job());
    assert.equal(v.readings[0], 'X：形状 [2, 3, 3]，按 C×H×W 理解（2 个通道，每个 3×3）');
    assert.equal(v.readings[1], 'K：形状 [2, 2, 2]，按 C_in×kH×kW 理解（一个输出通道：2 个输入通道各有一个 2×2 卷积核）');
    assert.deepEqual(toNested({ shape: v.output.shape, dtype: 'float64', data: Float64Array.from(v.output.data) }), [[56, 72], [104, 120]]); // the numbers do not change
  });

  it('the engine\'s errors, as the spec words them in English and translated with the bundle', () => {
    const tooLarge = () => convInfo([1, 1, 6, 6], [1, 1, 5, 5], { dilation: 2 });
    assert.throws(tooLarge, { message: 'conv2d: the dilated kernel 9×9 is larger than the padded input 6×6' });
    assert.throws(() => convInfo([1, 1, 6, 6], [1, 1, 3, 3], { padding: 'same', stride: 2 }), { message: "conv2d: padding='same' needs stride 1 (got stride 2)" });
    l10n.config({ contents: readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8') });
    assert.throws(tooLarge, { message: 'conv2d: 膨胀后的卷积核 9×9 大于填充后的输入 6×6' });
    // The explain and receptive-field checks the webviews can meet (a cell outside the output).
    const info = convInfo([1, 2, 3, 3], [1, 2, 2, 2]);
    assert.throws(() => receptiveField(info, 2, 0), { message: 'receptiveField: 输出位置 (2, 0) 超出了 2×2 的输出' });
  });

  it('the errors a user reads: a bad parameter line, a channel mismatch', () => {
    l10n.config({ contents: readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8') });
    const p = parseParams('stride=0');
    assert.ok(!p.ok && p.error.message === 'stride 不能小于 1', JSON.stringify(p));
    const K3 = tensor([3, 2, 2], new Array(12).fill(1));
    assert.throws(() => runJob({ ...job(), kernel: { name: 'K', tensor: K3 } }), {
      message: '输入有 2 个通道（按 C×H×W 理解，形状 [2, 3, 3]），但卷积核有 3 个（按 C_in×kH×kW 理解，形状 [3, 2, 2]）',
    });
  });
});
