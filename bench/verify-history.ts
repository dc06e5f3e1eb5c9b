// (P4) public.verify_status_history(digest) on a history of a given size, against the newest digest: repeated;
// the history must verify clean (a bench database whose own history is reported is broken, not slow).
import type pg from 'pg';
import { absolute, log, median, q, side, timed, type Row } from './util.ts';

const VERIFY_SQL = 'select count(*)::int as problems, min(problem) as first from public.verify_status_history($1::jsonb)';

export async function measureVerify(c: pg.ClientBase, digest: Record<string, unknown>, repeats: number, rows: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    let result: { problems: number; first: string | null } = { problems: 0, first: null };
    samples.push(await timed(async () => {
      result = (await q<{ problems: number; first: string | null }>(c, VERIFY_SQL, [JSON.stringify(digest)])).rows[0]!;
    }));
    if (result.problems !== 0) throw new Error(`verify_status_history reported ${result.problems} problem(s) on the benchmark's own history, e.g. ${result.first}`);
  }
  log(`  (P4) verify at ${rows.toLocaleString('en')} rows: ${samples.map((x) => (x / 1000).toFixed(2)).join(', ')} s`);
  return samples;
}

/**
 * The report row: the time at the full size against the time at the smallest size scaled linearly to it (a ratio
 * near 1.00 is linear in rows; above, worse than linear), and the target of 30 s.
 */
export function verifyRow(at: Map<number, number[]>): Row {
  const sizes = [...at.keys()].sort((a, b) => a - b);
  const full = sizes.at(-1)!;
  const small = sizes[0]!;
  const perRow = sizes.map((s) => `${s.toLocaleString('en')} rows: ${(median(at.get(s)!) / 1000).toFixed(2)} s (${((median(at.get(s)!) * 1000) / s).toFixed(1)} µs/row)`).join('; ');
  return absolute('no coordinators', 'verify_status_history', `(P4) verify_status_history(digest) at ${full.toLocaleString('en')} history rows`,
    side(`${full.toLocaleString('en')} rows`, 'ms', at.get(full)!), { op: '<=', value: 30_000 }, perRow,
    small === full ? undefined : side(`${small.toLocaleString('en')} rows x ${(full / small).toFixed(1)} (linear)`, 'ms', at.get(small)!.map((x) => (x * full) / small)));
}
