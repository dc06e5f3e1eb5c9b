// npm run db:rollback -- <version> [--redo] [--allow-history-drop] [--lock-timeout 3s] [--statement-timeout 10min]
//
// Rolls back the newest applied migration of DATABASE_URL (or, unset, the running local database of `npm start`):
// refuses unless <version> is the newest one recorded in supabase_migrations.schema_migrations, then runs
// supabase/rollbacks/<version>_*_down.sql and removes <version> from that history, in one transaction with a
// bounded lock wait and statement time (scripts/lib/rollback.ts, the code path the rollback drill tests).
//   --redo                 then apply it again (`supabase migration up`) and check that the schema is exactly what
//                          it was before (the catalog snapshot, scripts/lib/schema-snapshot.ts); exit 1 if not.
//   --allow-history-drop   20261126100200 drops the audit trail: it refuses without this (app.allow_history_drop).
import { z } from 'zod';
import { applyMigrations } from './lib/database.ts';
import { displayUrl, existingDatabase } from './lib/existing-database.ts';
import { appliedVersions, DEFAULT_LOCK_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT, rollbackMigration, RollbackRefused } from './lib/rollback.ts';
import { catalogSnapshot, formatSnapshotDiff, sameSnapshot, snapshotDiff } from './lib/schema-snapshot.ts';

const USAGE = 'Usage: npm run db:rollback -- <version> [--redo] [--allow-history-drop] [--lock-timeout 3s] [--statement-timeout 10min]' +
  '   (DATABASE_URL, else the local database of `npm start`)';

const Interval = z.string().regex(/^\d+\s*(ms|s|min|h)$/, 'must be a duration such as 3s, 500ms, 10min');
const Args = z.object({
  version: z.string({ error: 'the version of the migration to roll back is required' }).regex(/^\d{14}$/, 'the version is the 14-digit timestamp of a migration, e.g. 20261201150100'),
  redo: z.boolean(),
  allowHistoryDrop: z.boolean(),
  lockTimeout: Interval,
  statementTimeout: Interval,
});

function parseArgs(argv: string[]): z.infer<typeof Args> {
  const out: Record<string, unknown> = { redo: false, allowHistoryDrop: false, lockTimeout: DEFAULT_LOCK_TIMEOUT, statementTimeout: DEFAULT_STATEMENT_TIMEOUT };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (a === '--redo') out.redo = true;
    else if (a === '--allow-history-drop') out.allowHistoryDrop = true;
    else if (a === '--lock-timeout') out.lockTimeout = argv[++i];
    else if (a === '--statement-timeout') out.statementTimeout = argv[++i];
    else if (!a.startsWith('-') && out.version === undefined) out.version = a;
    else throw new RollbackRefused(`unknown argument ${JSON.stringify(a)}\n${USAGE}`);
  }
  const parsed = Args.safeParse(out);
  if (!parsed.success) throw new RollbackRefused(`${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n${USAGE}`);
  return parsed.data;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const { url, source } = existingDatabase();
  console.log(`Database: ${source} ${displayUrl(url)}`);
  const before = args.redo ? await catalogSnapshot(url) : [];

  const migration = await rollbackMigration(url, args.version, args);
  const newest = (await appliedVersions(url))[0];
  console.log(`rolled back ${migration.name} (supabase/rollbacks/${migration.name}_down.sql); newest applied now: ${newest ?? 'none'}`);
  if (!args.redo) return 0;

  try {
    await applyMigrations(url);
  } catch (err) {
    throw new Error(`the rollback of ${migration.name} is committed, but applying it again failed ` +
      `(run \`supabase migration up\` or \`npm start\` once the cause is fixed):\n${err instanceof Error ? err.message : String(err)}`);
  }
  console.log(`re-applied ${migration.name} (supabase migration up)`);
  const diff = snapshotDiff(before, await catalogSnapshot(url));
  if (sameSnapshot(diff)) {
    console.log('schema after rollback + re-apply: identical (catalog snapshot, scripts/lib/schema-snapshot.ts)');
    return 0;
  }
  console.log(`schema after rollback + re-apply: DIFFERENT\n${formatSnapshotDiff(diff, { expected: 'before the rollback', actual: 'after the re-apply' })}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const refused = err instanceof RollbackRefused;
    console.error(`${refused ? 'refused: ' : ''}${err instanceof Error ? err.message : String(err)}`);
    if (!refused && !/is committed/.test(String(err))) console.error('Nothing was changed: the rollback runs in one transaction.');
    process.exit(1);
  },
);
