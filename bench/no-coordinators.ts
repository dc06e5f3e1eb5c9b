// The "no coordinators" shape (issue 19's rows (P1)-(P4)): one organisation without a coordinator, mentors
// inserted through the triggers (bench/seed-no-coordinators.sql), then the history grown through the triggers
// too, in bulk flips of at most 50,000 mentors, to BENCH_PROOF_HISTORY rows: every row carries the proof the
// database wrote. At each size of BENCH_PROOF_STEPS and at the full size the caller measures (digest, verify).
// Finally every mentor is made active again and the state recorded for reset.sql (snapshot, high-water marks).
import type pg from 'pg';
import type { Config } from './config.ts';
import type { BenchDatabase } from './setup.ts';
import { checkpoint } from './setup.ts';
import { inTransaction, log, q, round, sqlFile, timed, withClient } from './util.ts';

const CHUNK = 50_000;

export async function historyRows(c: pg.ClientBase): Promise<number> {
  return Number((await q<{ n: string }>(c, 'select count(*) as n from public.peer_mentor_status_history')).rows[0]!.n);
}

/** Refuses to measure "proof included" on a database without the proof. */
async function requireProof(c: pg.ClientBase): Promise<void> {
  const { rows } = await q<{ ok: boolean }>(c, `select to_regprocedure('public.status_history_digest()') is not null
                                                    and to_regprocedure('public.verify_status_history(jsonb)') is not null as ok`);
  if (!rows[0]!.ok) throw new Error('the "no coordinators" rows measure the history\'s proof, but this database has no public.status_history_digest() / public.verify_status_history(jsonb) (the tamper-evidence migrations)');
}

export async function seedNoCoordinators(db: BenchDatabase, cfg: Config): Promise<Record<string, unknown>> {
  return withClient(db.url, async (c) => {
    await requireProof(c);
    const seconds = (await timed(() => inTransaction(c, async () => {
      await q(c, `select set_config('bench.mentors', $1, true), set_config('bench.chapters', $2, true)`,
        [String(cfg.BENCH_PROOF_MENTORS), String(cfg.BENCH_CHAPTERS)]);
      await q(c, sqlFile('seed-no-coordinators.sql'));
    }))) / 1000;
    await q(c, 'vacuum analyze');
    const { rows } = await q(c, `select (select count(*) from private.responsibilities)::int as responsibility_pairs,
                                        (select count(*) from public.peer_mentors)::int as peer_mentors`);
    if (rows[0]!.responsibility_pairs !== 0) throw new Error(`the "no coordinators" seed has ${rows[0]!.responsibility_pairs} responsibility pairs`);
    return { seconds: round(seconds, 1), ...rows[0], history_rows: await historyRows(c) };
  });
}

/**
 * Grows the history through the triggers, flipping mentors in chunks, and calls `at(rows)` at each of `sizes`
 * (ascending, each at most `to`). Returns the seconds spent writing.
 */
export async function growHistory(url: string, cfg: Config, sizes: number[], at: (rows: number) => Promise<void>): Promise<number> {
  const mentors = cfg.BENCH_PROOF_MENTORS;
  let writing = 0;
  await withClient(url, async (c) => {
    let rows = await historyRows(c);
    let next = 0; // the first mentor of the next chunk, 0-based
    for (const size of sizes) {
      while (rows < size) {
        const n = Math.min(CHUNK, size - rows, mentors);
        // Mentors next+1 .. next+n, wrapping around: one history row each.
        writing += await timed(() => q(c, `
          update public.peer_mentors
             set status = case status when 'active' then 'paused'::public.mentor_status else 'active'::public.mentor_status end,
                 status_reason = case status when 'active' then 'bench' end
           where id in (select bench.uuid_of('mentor', (($1::bigint + g) % $2::bigint) + 1) from generate_series(0, $3::bigint - 1) g)`,
          [next, mentors, n]));
        next = (next + n) % mentors;
        rows += n;
      }
      if ((await historyRows(c)) !== size) throw new Error(`the history should hold ${size} rows`);
      await q(c, 'vacuum analyze public.peer_mentors, public.peer_mentor_status_history');
      await checkpoint(c);
      log(`  history at ${size.toLocaleString('en')} rows`);
      await at(size);
    }
  });
  return writing / 1000;
}

/** Every mentor active again (through the triggers), then the state reset.sql restores: snapshot and marks. */
export async function finishNoCoordinators(url: string): Promise<void> {
  await withClient(url, async (c) => {
    await q(c, `update public.peer_mentors set status = 'active', status_reason = null where status <> 'active'`);
    await q(c, `insert into bench.mentor_snapshot (id, status, status_reason, status_changed_at)
                select id, status, status_reason, status_changed_at from public.peer_mentors`);
    await q(c, `insert into bench.marks (name, value)
                values ('history_id', (select coalesce(max(id), 0) from public.peer_mentor_status_history)),
                       ('notification_id', (select coalesce(max(id), 0) from public.coordinator_notifications))`);
    await q(c, 'vacuum analyze');
    await checkpoint(c);
  });
}
