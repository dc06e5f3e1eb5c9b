// npm run smoke -- <database-url>: the post-migration smoke test against a deployed database, leaving no trace.
//
// Runs supabase/tests/pgtap/smoke/migration_smoke_test.test.sql (the planning card's five checks, in one
// transaction that ends in ROLLBACK) with pg_prove, and proves it left nothing behind: the row count of every
// public table (and of auth.users, where the smoke test adds its fixture users) is taken before and after and
// must not change. Exits non-zero when pg_prove fails or any count differs.
//
// Target: the argument, else DATABASE_URL, else a throwaway database with every migration (started here and
// deleted afterwards). Run it as the database owner (postgres), like migrations.
import path from 'node:path';
import { z } from 'zod';
import { acquireTarget, prepare, ROOT, rowCounts, withClient, type Target } from './lib/database.ts';
import { run } from './lib/run.ts';
import { displayUrl, PostgresUrl, splitPassword } from './lib/url.ts';

const USAGE = 'Usage: npm run smoke -- [<postgres://user:password@host:port/database>]  (or set DATABASE_URL; with neither, a throwaway database)';
const SMOKE_FILE = path.join(ROOT, 'supabase', 'tests', 'pgtap', 'smoke', 'migration_smoke_test.test.sql');

const Args = z
  .array(z.string())
  .max(1, 'expected at most one argument, the database URL')
  .pipe(z.tuple([PostgresUrl.describe('the database URL')]).or(z.tuple([])));

type Counts = Record<string, number>;

const THROWAWAY_NOTICE = [
  '!!! No database URL given (no argument, no DATABASE_URL): this smoke test runs on a THROWAWAY database',
  '!!! built here from the migrations and the demo seed, and deleted afterwards. It is NOT your deployment.',
  '!!! To test a deployment: npm run smoke -- postgresql://postgres:<password>@<host>:5432/postgres',
].join('\n');

/** rowCounts (every public table) plus auth.users, which the smoke test also writes to. */
async function countRows(url: string): Promise<Counts> {
  const counts = await rowCounts(url);
  const auth = await withClient(url, async (c) => {
    const exists = await c.query<{ ok: boolean }>(`select to_regclass('auth.users') is not null as ok`);
    if (exists.rows[0]?.ok !== true) return null;
    const { rows } = await c.query<{ n: string }>('select count(*) as n from auth.users');
    return rows[0]?.n ?? null;
  });
  if (auth !== null) counts['auth.users'] = Number(auth);
  return counts;
}

async function installedPgtap(url: string): Promise<string | null> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ v: string }>(`select extversion as v from pg_extension where extname = 'pgtap'`);
    return rows[0]?.v ?? null;
  });
}

function compare(before: Counts, after: Counts): { lines: string[]; differences: string[] } {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const width = Math.max(5, ...names.map((n) => n.length));
  const lines = [`${'table'.padEnd(width)}  ${'before'.padStart(8)}  ${'after'.padStart(8)}`];
  const differences: string[] = [];
  for (const name of names) {
    const b = before[name];
    const a = after[name];
    const same = a === b;
    lines.push(`${name.padEnd(width)}  ${String(b ?? '-').padStart(8)}  ${String(a ?? '-').padStart(8)}${same ? '' : '  <- changed'}`);
    if (!same) differences.push(`${name}: ${b ?? 'missing'} -> ${a ?? 'missing'}`);
  }
  return { lines, differences };
}

async function smoke(url: string, throwaway: boolean): Promise<boolean> {
  const pgtapBefore = await installedPgtap(url);
  const before = await countRows(url);

  console.log(`\n== pg_prove ${path.relative(ROOT, SMOKE_FILE)}`);
  // The password goes through PGPASSWORD, so it never appears in a command line (ps, error messages).
  const { url: dbname, password } = splitPassword(url);
  const prove = await run('pg_prove', ['--verbose', '--dbname', dbname, SMOKE_FILE], {
    cwd: ROOT,
    echo: true,
    allowFailure: true,
    env: { ...process.env, PGOPTIONS: '--client-min-messages=warning', ...(password ? { PGPASSWORD: password } : {}) },
  }).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\npg_prove is missing: install it (Debian: apt-get install libtap-parser-sourcehandler-pgtap-perl)`);
  });

  const after = await countRows(url);
  const pgtapAfter = await installedPgtap(url);

  const { lines, differences } = compare(before, after);
  console.log('\n== row counts (before the smoke test, after it)');
  for (const line of lines) console.log(line);
  console.log(`pgtap extension: ${pgtapBefore ?? 'not installed'} before, ${pgtapAfter ?? 'not installed'} after`);

  let ok = true;
  if (prove.code !== 0) {
    ok = false;
    console.error(`\nFAIL: pg_prove exited with ${prove.code}: the smoke test failed (see its output above)`);
  }
  if (differences.length > 0) {
    ok = false;
    console.error(`\nFAIL: row counts changed, so the smoke test left rows behind: ${differences.join(', ')}` +
      '\n(on a live database, the application\'s own writes during the run also change counts: rerun in a quiet moment)');
  }
  if (pgtapBefore !== pgtapAfter) {
    ok = false;
    console.error(`\nFAIL: the pgtap extension changed (${pgtapBefore ?? 'none'} -> ${pgtapAfter ?? 'none'}); it must be rolled back`);
  }
  if (ok && throwaway) {
    console.log(`\n${THROWAWAY_NOTICE}\nSmoke test passed on that THROWAWAY database; no rows left behind. Your deployment was NOT tested.`);
  } else if (ok) {
    console.log(`\nSmoke test passed on ${displayUrl(url)}; no rows left behind.`);
  }
  return ok;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const parsed = Args.safeParse(argv);
  if (!parsed.success) {
    console.error(`${parsed.error.issues.map((i) => i.message).join('; ')}\n${USAGE}`);
    return 2;
  }
  const argUrl = parsed.data[0];
  // The argument wins over DATABASE_URL; acquireTarget takes DATABASE_URL, or starts a throwaway database.
  const target: Target = argUrl ? { url: argUrl, throwaway: false, release: async () => {} } : await acquireTarget();
  try {
    // A throwaway database gets the demo seed too, so "no rows left behind" is shown on tables that have rows.
    if (target.throwaway) {
      console.log(THROWAWAY_NOTICE);
      await prepare(target.url, { seed: true, adminUrl: target.adminUrl });
    }
    console.log(`Database: ${target.throwaway ? 'THROWAWAY (not a deployment) ' : ''}${displayUrl(target.url)}`);
    return (await smoke(target.url, target.throwaway)) ? 0 : 1;
  } finally {
    await target.release();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    console.error(USAGE);
    process.exit(1);
  },
);
