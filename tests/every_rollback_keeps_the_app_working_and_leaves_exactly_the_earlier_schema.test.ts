// Rollback drill on a small populated database: every rollback script, newest first, down to the baseline, each
// through scripts/lib/rollback.ts (the code path of `npm run db:rollback`: the ordering check, one transaction,
// the migration history row removed); after each step the schema is exactly that of a database migrated only that far, `select *` and inserts
// naming only the baseline columns keep working and no baseline row is lost; then the Supabase CLI applies
// the migrations again and the schema (scripts/lib/schema-snapshot.ts) is identical to before the drill.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { applyMigrations, psqlFile } from '../scripts/lib/database.ts';
import { migrations, rollbackMigration } from '../scripts/lib/rollback.ts';
import { catalogSnapshot, formatSnapshotDiff, sameSnapshot, snapshotDiff } from '../scripts/lib/schema-snapshot.ts';
import { createPlatformDatabase, createTestDatabase, urlForDatabase, type TestDatabase } from './support/database.ts';

const BASELINE = '20261126100000';
const BASELINE_TABLES = ['organizations', 'chapters', 'users', 'chapter_memberships', 'peer_mentors'] as const;

/** A rollback as the command runs it; the error's message (psql's, or the refusal) when it fails. */
async function runRollback(url: string, version: string, options: { allowHistoryDrop: boolean }): Promise<{ ok: boolean; error: string }> {
  try {
    await rollbackMigration(url, version, options);
    return { ok: true, error: '' };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The schema as the catalog snapshot sees it (scripts/lib/schema-snapshot.ts), as on every server version. */
const schemaDump = (url: string) => catalogSnapshot(url);

/** Equal snapshots, or a failure listing the lines only one side has (a readable schema diff). */
function assertSameSchema(actual: string[], expected: string[] | undefined, message: string): void {
  const diff = snapshotDiff(expected ?? [], actual);
  if (!sameSnapshot(diff)) assert.fail(`${message}\n${formatSnapshotDiff(diff, { expected: 'the expected schema', actual: 'the actual schema' })}`);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function baselineCounts(url: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of BASELINE_TABLES) {
    const rows = await query<{ n: string }>(url, `select count(*) as n from public.${t}`);
    out[t] = Number(rows[0]?.n);
  }
  return out;
}

/** What an existing screen does: `select *`, and an insert naming only the baseline columns. */
async function baselineClientWorks(url: string, label: string): Promise<void> {
  const mentors = await query<Record<string, unknown>>(url, 'select * from public.peer_mentors order by created_at, id limit 5');
  assert.ok(mentors.length > 0, `${label}: select * from peer_mentors returns rows`);
  const id = (await query<{ id: string }>(url, 'select gen_random_uuid() as id'))[0]!.id;
  await query(url, `
    with a as (insert into auth.users (id, email) values ($1, $2) returning id),
         u as (insert into public.users (id, full_name, email) select id, $3, $2 from a returning id)
    insert into public.peer_mentors (user_id) select id from u`, [id, `${label}@rollback.invalid`, `new mentor ${label}`]);
  const inserted = await query(url, 'select * from public.peer_mentors where user_id = $1', [id]);
  assert.equal(inserted.length, 1, `${label}: an insert naming only user_id makes a mentor`);
}

async function populate(url: string): Promise<void> {
  await query(url, `
    insert into auth.users (id, email)
    select ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, 'user' || i || '@rollback.invalid'
      from generate_series(1, 40) i;
    insert into public.users (id, full_name, email)
    select id, 'User ' || right(id::text, 3), email from auth.users where email like '%@rollback.invalid';
    insert into public.organizations (id, name) values ('10000000-0000-0000-0000-000000000001', 'Org');
    insert into public.chapters (id, organization_id, name)
    select ('20000000-0000-0000-0000-00000000000' || c)::uuid, '10000000-0000-0000-0000-000000000001', 'Chapter ' || c
      from generate_series(1, 3) c;
    -- users 1..3 coordinate chapters 1..3; users 4..40 are mentors spread over the chapters.
    insert into public.chapter_memberships (chapter_id, user_id, role)
    select ('20000000-0000-0000-0000-00000000000' || i)::uuid, ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, 'coordinator'
      from generate_series(1, 3) i;
    insert into public.chapter_memberships (chapter_id, user_id, role)
    select ('20000000-0000-0000-0000-00000000000' || (1 + i % 3))::uuid, ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, 'peer_mentor'
      from generate_series(4, 40) i;
    insert into public.peer_mentors (user_id, certification_expires_at)
    select ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid,
           case when i % 5 = 0 then now() - interval '1 day' else now() + interval '1 year' end
      from generate_series(4, 40) i;`);
  // Status changes by the service role (history rows, outbox rows), and one run of the expiry job.
  await query(url, `
    begin;
    select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role":"service_role"}', true);
    update public.peer_mentors set status = 'inactive', status_reason = 'moved away'
     where user_id in (select ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid from generate_series(6, 9) i);
    select public.run_certification_expiry_job(now());
    commit;`);
  const [counts] = await query<{ history: string; notifications: string; runs: string }>(url, `
    select (select count(*) from public.peer_mentor_status_history) as history,
           (select count(*) from public.coordinator_notifications) as notifications,
           (select count(*) from public.job_runs) as runs`);
  assert.ok(Number(counts?.history) > 37 && Number(counts?.notifications) > 0 && Number(counts?.runs) === 1,
    `the fixture has history, notifications and a job run (got ${JSON.stringify(counts)})`);
}

let db: TestDatabase;
let reference: { name: string; url: string } | undefined;

before(async () => {
  db = await createTestDatabase('rollbacks');
});

after(async () => {
  await db?.drop();
  if (reference) await query(urlForDatabase('postgres'), `drop database if exists ${reference.name} with (force)`).catch(() => {});
});

test('every migration after the baseline has a rollback script', () => {
  const missing = migrations().filter((m) => m.version !== BASELINE && m.rollback === null);
  assert.deepEqual(missing.map((m) => `supabase/rollbacks/${m.name}_down.sql`), [], 'missing rollback scripts');
});

// The drill compares the rolled-back schema with a reference database built forward on the same server, and
// both are made the same way (createPlatformDatabase: on DATABASE_URL's server, scratch databases with the
// per-database layer), so it compares like with like there too. It never rolls back DATABASE_URL's database.
// Two pg_dumps per migration (the reference, then each step down): about 160 s for 42 migrations on a busy 2-core
// machine, past the runner's 3-minute default per test. Its own bound, generous, so the drill grows with the
// migrations instead of failing on time.
test('rollbacks newest first keep baseline data and clients working, leave exactly the earlier schema, and re-apply to the same schema', { timeout: 600_000 }, async () => {
  const all = migrations();

  // The schema after each migration, built forward on a fresh database with psql (no data needed).
  reference = { name: `${db.name}_ref`, url: urlForDatabase(`${db.name}_ref`) };
  await createPlatformDatabase(reference.name);
  const schemaAfter = new Map<string, string[]>();
  for (const m of all) {
    await psqlFile(reference.url, m.file);
    schemaAfter.set(m.version, await schemaDump(reference.url));
  }

  await populate(db.url);
  const before = await schemaDump(db.url);
  assertSameSchema(before, schemaAfter.get(all.at(-1)!.version), 'the CLI-migrated database has the reference schema to start with');
  const baselineBefore = await baselineCounts(db.url);

  // A rollback out of order refuses and names what to roll back first.
  const trigger = all.find((m) => m.version === '20261126100300');
  assert.ok(trigger, 'migration 20261126100300 exists');
  const outOfOrder = await runRollback(db.url, trigger.version, { allowHistoryDrop: true });
  assert.equal(outOfOrder.ok, false, 'rolling back 20261126100300 while later migrations are applied is refused');
  assert.match(outOfOrder.error, /roll back the newer migrations first \(newest first\): \d{14}/, 'and names the newer ones to roll back first');
  assertSameSchema(await schemaDump(db.url), before, 'the refused rollback changed nothing');

  let inserted = 0;
  const downTo = all.filter((m) => m.version !== BASELINE).reverse();
  for (const [i, m] of downTo.entries()) {
    const previous = all[all.findIndex((x) => x.version === m.version) - 1]!;
    const label = `${m.name}_down`;

    if (m.version === '20261126100200') {
      const refused = await runRollback(db.url, m.version, { allowHistoryDrop: false });
      assert.equal(refused.ok, false, `${label} refuses without app.allow_history_drop`);
      assert.match(refused.error, /refusing to drop public\.peer_mentor_status_history/, `${label} says why it refuses`);
      assert.ok((await query(db.url, `select 1 from public.peer_mentor_status_history limit 1`)).length === 1,
        `${label}: the refusal left the history in place`);
    }

    const result = await runRollback(db.url, m.version, { allowHistoryDrop: true });
    assert.ok(result.ok, `${label} runs cleanly:\n${result.error}`);
    assertSameSchema(await schemaDump(db.url), schemaAfter.get(previous.version),
      `after ${label} the schema is exactly that of a database migrated to ${previous.version}`);
    const recorded = await query<{ version: string }>(db.url,
      'select version from supabase_migrations.schema_migrations where version >= $1', [m.version]);
    assert.deepEqual(recorded, [], `${label} removes ${m.version} (and nothing newer is left) from the migration history`);

    const counts = await baselineCounts(db.url);
    assert.deepEqual(counts, { ...baselineBefore, users: baselineBefore.users! + inserted, peer_mentors: baselineBefore.peer_mentors! + inserted },
      `${label} keeps every baseline row`);
    await baselineClientWorks(db.url, `step${i}`);
    inserted += 1;
  }

  await applyMigrations(db.url);
  assertSameSchema(await schemaDump(db.url), before, 'after rolling back and re-applying, the schema (catalog snapshot) is identical');

  // The re-applied history migration starts a chain for every mentor, including those added meanwhile.
  const [chains] = await query<{ mentors: string; with_history: string; ending_at_status: string }>(db.url, `
    select count(*) as mentors,
           count(*) filter (where exists (select 1 from public.peer_mentor_status_history h where h.mentor_id = pm.id)) as with_history,
           count(*) filter (where pm.status = (select h.new_status from public.peer_mentor_status_history h
                                                where h.mentor_id = pm.id order by h.changed_at desc, h.id desc limit 1)) as ending_at_status
      from public.peer_mentors pm`);
  assert.equal(Number(chains?.with_history), Number(chains?.mentors), 'every mentor has a history chain after re-applying');
  assert.equal(Number(chains?.ending_at_status), Number(chains?.mentors), 'every chain ends at the mentor\'s current status');
});
