// (P3) public.status_history_digest() on a history of a given size: each call in its own transaction, at READ
// COMMITTED, as the owner (a caller it is granted to), repeated; it appends to status_history_digests each time.
import type pg from 'pg';
import { absolute, log, median, q, side, timed, type Row } from './util.ts';

const DIGEST_SQL = 'select public.status_history_digest() as digest';

export interface DigestTimes {
  /** The first call at this size (the history grew since the previous digest). */
  firstMs: number;
  /** The following calls (nothing changed in between). */
  againMs: number[];
  /** The newest digest taken. */
  digest: Record<string, unknown>;
}

export async function measureDigest(c: pg.ClientBase, repeats: number, rows: number): Promise<DigestTimes> {
  let digest: Record<string, unknown> = {};
  const take = async () => {
    digest = (await q<{ digest: Record<string, unknown> }>(c, DIGEST_SQL)).rows[0]!.digest;
  };
  const firstMs = await timed(take);
  const againMs: number[] = [];
  for (let i = 0; i < repeats; i++) againMs.push(await timed(take));
  if (Number(digest.rows) !== rows) throw new Error(`status_history_digest() says ${String(digest.rows)} rows; the history holds ${rows}`);
  log(`  (P3) digest at ${rows.toLocaleString('en')} rows: first ${firstMs.toFixed(0)} ms, again ${againMs.map((x) => x.toFixed(0)).join(', ')} ms`);
  return { firstMs, againMs, digest };
}

/**
 * The report row: the first digest at the full size, which covers every mentor's new chain head since the digest
 * before it (the growth flips every mentor: the most a digest has to store for this many mentors), against the
 * calls right after it (nothing new: the fixed cost). Per-size figures in the note.
 */
export function digestRow(at: Map<number, DigestTimes>): Row {
  const sizes = [...at.keys()].sort((a, b) => a - b);
  const full = at.get(sizes.at(-1)!)!;
  const note = sizes.map((s) => `${s.toLocaleString('en')} rows: first ${at.get(s)!.firstMs.toFixed(0)} ms, then median ${median(at.get(s)!.againMs).toFixed(0)} ms`).join('; ');
  return absolute('no coordinators', 'status_history_digest', `(P3) status_history_digest() at ${sizes.at(-1)!.toLocaleString('en')} history rows, every mentor's head new`,
    side('first digest after the growth', 'ms', [full.firstMs]), { op: '<=', value: 2000 }, note,
    side('again, nothing new', 'ms', full.againMs));
}
