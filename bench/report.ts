/**
 * One measured cell of a benchmark, and the printing of rows as Markdown tables or JSON.
 * Every bench/*.bench.ts module returns `Row[]` from `run()`; bench/index.ts prints them by suite.
 */

export interface Row {
  /** The table a row belongs to: 'conv' for W1–W8, or another module's own name (e.g. 'parse'). */
  suite: string;
  /** Workload id, e.g. 'W2'. */
  workload: string;
  /** Who ran it, e.g. 'conv-lens t1' or 'onnxruntime-web t2'. */
  engine: string;
  /** Median milliseconds per call (wall clock). */
  ms: number;
  /** Median CPU milliseconds per call, for single-threaded engines on a busy machine. */
  cpuMs?: number;
  /** Median minor page faults per call. */
  faults?: number;
  /** Throughput in `unit`, when meaningful. */
  rate?: number;
  /** 'GFLOP/s', 'GB/s', 'MB/s', … */
  unit?: string;
  /** Anything else worth a footnote (e.g. peak memory). */
  note?: string;
}

/** `ms / rate` as the notes print it; under 10 µs (or under 1 ms without a rate, as W1) in µs. */
export function formatCell(row: Row | undefined, ms = row?.ms): string {
  if (!row || ms === undefined) return '—';
  if (row.rate === undefined) return ms < 1 ? `${(ms * 1000).toFixed(2)} µs` : ms.toFixed(2);
  const time = ms < 0.01 ? `${(ms * 1000).toFixed(2)} µs` : ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
  return `${time} / ${((row.rate * row.ms) / ms).toFixed(1)}`;
}

/**
 * A Markdown table: one line per workload, one column per engine (in first-seen order), cells
 * from `time` (the wall clock unless told otherwise).
 */
export function table(
  rows: readonly Row[],
  extra: (workload: string) => Record<string, string> = () => ({}),
  time: (row: Row) => number | undefined = (row) => row.ms,
): string {
  const engines = [...new Set(rows.map((r) => r.engine))];
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const extraHeads = workloads.length ? Object.keys(extra(workloads[0])) : [];
  const head = ['workload', ...engines, ...extraHeads];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const w of workloads) {
    const cells = engines.map((e) => {
      const row = rows.find((r) => r.workload === w && r.engine === e);
      return formatCell(row, row && time(row));
    });
    lines.push(`| ${[w, ...cells, ...Object.values(extra(w))].join(' | ')} |`);
  }
  return lines.join('\n');
}
