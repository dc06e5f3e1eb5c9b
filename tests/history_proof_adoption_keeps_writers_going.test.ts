// The history's proof is adopted in three migrations so that no writer waits while the existing rows are proven
// (20261203140100 columns and encoding, 20261203140110 the rows that exist, 20261203140120 the rows written since
// and the writers that prove their own, under a short lock). On a database migrated step by step with psql as a
// deploy would, with the app writing between and during the steps, these tests prove:
//   * a writer changes a status while 20261203140110 holds its transaction open: it is not blocked;
//   * every row gets a proof: those that existed, those written between the migrations (the app is still on the
//     old triggers) and those of a transaction that commits while 20261203140120 waits for its lock;
//   * rows older than 20261203140120 are 'adopted', later ones 'trigger', and verify_status_history() finds
//     every chain intact (each proof chained on its predecessor's), also after the triggers wrote more;
//   * rolling the three back and applying them again gives the same proofs.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
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
const PREPARE = '20261203140100';
const ADOPT = '20261203140110';
const SWITCH = '20261203140120';
const VERIFY = '20261203140200';

function migrationFile(version: string): string {
  const file = readdirSync(MIGRATIONS).find((f) => f.startsWith(`${version}_`));
  assert.ok(file, `migration ${version} exists`);
  return path.join(MIGRATIONS, file);
}
const rollbackFile = (version: string) => path.join(ROLLBACKS, path.basename(migrationFile(version)).replace(/\.sql$/, '_down.sql'));
const migrationsBefore = (version: string) =>
  readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql') && f.slice(0, 14) < version).sort().map((f) => path.join(MIGRATIONS, f));

/** One file the way the Supabase CLI applies a migration (and db:rollback a rollback): one transaction. */
function applyInOneTransaction(url: string, file: string, applicationName = 'psql') {
  return run(pgBin('psql'), ['--no-psqlrc', '-q', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], {
    env: { ...process.env, PGOPTIONS: '--client-min-messages=warning', PGAPPNAME: applicationName },
  });
}

const mentorId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

interface Row { mentor: number; next: string; origin: string | null; proven: boolean }

async function history(client: pg.Client): Promise<Row[]> {
  const { rows } = await client.query<Row>(`
    select ('x' || right(h.mentor_id::text, 8))::bit(32)::integer as mentor, h.new_status::text as next,
           h.proof_origin as origin, h.proof is not null as proven
      from public.peer_mentor_status_history h order by h.mentor_id, h.changed_at, h.id`);
  return rows;
}

/** Waits until a psql run by the test (application_name) waits for a lock. */
async function untilWaiting(client: pg.Client, applicationName: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await client.query(`
      select 1 from pg_catalog.pg_locks l join pg_catalog.pg_stat_activity a on a.pid = l.pid
       where not l.granted and a.datname = current_database() and a.application_name = $1`, [applicationName]);
    if (rows.length > 0) return;
    assert.ok(Date.now() < deadline, `${applicationName} waits for a lock`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the history\'s proof is adopted without stopping the writers (20261203140100, 140110, 140120)', { skip: NO_SCRATCH_DATABASE }, () => {
  const name = `t_proof_adoption_${randomBytes(3).toString('hex')}`;
  const url = urlForDatabase(name);
  let admin: pg.Client;
  let app: pg.Client;

  before(async () => {
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${pg.escapeIdentifier(name)} template template0`);
    await psqlFile(urlForDatabase(name, ADMIN_DATABASE_URL), COMPAT_SQL);
    for (const file of migrationsBefore(PREPARE)) await psqlFile(url, file);
    app = new pg.Client({ connectionString: url });
    await app.connect();
    await app.query(`
      insert into auth.users (id, email)
      select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'adoption-' || n || '@test.invalid'
        from generate_series(1, 9) n;
      insert into public.users (id, full_name, email) select id, email, email from auth.users;
      insert into public.peer_mentors (id, user_id)
      select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid
        from generate_series(1, 3) n;
      update public.peer_mentors set status = 'paused', status_reason = 'exams' where id = '${mentorId(1)}';
      update public.peer_mentors set status = 'active', status_reason = null where id = '${mentorId(1)}';
      update public.peer_mentors set status = 'inactive', status_reason = 'moved away' where id = '${mentorId(2)}';`);
  });

  after(async () => {
    if (!admin) return;
    await app?.end();
    await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
    await admin.end();
  });

  test('every row is proven, chained and verifiable; no writer waits for the adoption', { timeout: 180_000 }, async () => {
    await applyInOneTransaction(url, migrationFile(PREPARE));
    // The app, still on the old triggers: a row without a proof.
    await app.query(`update public.peer_mentors set status = 'paused', status_reason = 'holiday' where id = '${mentorId(3)}'`);
    assert.ok((await history(app)).every((r) => !r.proven), 'before the adoption no row has a proof');

    // The adoption, its transaction held open (as a long one at production size would be): a writer goes on.
    const adopting = new pg.Client({ connectionString: url });
    await adopting.connect();
    try {
      await adopting.query('begin');
      await adopting.query(readFileSync(migrationFile(ADOPT), 'utf8'));
      const writer = new pg.Client({ connectionString: url });
      await writer.connect();
      try {
        await writer.query(`set lock_timeout = '2s'`);
        await writer.query(`insert into public.peer_mentors (id, user_id) values ('${mentorId(4)}', '${mentorId(4)}')`);
        await writer.query(`update public.peer_mentors set status = 'paused', status_reason = 'exams' where id = '${mentorId(2)}'`);
      } finally {
        await writer.end();
      }
      await adopting.query('commit');
    } finally {
      await adopting.end();
    }
    const adopted = await history(app);
    assert.deepEqual(adopted.filter((r) => r.proven).map((r) => [r.mentor, r.next, r.origin]), [
      [1, 'active', 'adopted'], [1, 'paused', 'adopted'], [1, 'active', 'adopted'],
      [2, 'active', 'adopted'], [2, 'inactive', 'adopted'],
      [3, 'active', 'adopted'], [3, 'paused', 'adopted'],
    ], 'the adoption proves every row its transaction saw, as adopted');
    assert.deepEqual(adopted.filter((r) => !r.proven).map((r) => [r.mentor, r.next]), [[2, 'paused'], [4, 'active']],
      'the rows the writer committed meanwhile wait, unproven, for the switch');

    // Between the migrations: more rows without a proof. Then a transaction that commits only once the switch
    // waits for its lock.
    await app.query(`
      insert into public.peer_mentors (id, user_id) values ('${mentorId(5)}', '${mentorId(5)}');
      update public.peer_mentors set status = 'inactive', status_reason = 'left' where id = '${mentorId(1)}';`);
    const late = new pg.Client({ connectionString: url });
    await late.connect();
    try {
      await late.query('begin');
      await late.query(`insert into public.peer_mentors (id, user_id) values ('${mentorId(6)}', '${mentorId(6)}')`);
      await late.query(`update public.peer_mentors set status = 'active', status_reason = null where id = '${mentorId(3)}'`);
      const switching = applyInOneTransaction(url, migrationFile(SWITCH), 'proof switch');
      await untilWaiting(app, 'proof switch');
      await late.query('commit');
      await switching;
    } finally {
      await late.end();
    }
    // After the switch the triggers prove their own rows.
    await app.query(`update public.peer_mentors set status = 'paused', status_reason = 'holiday' where id = '${mentorId(4)}'`);
    await applyInOneTransaction(url, migrationFile(VERIFY));

    const switched = await history(app);
    assert.deepEqual(switched.map((r) => [r.mentor, r.next, r.origin]), [
      [1, 'active', 'adopted'], [1, 'paused', 'adopted'], [1, 'active', 'adopted'], [1, 'inactive', 'adopted'],
      [2, 'active', 'adopted'], [2, 'inactive', 'adopted'], [2, 'paused', 'adopted'],
      [3, 'active', 'adopted'], [3, 'paused', 'adopted'], [3, 'active', 'adopted'],
      [4, 'active', 'adopted'], [4, 'paused', 'trigger'],
      [5, 'active', 'adopted'],
      [6, 'active', 'adopted'],
    ], 'every row has a proof: adopted up to the switch, written by the triggers after it');
    const verify = async () => (await app.query('select mentor_id, history_id, problem from public.verify_status_history()')).rows;
    assert.deepEqual(await verify(), [], 'verify_status_history() finds every chain intact');

    // Down and up again: the same proofs.
    const proofs = async () => (await app.query<{ id: string; proof: string }>(
      `select id::text, encode(proof, 'hex') as proof from public.peer_mentor_status_history order by id`)).rows;
    const before = await proofs();
    for (const v of [VERIFY, SWITCH, ADOPT]) {
      await run(pgBin('psql'), ['--no-psqlrc', '-q', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', rollbackFile(v)]);
    }
    for (const v of [ADOPT, SWITCH, VERIFY]) await applyInOneTransaction(url, migrationFile(v));
    assert.deepEqual(await proofs(), before, 'rolled back and applied again, every row keeps its proof');
    assert.deepEqual(await verify(), [], 'and verifies');
  });
});
