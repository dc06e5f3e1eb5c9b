// The history of mentors that existed before the trigger: 20261126100250 starts a chain for each of them with
// no lock that blocks writers, and 20261126100300 fills the gap in two passes (before its triggers' lock, and
// under it). These tests prove, on a database migrated step by step with psql as a deploy would:
//   * 20261126100250 gives every existing mentor one first row (previous_status null, its current status);
//   * mentors added, and status changes made, between the two migrations get their chain (first pass);
//   * a mentor added and a status change made by a transaction that commits while 20261126100300 waits for
//     its lock get theirs too (second pass);
//   * re-applying after a rollback duplicates nothing, and every chain is unbroken and ends at the current
//     (status, status_reason).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { z } from 'zod';
import { COMPAT_SQL, psqlFile, ROOT } from '../scripts/lib/database.ts';
import { run } from '../scripts/lib/run.ts';
import { pgBin } from '../scripts/lib/system.ts';
import { ADMIN_DATABASE_URL, NO_SCRATCH_DATABASE, urlForDatabase } from './support/database.ts';

const ADMIN_URL = z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres URL (run through `npm test`)')
  .parse(process.env.DATABASE_URL);
const MIGRATIONS = path.join(ROOT, 'supabase', 'migrations');
const ROLLBACKS = path.join(ROOT, 'supabase', 'rollbacks');
const BACKFILL = '20261126100250';
const TRIGGER = '20261126100300';

function migrationFile(version: string): string {
  const file = readdirSync(MIGRATIONS).find((f) => f.startsWith(`${version}_`));
  assert.ok(file, `migration ${version} exists`);
  return path.join(MIGRATIONS, file);
}
const rollbackFile = (version: string) => path.join(ROLLBACKS, path.basename(migrationFile(version)).replace(/\.sql$/, '_down.sql'));
const migrationsBefore = (version: string) =>
  readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql') && f.slice(0, 14) < version).sort().map((f) => path.join(MIGRATIONS, f));

/** One migration file the way the Supabase CLI applies it: one transaction. */
function applyInOneTransaction(url: string, file: string) {
  return run(pgBin('psql'), ['--no-psqlrc', '-q', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], {
    env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' },
  });
}

const mentorId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

interface Chain {
  mentor: number;
  status: string;
  reason: string | null;
  rows: Array<{ previous: string | null; next: string; reason: string | null }>;
}

async function chains(client: pg.Client): Promise<Chain[]> {
  const { rows } = await client.query<{ mentor: number; status: string; reason: string | null; rows: Chain['rows'] }>(`
    select ('x' || right(pm.id::text, 8))::bit(32)::integer as mentor, pm.status::text as status, pm.status_reason as reason,
           coalesce((select json_agg(json_build_object('previous', h.previous_status, 'next', h.new_status, 'reason', h.reason)
                                     order by h.changed_at, h.id)
                       from public.peer_mentor_status_history h where h.mentor_id = pm.id), '[]') as rows
      from public.peer_mentors pm order by pm.id`);
  return rows;
}

/** The contract's invariant: starts at null, each row follows the one before, ends at the current (status, reason). */
function assertUnbroken(all: Chain[], label: string): void {
  for (const c of all) {
    assert.ok(c.rows.length > 0, `${label}: mentor ${c.mentor} has a history chain`);
    assert.equal(c.rows[0]!.previous, null, `${label}: mentor ${c.mentor}'s chain starts with previous_status null`);
    c.rows.forEach((r, i) => {
      if (i > 0) assert.equal(r.previous, c.rows[i - 1]!.next, `${label}: mentor ${c.mentor}'s row ${i} follows row ${i - 1}`);
    });
    const last = c.rows.at(-1)!;
    assert.deepEqual([last.next, last.reason], [c.status, c.reason], `${label}: mentor ${c.mentor}'s chain ends at its current status and reason`);
  }
}

describe('history of mentors that existed before the trigger (20261126100250 backfill, 20261126100300 gap fill)', { skip: NO_SCRATCH_DATABASE }, () => {
  const name = `t_history_backfill_${randomBytes(3).toString('hex')}`;
  const url = urlForDatabase(name);
  let admin: pg.Client;
  let setup: pg.Client;

  before(async () => {
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${pg.escapeIdentifier(name)} template template0`);
    // The Supabase layer as the platform superuser (supabase_admin), the migrations as postgres.
    await psqlFile(urlForDatabase(name, ADMIN_DATABASE_URL), COMPAT_SQL);
    for (const file of migrationsBefore(BACKFILL)) await psqlFile(url, file);
    setup = new pg.Client({ connectionString: url });
    await setup.connect();
    await setup.query(`
      insert into auth.users (id, email)
      select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'backfill-' || n || '@test.invalid'
        from generate_series(1, 9) n;
      insert into public.users (id, full_name, email) select id, email, email from auth.users;`);
  });

  after(async () => {
    if (!admin) return;
    await setup?.end();
    await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
    await admin.end();
  });

  test('every mentor gets an unbroken chain, also those written between the migrations and while the trigger waits for its lock', { timeout: 120_000 }, async () => {
    // Mentors 1-3 exist before the backfill (3 paused with a reason).
    await setup.query(`
      insert into public.peer_mentors (id, user_id, status, status_reason)
      select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
             case when n = 3 then 'paused' else 'active' end::public.mentor_status, case when n = 3 then 'exams' end
        from generate_series(1, 3) n`);
    await applyInOneTransaction(url, migrationFile(BACKFILL));
    const backfilled = await chains(setup);
    assert.deepEqual(backfilled.map((c) => [c.mentor, c.rows]), [
      [1, [{ previous: null, next: 'active', reason: null }]],
      [2, [{ previous: null, next: 'active', reason: null }]],
      [3, [{ previous: null, next: 'paused', reason: 'exams' }]],
    ], 'the backfill writes one first row per existing mentor, with its current status and reason');

    // Between the two migrations, with no trigger yet: a new mentor (4), a status change (2).
    await setup.query(`
      insert into public.peer_mentors (id, user_id) values ('${mentorId(4)}', '${mentorId(4)}');
      update public.peer_mentors set status = 'inactive', status_reason = 'moved away' where id = '${mentorId(2)}';`);

    // While the trigger migration runs: a transaction that adds mentor 5 and pauses mentor 1 commits only once
    // the migration waits for its lock, i.e. after the migration's first pass has looked.
    const late = new pg.Client({ connectionString: url, application_name: 'late writer' });
    await late.connect();
    try {
      await late.query('begin');
      await late.query(`insert into public.peer_mentors (id, user_id) values ('${mentorId(5)}', '${mentorId(5)}')`);
      await late.query(`update public.peer_mentors set status = 'paused', status_reason = 'holiday' where id = '${mentorId(1)}'`);
      const migrating = applyInOneTransaction(url, migrationFile(TRIGGER));
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { rows } = await setup.query(`
          select 1 from pg_catalog.pg_locks l join pg_catalog.pg_stat_activity a on a.pid = l.pid
           where not l.granted and a.datname = current_database() and a.application_name = 'psql'`);
        if (rows.length > 0) break;
        assert.ok(Date.now() < deadline, 'the trigger migration waits for the late writer\'s lock');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await late.query('commit');
      await migrating;
    } finally {
      await late.end();
    }
    const afterTrigger = await chains(setup);
    assertUnbroken(afterTrigger, 'after 20261126100300');
    assert.deepEqual(afterTrigger.map((c) => [c.mentor, c.rows.map((r) => r.next)]), [
      [1, ['active', 'paused']], [2, ['active', 'inactive']], [3, ['paused']], [4, ['active']], [5, ['active']],
    ], 'each mentor has exactly the rows it needs: nothing is written twice');

    // Roll both back (rows stay), change a status with no trigger, re-apply: only that change is added.
    const rollback = (version: string) => run(pgBin('psql'),
      ['--no-psqlrc', '-q', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', rollbackFile(version)]);
    await rollback(TRIGGER);
    await rollback(BACKFILL);
    await setup.query(`update public.peer_mentors set status = 'active', status_reason = null where id = '${mentorId(3)}'`);
    await applyInOneTransaction(url, migrationFile(BACKFILL));
    await applyInOneTransaction(url, migrationFile(TRIGGER));
    const reapplied = await chains(setup);
    assertUnbroken(reapplied, 'after rollback and re-apply');
    assert.deepEqual(reapplied.map((c) => c.rows.length), [2, 2, 2, 1, 1], 're-applying adds only the change made meanwhile (mentor 3)');
  });
});
