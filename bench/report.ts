// The report: the table every run prints (one row per measurement, ours, baseline, ratio, target, PASS/MISS),
// a few details under it, and bench/results.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, RESULTS_FILE, type Measured, type Row, type Side } from './util.ts';

function formatValue(s: Side | null): string {
  if (!s) return '';
  if (s.unit === 'ms' && s.median >= 1000) return `${(s.median / 1000).toFixed(2)} s`;
  if (s.unit === 'ms' && s.median >= 10) return `${s.median.toFixed(1)} ms`;
  if (s.unit === 'ms') return `${s.median.toFixed(3)} ms`;
  if (s.unit === 'x') return `${s.median.toFixed(2)}x`;
  return `${s.median.toFixed(0)} ${s.unit}`;
}

export function tableLines(rows: Row[]): string[] {
  const header = ['shape', 'measurement', 'ours', 'baseline', 'ratio', 'target', 'result'];
  const lines = rows.map((r) => [
    r.shape,
    r.title,
    formatValue(r.ours),
    formatValue(r.baseline),
    r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`,
    r.target ? `${r.target.op} ${r.target.kind === 'absolute' ? `${r.target.value}${r.ours.unit === 'x' ? 'x' : ` ${r.ours.unit}`}` : `${r.target.value.toFixed(2)}x`}` : '(info)',
    r.pass === null ? '' : r.pass ? 'PASS' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)];
}

/** The same table as Markdown, for bench/README.md. */
export function markdownTable(rows: Row[]): string {
  const lines = rows.map((r) => {
    const cells = [
      r.shape, r.title, formatValue(r.ours), formatValue(r.baseline), r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`,
      r.target ? `${r.target.op} ${r.target.kind === 'absolute' ? `${r.target.value}${r.ours.unit === 'x' ? 'x' : ` ${r.ours.unit}`}` : `${r.target.value.toFixed(2)}x`}` : '',
      r.pass === null ? '' : r.pass ? 'PASS' : '**MISS**',
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return ['| shape | measurement | ours | baseline | ratio | target | result |', '| --- | --- | --- | --- | --- | --- | --- |', ...lines].join('\n');
}

export function printReport(m: Measured): void {
  console.log(`\n${tableLines(m.rows).join('\n')}`);
  for (const r of m.rows.filter((x) => x.note)) console.log(`  ${r.key}: ${r.note}`);
  const rls = m.details.rls as { timelinePlan: { text: string }; serviceTimelinePlan: { text: string } } | undefined;
  if (rls) {
    console.log(`\n(4b) a typical mentor's timeline under RLS, EXPLAIN (ANALYZE, BUFFERS):\n${rls.timelinePlan.text}`);
    console.log(`\n(4b) the service role's explicit filter:\n${rls.serviceTimelinePlan.text}`);
  }
  console.log(`\nMarkdown (bench/README.md):\n${markdownTable(m.rows)}`);
}

export function writeResults(report: Record<string, unknown>): string {
  mkdirSync(BENCH_DIR, { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  return path.relative(process.cwd(), RESULTS_FILE);
}
