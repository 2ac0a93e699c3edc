// The benchmarks' one table format: a header, a rule, one line per row; the first `left` columns are labels
// (left-aligned), the rest figures (right-aligned).
export function table(headers: readonly string[], rows: readonly (readonly string[])[], left = 2): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
