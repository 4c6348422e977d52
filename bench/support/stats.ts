/** Median of `values` (NaN when empty). */
export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile `p` (0–100) of `values` (NaN when empty). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export function mean(values: number[]): number {
  return values.length === 0 ? NaN : sum(values) / values.length;
}

/** `value` with `digits` decimals ('–' for NaN). */
export function fmt(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** A Markdown table, ready to paste. */
export function markdownTable(headers: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Pass/fail mark of a target. */
export function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}
