/**
 * Parser and scanner speed (issue 4): scanning a 10,000-line Python file (target ≤ 20 ms), a hover
 * lookup after that scan (≤ 5 ms at the 95th percentile), parsing a 1 MB literal (≤ 50 ms), and,
 * for the "never freezes" promise, a 10 MB literal.
 */
import { parseNested, scanDocument, itemAt } from '../src/parse';
import { medianMs } from './timing';
import type { Row } from './report';

/** A Python file of `lines` lines in the style of the seeds: imports, comments, literals, layers, calls, prose in docstrings. */
export function pythonFile(lines: number): string {
  const block = [
    '# Multiple input channels: X is C×H×W, K is C×kH×kW',
    'import torch',
    'from torch import nn',
    'import torch.nn.functional as F',
    'X = torch.tensor([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],',
    '                  [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])',
    'K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])',
    'def corr2d_multi_in(X, K):',
    '    """Sum over the input channels of the 2-D cross-correlations."""',
    '    return sum(d2l.corr2d(x, k) for x, k in zip(X, K))',
    'Y = corr2d_multi_in(X, K)',
    'K = torch.stack((K, K + 1, K + 2), 0)',
    'conv = nn.Conv2d(2, 3, kernel_size=(2, 2), padding=1, stride=2)',
    'img = torch.ones(1, 2, 32, 32)',
    'out = conv(img)',
    'Z = F.conv2d(img, torch.randn(4, 2, 3, 3), stride=1, padding="same")',
    'print(out.shape, Z.shape)  # torch.Size([1, 3, 17, 17])',
    'for step in range(20):',
    '    loss = ((out - 1) ** 2).sum()',
    '',
  ];
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) out.push(block[i % block.length]);
  return out.join('\n') + '\n';
}

/** A literal of about `bytes` characters: rows of 16 floats. */
export function bigLiteral(bytes: number): string {
  const row = '[' + Array.from({ length: 16 }, (_, i) => (i * 0.37 - 2).toFixed(4)).join(', ') + ']';
  const rows = Math.max(1, Math.floor(bytes / (row.length + 2)));
  return 'torch.tensor([' + Array.from({ length: rows }, () => row).join(',\n ') + '])';
}

function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Process CPU milliseconds per call over `n` calls (less sensitive than wall time to other load on the machine; includes GC threads). */
function cpuMs(call: () => unknown, n: number): number {
  call();
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) call();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / n;
}

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const file = pythonFile(10_000);
  const scanMs = await medianMs(() => scanDocument(file), { minSamples: 10, minMs: 500 });
  const scanCpu = cpuMs(() => scanDocument(file), 10);
  rows.push({ suite: 'parse', workload: 'scan 10,000-line Python', engine: 'conv-lens', ms: scanMs, rate: file.length / 1e6 / (scanMs / 1000), unit: 'MB/s', note: `target ≤ 20 ms; CPU ${scanCpu.toFixed(1)} ms` });

  // Hover after the scan: the item lookup at 1,000 positions spread over the file.
  const result = scanDocument(file);
  const times: number[] = [];
  for (let k = 0; k < 1000; k++) {
    const offset = Math.floor((k / 1000) * file.length);
    const t0 = performance.now();
    itemAt(result.items, offset);
    times.push(performance.now() - t0);
  }
  rows.push({ suite: 'parse', workload: 'hover lookup after scan (p95)', engine: 'conv-lens', ms: percentile(times, 95), note: `target ≤ 5 ms; ${result.items.length} items` });

  const oneMB = bigLiteral(1_000_000);
  const start = oneMB.indexOf('[');
  const literalMs = await medianMs(() => parseNested(oneMB, start), { minSamples: 10, minMs: 500 });
  const literalCpu = cpuMs(() => parseNested(oneMB, start), 10);
  rows.push({ suite: 'parse', workload: 'parse 1 MB literal', engine: 'conv-lens', ms: literalMs, rate: oneMB.length / 1e6 / (literalMs / 1000), unit: 'MB/s', note: `target ≤ 50 ms; CPU ${literalCpu.toFixed(1)} ms` });

  const tenMB = bigLiteral(10_000_000);
  const t0 = performance.now();
  scanDocument(tenMB);
  const tenMs = performance.now() - t0;
  rows.push({ suite: 'parse', workload: 'scan 10 MB document (one literal)', engine: 'conv-lens', ms: tenMs, rate: tenMB.length / 1e6 / (tenMs / 1000), unit: 'MB/s', note: 'single run' });
  for (const r of rows) console.log(`  ${r.workload.padEnd(36)} ${r.ms.toFixed(3)} ms${r.note ? `  (${r.note})` : ''}`);
  return rows;
}
