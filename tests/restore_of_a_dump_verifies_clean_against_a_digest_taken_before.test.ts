// A restore verifies clean (issue 19, step 5): a database with a real history (the seed, changes by a coordinator,
// a mentor and the service role, a job run since deleted, an erasure, a deleted user whose changed_by the foreign
// key set null), a digest taken and kept outside, one more change; then
//   (a) pg_dump -Fc / pg_restore of the whole database into a fresh one (as the platform superuser, which may set
//       object owners: docs/tamper-evidence.md "Restore");
//   (b) pg_dump --data-only into a fresh database with the migrations applied, loaded the documented way (one
//       transaction, replica mode, the backfill opt-in naming it).
// Afterwards the history verifies clean against the digest taken before, and against the database's own; the
// responsibility relation is exact (private.responsibility_differences() is empty); and the restored database
// keeps writing verifiable history.
// pg_dump refuses a server newer than itself: where the only pg_dump here is older than the server (PostgreSQL 17
// from npm ships none; Debian 12's is 15), both restores are skipped, saying so.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { run } from '../scripts/lib/run.ts';
import { pgBin, pgDumpMajor } from '../scripts/lib/system.ts';
import { ADMIN_DATABASE_URL, createTestDatabase, urlForDatabase, type TestDatabase } from './support/database.ts';
import { changeAfterDigest, MIA, populate, problems, withOwner, type Digest } from './support/history-fixture.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'restore-'));
const databases: TestDatabase[] = [];
const adminDatabases: string[] = [];
let source: TestDatabase;
let digest: Digest;
let serverMajor = 0;

before(async () => {
  source = await createTestDatabase('restore_source');
  databases.push(source);
  digest = await populate(source.url);
  await changeAfterDigest(source.url);
  serverMajor = await withOwner(source.url, async (c) => (await c.query<{ m: number }>(`select current_setting('server_version_num')::int / 10000 as m`)).rows[0]!.m);
});

after(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const name of adminDatabases) {
    await withOwner(ADMIN_DATABASE_URL!, (c) => c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`)).catch(() => {});
  }
  await Promise.allSettled(databases.map((d) => d.drop()));
});

function noDump(): string | false {
  return serverMajor > pgDumpMajor()
    ? `skipped on PostgreSQL ${serverMajor}: the only pg_dump on this machine is version ${pgDumpMajor()} (Debian 12's; the PostgreSQL 17 npm build ships none), and pg_dump refuses a newer server`
    : false;
}

/** What a restored database must show: a clean history against the digest taken before and its own, the relation exact. */
async function assertRestored(url: string, label: string): Promise<void> {
  assert.deepEqual(await problems(url, digest), [], `${label}: verifies clean against the digest taken before the dump`);
  assert.deepEqual(await problems(url), [], `${label}: verifies clean against its own newest digest`);
  await withOwner(url, async (c) => {
    const [d] = (await c.query<{ n: number }>('select count(*)::int as n from private.responsibility_differences()')).rows;
    assert.equal(d!.n, 0, `${label}: the responsibility relation is exact`);
    const [counts] = (await c.query<{ history: number; erasures: number; digests: number }>(
      `select (select count(*) from public.peer_mentor_status_history)::int as history,
              (select count(*) from public.status_history_erasures)::int as erasures,
              (select count(*) from public.status_history_digests)::int as digests`)).rows;
    const [expected] = await withOwner(source.url, async (s) => (await s.query<{ history: number; erasures: number; digests: number }>(
      `select (select count(*) from public.peer_mentor_status_history)::int as history,
              (select count(*) from public.status_history_erasures)::int as erasures,
              (select count(*) from public.status_history_digests)::int as digests`)).rows);
    assert.deepEqual(counts, expected, `${label}: every history row, erasure record and digest came along`);
    // Still live: a change through the triggers continues the chain, and a new digest covers it.
    await c.query(`update public.peer_mentors set status = 'paused', status_reason = 'after the restore' where id = $1`, [MIA]);
    await c.query('select public.status_history_digest()');
  });
  assert.deepEqual(await problems(url, digest), [], `${label}: a change after the restore extends the history cleanly`);
  assert.deepEqual(await problems(url), [], `${label}: and its new digest verifies`);
}

test('(a) pg_dump -Fc / pg_restore of the whole database verifies clean', { timeout: 180_000 }, async (t) => {
  const why = noDump() || (ADMIN_DATABASE_URL ? false : 'skipped on DATABASE_URL: restoring object owners needs the platform superuser of a throwaway cluster');
  if (why) {
    console.log(`# ${why}`);
    t.skip(why);
    return;
  }
  const archive = path.join(dir, 'whole.dump');
  await run(pgBin('pg_dump'), ['-Fc', '-f', archive, '-d', urlForDatabase(source.name, ADMIN_DATABASE_URL)]);
  const name = `${source.name}_restored`;
  adminDatabases.push(name);
  await withOwner(ADMIN_DATABASE_URL!, (c) => c.query(`create database ${pg.escapeIdentifier(name)} template template0`));
  await run(pgBin('pg_restore'), ['--exit-on-error', '-d', urlForDatabase(name, ADMIN_DATABASE_URL), archive]);
  await withOwner(ADMIN_DATABASE_URL!, (c) => c.query(`alter database ${pg.escapeIdentifier(name)} set search_path = "$user", public, extensions`));
  await assertRestored(urlForDatabase(name), 'pg_restore');
});

test('(b) a --data-only dump into a fresh migrated database verifies clean', { timeout: 180_000 }, async (t) => {
  const why = noDump();
  if (why) {
    console.log(`# ${why}`);
    t.skip(why);
    return;
  }
  // docs/tamper-evidence.md "Restore": the project's schemas and the auth users they reference, as postgres.
  const data = path.join(dir, 'data.sql');
  await run(pgBin('pg_dump'), ['--data-only', '--schema=public', '--schema=private', '--schema=auth', '--exclude-table-data=private.responsibility_guard', '-Fp', '-f', data, '-d', source.url]);
  const target = await createTestDatabase('restore_data');
  databases.push(target);
  await run(pgBin('psql'), [
    '--no-psqlrc', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-d', target.url,
    '-c', 'set session_replication_role = replica',
    '-c', `select set_config('app.history_backfill', txid_current()::text, true)`,
    '-f', data,
  ], { env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' } });
  await assertRestored(target.url, 'data-only restore');
});
