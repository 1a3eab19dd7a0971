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
  /** Median milliseconds per call. */
  ms: number;
  /** Throughput in `unit`, when meaningful. */
  rate?: number;
  /** 'GFLOP/s', 'GB/s', 'MB/s', … */
  unit?: string;
  /** Anything else worth a footnote (e.g. peak memory). */
  note?: string;
}

/** `ms / rate` as the notes print it: µs for sub-10 µs calls, ms otherwise. */
export function formatCell(row: Row | undefined): string {
  if (!row) return '—';
  const time = row.ms < 0.01 ? `${(row.ms * 1000).toFixed(2)} µs` : row.ms < 10 ? row.ms.toFixed(2) : row.ms.toFixed(1);
  return row.rate !== undefined && row.ms >= 0.01 ? `${time} / ${row.rate.toFixed(1)}` : time;
}

/** A Markdown table: one line per workload, one column per engine (in first-seen order). */
export function table(rows: readonly Row[], extra: (workload: string) => Record<string, string> = () => ({})): string {
  const engines = [...new Set(rows.map((r) => r.engine))];
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const extraHeads = workloads.length ? Object.keys(extra(workloads[0])) : [];
  const head = ['workload', ...engines, ...extraHeads];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const w of workloads) {
    const cells = engines.map((e) => formatCell(rows.find((r) => r.workload === w && r.engine === e)));
    lines.push(`| ${[w, ...cells, ...Object.values(extra(w))].join(' | ')} |`);
  }
  return lines.join('\n');
}
