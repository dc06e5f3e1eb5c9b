// `npm run db:rollback -- <version>` (scripts/db-rollback.ts), run as a user runs it, on a migrated database of its
// own: it refuses anything but the newest applied migration (and changes nothing), takes the newest down with its
// history row, and with --redo brings it back with an identical schema.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { applyMigrations, ROOT } from '../scripts/lib/database.ts';
import { run } from '../scripts/lib/run.ts';
import { migrations } from '../scripts/lib/rollback.ts';
import { catalogSnapshot, formatSnapshotDiff, sameSnapshot, snapshotDiff } from '../scripts/lib/schema-snapshot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const COMMAND = path.join(ROOT, 'scripts', 'db-rollback.ts');

let db: TestDatabase;

before(async () => {
  db = await createTestDatabase('db_rollback');
});

after(async () => {
  await db?.drop();
});

const dbRollback = (...args: string[]) =>
  run(TSX, [COMMAND, ...args], { cwd: ROOT, allowFailure: true, env: { ...process.env, DATABASE_URL: db.url } });

async function applied(): Promise<string[]> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query<{ version: string }>('select version from supabase_migrations.schema_migrations order by version')).rows.map((r) => r.version);
  } finally {
    await c.end();
  }
}

function assertSame(actual: string[], expected: string[], message: string): void {
  const d = snapshotDiff(expected, actual);
  if (!sameSnapshot(d)) assert.fail(`${message}\n${formatSnapshotDiff(d, { expected: 'before', actual: 'after' })}`);
}

test('db:rollback refuses a migration that is not the newest applied, and changes nothing', async () => {
  const all = migrations();
  const [older, newest] = [all.at(-2)!, all.at(-1)!];
  const before = await catalogSnapshot(db.url);
  const result = await dbRollback(older.version);
  assert.equal(result.code, 1, 'exit 1');
  assert.match(result.stderr, new RegExp(`refused: roll back the newer migrations first \\(newest first\\): ${newest.version}`), 'names the newer migration');
  assert.deepEqual((await applied()).at(-1), newest.version, 'the newest migration is still recorded');
  assertSame(await catalogSnapshot(db.url), before, 'the schema is unchanged');

  const usage = await dbRollback();
  assert.equal(usage.code, 1, 'no version: exit 1');
  assert.match(usage.stderr, /Usage: npm run db:rollback -- <version>/, 'and prints the usage line');
});

test('db:rollback --redo takes the newest migration down and back up to an identical schema', async () => {
  const newest = migrations().at(-1)!;
  const before = await catalogSnapshot(db.url);
  const result = await dbRollback(newest.version, '--redo');
  assert.equal(result.code, 0, `exit 0:\n${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, new RegExp(`rolled back ${newest.name}`), 'says what it rolled back');
  assert.match(result.stdout, /schema after rollback \+ re-apply: identical/, 'and that the schema is identical');
  assert.equal((await applied()).at(-1), newest.version, 'the migration is recorded again');
  assertSame(await catalogSnapshot(db.url), before, 'the schema is what it was');
});

test('db:rollback takes the newest migration down and removes it from the migration history; migration up restores it', async () => {
  const all = migrations();
  const [previous, newest] = [all.at(-2)!, all.at(-1)!];
  const before = await catalogSnapshot(db.url);
  const result = await dbRollback(newest.version);
  assert.equal(result.code, 0, `exit 0:\n${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, new RegExp(`newest applied now: ${previous.version}`), 'says which migration is now the newest');
  assert.equal((await applied()).at(-1), previous.version, `${newest.version} left the migration history`);

  await applyMigrations(db.url);
  assertSame(await catalogSnapshot(db.url), before, 'supabase migration up brings back the same schema');
});
