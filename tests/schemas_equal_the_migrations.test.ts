// supabase/schemas/ (the declarative current state) and supabase/migrations/ (how a live database gets there) build
// the same database.
//
// Two fresh databases with the same Supabase compatibility layer (tests/support/database.ts): one migrated by the
// Supabase CLI (a copy of npm test's migrated template), one built from supabase/schemas/*.sql in file order, with
// psql, as postgres. Compared with Supabase's diff engine, @supabase/pg-delta (`pgdelta diff`), and with the
// project's catalog snapshot (scripts/lib/schema-snapshot.ts), which also sees what a diff engine may not model:
// sorted ACLs of every object and column, default privileges, comments, trigger enable state (ENABLE ALWAYS),
// policies, function settings, publication membership, owners, column positions.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { psqlFile, ROOT } from '../scripts/lib/database.ts';
import { catalogSnapshot, formatSnapshotDiff, pgDeltaDiff, sameSnapshot, snapshotDiff } from '../scripts/lib/schema-snapshot.ts';
import { createPlatformDatabase, createTestDatabase, dropDatabase, type TestDatabase } from './support/database.ts';

const SCHEMAS_DIR = path.join(ROOT, 'supabase', 'schemas');
const schemaFiles = () => readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.sql')).sort();

const HOW_TO_FIX = [
  'How to fix it:',
  '  * you wrote a migration: make the same change in the matching supabase/schemas/<area>.sql (each function is',
  '    defined once, in its area\'s file; every grant, revoke and default privilege is in 0012_grants.sql);',
  '  * you edited supabase/schemas/: write the migration that makes that change on a live database (and its',
  '    rollback in supabase/rollbacks/), then `npm run gen:types`.',
  'Then run this check alone: npm test -- tests/schemas_equal_the_migrations.test.ts',
].join('\n');

let migrated: TestDatabase;
let declared: { name: string; url: string } | undefined;

before(async () => {
  migrated = await createTestDatabase('schemas_migrated');
  // The CLI's migration history is data about the deploy, not part of the schema.
  const c = new pg.Client({ connectionString: migrated.url });
  await c.connect();
  try {
    await c.query('drop schema if exists supabase_migrations cascade');
  } finally {
    await c.end();
  }
});

after(async () => {
  await migrated?.drop();
  if (declared) await dropDatabase(declared.name).catch(() => {});
});

test('no function is defined twice in supabase/schemas/', () => {
  const seen = new Map<string, string[]>();
  for (const f of schemaFiles()) {
    const sql = readFileSync(path.join(SCHEMAS_DIR, f), 'utf8');
    for (const m of sql.matchAll(/^create (?:or replace )?function\s+([\w.]+)\s*\(/gim)) {
      seen.set(m[1]!.toLowerCase(), [...(seen.get(m[1]!.toLowerCase()) ?? []), f]);
    }
  }
  const twice = [...seen].filter(([, files]) => files.length > 1).map(([fn, files]) => `${fn}: ${files.join(', ')}`);
  assert.ok(seen.size > 0, 'supabase/schemas/ defines functions');
  assert.deepEqual(twice, [], 'each function has exactly one definition in supabase/schemas/');
});

test('supabase/schemas/ builds the same database as supabase/migrations/ (pg-delta and the catalog snapshot)', async () => {
  declared = { name: `${migrated.name}_decl`, url: '' };
  declared.url = await createPlatformDatabase(declared.name);
  for (const f of schemaFiles()) {
    try {
      await psqlFile(declared.url, path.join(SCHEMAS_DIR, f));
    } catch (err) {
      assert.fail(`supabase/schemas/${f} does not apply (psql, as postgres, after the files before it):\n` +
        `${err instanceof Error ? err.message : String(err)}\n\n${HOW_TO_FIX}`);
    }
  }

  const [delta, fromMigrations, fromSchemas] = await Promise.all([
    pgDeltaDiff(declared.url, migrated.url),
    catalogSnapshot(migrated.url),
    catalogSnapshot(declared.url),
  ]);
  const catalog = snapshotDiff(fromMigrations, fromSchemas);
  if (delta.same && sameSnapshot(catalog)) return;

  assert.fail([
    'supabase/schemas/ and supabase/migrations/ build different databases.',
    '',
    `pg-delta (pgdelta diff --source <from schemas> --desired <from migrations>): ${delta.same ? 'no differences' : ''}`,
    ...(delta.same ? [] : [delta.summary.split('\n').map((l) => `  ${l}`).join('\n'), '',
      'The SQL that would turn the database built from supabase/schemas/ into the migrated one (pgdelta plan + render):',
      delta.sql.split('\n').map((l) => `  ${l}`).join('\n')]),
    '',
    `Catalog snapshot (scripts/lib/schema-snapshot.ts): ${sameSnapshot(catalog) ? 'no differences' : ''}`,
    ...(sameSnapshot(catalog) ? [] : [formatSnapshotDiff(catalog, { expected: 'the migrated database', actual: 'the database built from supabase/schemas/' })]),
    '',
    HOW_TO_FIX,
  ].join('\n'));
});
