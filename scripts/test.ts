// npm test: the whole suite on a throwaway database (or DATABASE_URL), ending with `N passed, N failed`.
//
//   1. a new cluster (initdb), the Supabase compatibility layer (as supabase_admin), every migration through
//      the Supabase CLI (as postgres, which is not a superuser: the shape of a Supabase database);
//   2. pgTAP the way `supabase test db` runs it (see runPgTap), as postgres;
//   3. the TypeScript tests under tests/ with node's test runner (each test times out after 3 minutes), each
//      file on a database of its own: a copy of the migrated database on a throwaway cluster, a scratch database
//      built on DATABASE_URL's server otherwise (tests/support/database.ts);
//   4. the project checks (type check, generated types up to date, SQL lint);
//   5. the cluster is stopped and deleted (also on Ctrl-C). On DATABASE_URL nothing is left behind.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { acquireTarget, applyCompatLayer, applyMigrations, prepare, ROOT, serverVersion, withClient, type Target } from './lib/database.ts';
import { run } from './lib/run.ts';
import { isLocalHost, withDatabase, withSslModeDisable, withUser } from './lib/url.ts';

export const TEMPLATE_DATABASE = 'peer_mentor_test_template';
/** Per test: a test that hangs fails after this long (and the run goes on to clean up its cluster). */
const TEST_TIMEOUT_MS = 180_000;

// `npm test -- <path> [<path> …]` runs only the pgTAP and TypeScript files under those paths (and no checks);
// the pgTAP setup file always runs.
const FILTERS = process.argv.slice(2).filter((a) => !a.startsWith('-')).map((a) => path.resolve(a));
const selected = (file: string) =>
  FILTERS.length === 0 || file.includes('00000-setup') || FILTERS.some((f) => file.startsWith(f));

interface Tally {
  name: string;
  passed: number;
  failed: number;
}

function listFiles(dir: string, ...suffixes: string[]): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, ...suffixes));
    else if (suffixes.some((s) => entry.endsWith(s))) out.push(full);
  }
  return out.sort();
}

/** pg_prove's own summary: "Files=F, Tests=T" and, per failing file, "(Wstat: …, Tests: n, Failed: k)". */
export function parsePgProve(output: string, exitCode: number): { passed: number; failed: number } {
  const total = Number(/Files=\d+, Tests=(\d+)/.exec(output)?.[1] ?? 0);
  let failed = 0;
  for (const m of output.matchAll(/\(Wstat: \d+(?: \([^)]*\))? Tests: (\d+) Failed: (\d+)\)/g)) {
    // A file that died or broke its plan without a failing assertion still counts as one failure.
    failed += Math.max(Number(m[2]), 1);
  }
  if (exitCode !== 0 && failed === 0) failed = 1;
  return { passed: Math.max(total - failed, 0), failed };
}

/** node --test's TAP closing lines: "# pass N" and "# fail N". */
export function parseNodeTap(output: string, exitCode: number): { passed: number; failed: number } {
  const passed = Number(/^# pass (\d+)$/m.exec(output)?.[1] ?? 0);
  let failed = Number(/^# fail (\d+)$/m.exec(output)?.[1] ?? 0);
  if (exitCode !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}

/**
 * pgTAP the way `supabase test db` runs it: `create extension if not exists pgtap with schema extensions`,
 * then `pg_prove --ext .pg --ext .sql -r supabase/tests`, then the extension is dropped again if this run
 * created it. The `tests` helper schema that the setup file creates is dropped too, unless it was there before.
 * All as postgres: pgTAP's control file says `superuser = false`, so the database owner may create it.
 */
async function runPgTap(target: Target): Promise<Tally> {
  const testsDir = path.join(ROOT, 'supabase', 'tests');
  const all = listFiles(testsDir, '.sql', '.pg');
  const files = FILTERS.length === 0 ? ['supabase/tests'] : all.filter(selected).map((f) => path.relative(ROOT, f));
  const before = await withClient(target.url, async (c) => (await c.query<{ pgtap: boolean; tests: boolean }>(`
    select exists (select 1 from pg_extension where extname = 'pgtap') as pgtap,
           exists (select 1 from pg_namespace where nspname = 'tests') as tests`)).rows[0]!);
  const extensionUrl = target.url; // pgTAP's control file says superuser = false: postgres creates it, as with the CLI
  console.log(`\n== pgTAP: ${FILTERS.length === 0 ? all.length : files.length} files (pg_prove --ext .pg --ext .sql -r, like \`supabase test db\`)`);
  await withClient(extensionUrl, (c) => c.query('create extension if not exists pgtap with schema extensions'));
  try {
    const result = await run('pg_prove', ['--dbname', target.url, '--ext', '.pg', '--ext', '.sql', ...(FILTERS.length === 0 ? ['-r'] : []), ...files], {
      cwd: ROOT,
      echo: true,
      allowFailure: true,
      env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' },
    });
    return { name: 'pgTAP', ...parsePgProve(result.stdout + result.stderr, result.code) };
  } finally {
    if (!before.tests) await withClient(target.url, (c) => c.query('drop schema if exists tests cascade'));
    if (!before.pgtap) await withClient(extensionUrl, (c) => c.query('drop extension if exists pgtap'));
  }
}

async function runNodeTests(target: Target, files: string[]): Promise<Tally> {
  console.log(`\n== TypeScript: ${files.length} files (node --test)`);
  if (files.length === 0) return { name: 'TypeScript', passed: 0, failed: 0 };
  const result = await run(process.execPath, [
    '--import', 'tsx', '--test', '--test-reporter=tap', `--test-timeout=${TEST_TIMEOUT_MS}`,
    ...files,
  ], {
    cwd: ROOT,
    echo: true,
    allowFailure: true,
    env: {
      ...process.env,
      DATABASE_URL: target.url,
      ...(target.throwaway ? { TEST_TEMPLATE_DATABASE: TEMPLATE_DATABASE } : { TEST_TEMPLATE_DATABASE: '' }),
      TEST_ADMIN_DATABASE_URL: target.throwaway ? (target.adminUrl ?? '') : '',
    },
  });
  return { name: 'TypeScript', ...parseNodeTap(result.stdout, result.code) };
}

interface Check {
  name: string;
  cmd: string;
  args: string[];
}

const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const CHECKS: Check[] = [
  { name: 'TypeScript type check (tsc --noEmit)', cmd: path.join(ROOT, 'node_modules', '.bin', 'tsc'), args: ['--noEmit', '-p', ROOT] },
  { name: 'generated types are up to date (npm run gen:types -- --check)', cmd: TSX, args: [path.join(ROOT, 'scripts', 'gen-types.ts'), '--check'] },
  { name: 'migrations pass the SQL lint (npm run lint:sql)', cmd: TSX, args: [path.join(ROOT, 'scripts', 'lint-sql.ts')] },
];

/**
 * `supabase db lint --db-url … --fail-on warning`: the real CLI, which checks every plpgsql function with the
 * plpgsql_check extension. On Supabase postgres may create that extension (supautils); on a cluster of ours
 * supabase_admin creates it first (the CLI's own `create extension if not exists` is then a no-op) and drops it
 * afterwards. Where the server has no plpgsql_check (PostgreSQL 17 from npm), the check says so and is skipped.
 */
/**
 * The schemas the migrations own. Without --schema the CLI lints every schema, `extensions` too, where a
 * project's pgTAP (installed by the project, not by us) draws warnings of its own.
 */
const LINT_SCHEMAS = ['public', 'private'];

async function runLint(target: Target, tally: Tally): Promise<void> {
  const name = `supabase db lint --schema ${LINT_SCHEMAS.join(',')} --fail-on warning (plpgsql_check)`;
  console.log(`\n== check: ${name}`);
  const state = await withClient(target.url, async (c) => (await c.query<{ installed: boolean; available: boolean }>(`
    select exists (select 1 from pg_extension where extname = 'plpgsql_check') as installed,
           exists (select 1 from pg_available_extensions where name = 'plpgsql_check') as available`)).rows[0]!);
  if (!state.installed && !state.available) {
    console.log(`skip - ${name}: this server has no plpgsql_check extension (${await serverVersion(target.url)})`);
    return;
  }
  const created = !state.installed && target.adminUrl !== undefined;
  if (created) await withClient(target.adminUrl!, (c) => c.query('create extension if not exists plpgsql_check with schema extensions'));
  try {
    const result = await run(path.join(ROOT, 'node_modules', '.bin', 'supabase'), ['db', 'lint', '--db-url', withSslModeDisable(target.url), '--schema', LINT_SCHEMAS.join(','), '--fail-on', 'warning'], {
      cwd: ROOT,
      echo: true,
      allowFailure: true,
      env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
    });
    if (result.code === 0) {
      tally.passed += 1;
      console.log(`ok - ${name}`);
    } else {
      tally.failed += 1;
      console.log(`not ok - ${name} (exit ${result.code})`);
    }
  } finally {
    if (created) await withClient(target.adminUrl!, (c) => c.query('drop extension if exists plpgsql_check'));
  }
}

async function runChecks(target: Target): Promise<Tally> {
  const url = target.url;
  const tally: Tally = { name: 'checks', passed: 0, failed: 0 };
  await runLint(target, tally);
  for (const check of CHECKS) {
    console.log(`\n== check: ${check.name}`);
    const result = await run(check.cmd, check.args, {
      cwd: ROOT,
      echo: true,
      allowFailure: true,
      env: { ...process.env, DATABASE_URL: url },
    });
    if (result.code === 0) {
      tally.passed += 1;
      console.log(`ok - ${check.name}`);
    } else {
      tally.failed += 1;
      console.log(`not ok - ${check.name} (exit ${result.code})`);
    }
  }
  return tally;
}

/** Files under tests/ that the filters select; a filter that selects no test file at all is an error. */
function selectedFiles(): { nodeFiles: string[] } {
  const pgtap = listFiles(path.join(ROOT, 'supabase', 'tests'), '.sql', '.pg');
  const node = listFiles(path.join(ROOT, 'tests'), '.test.ts');
  const unmatched = FILTERS.filter((f) => ![...pgtap, ...node].some((file) => file.startsWith(f) && !file.includes('00000-setup')));
  if (unmatched.length > 0) {
    throw new Error(`no test file under ${unmatched.map((f) => path.relative(process.cwd(), f) || '.').join(', ')} ` +
      '(pgTAP files: supabase/tests/**/*.sql, TypeScript tests: tests/**/*.test.ts)');
  }
  return { nodeFiles: node.filter(selected).map((f) => path.relative(ROOT, f)) };
}

/**
 * For DATABASE_URL on this machine (e.g. the database `npm start` made): its superuser supabase_admin with the
 * local clusters' password, if that connects. Used only to create (and drop) plpgsql_check for the lint, which
 * on Supabase postgres may create itself (supautils) and on plain PostgreSQL only a superuser may.
 */
async function localAdminUrl(url: string): Promise<string | undefined> {
  if (!isLocalHost(url) || new URL(url).username === 'supabase_admin') return undefined;
  const admin = withUser(url, 'supabase_admin', 'postgres');
  try {
    const ok = await withClient(admin, async (c) =>
      (await c.query<{ su: boolean }>('select rolsuper as su from pg_roles where rolname = current_user')).rows[0]?.su === true);
    return ok ? admin : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const { nodeFiles } = selectedFiles();
  const acquired = await acquireTarget();
  const target: Target = acquired.throwaway || acquired.adminUrl ? acquired : { ...acquired, adminUrl: await localAdminUrl(acquired.url) };
  const tallies: Tally[] = [];
  let server = '';
  try {
    console.log(`Database: ${target.throwaway ? 'throwaway cluster' : 'DATABASE_URL'} ${target.url}`);
    if (target.throwaway) {
      // Each TypeScript test file gets its own copy of a migrated template database. Only on a cluster of ours:
      // on an existing database other sessions are connected (always, on Supabase; pg_cron's worker is connected
      // to `postgres` here too), and CREATE DATABASE … TEMPLATE refuses a database anyone is connected to. So the
      // template is built on its own, alongside `postgres`.
      await withClient(target.adminUrl!, (c) => c.query(`create database ${TEMPLATE_DATABASE}`));
      // The layer and the migrations one database after the other: both create cluster-wide roles (the migrations:
      // status_history_writer, `if not exists`), and side by side both could see it missing and one then failed
      // with 23505 on pg_authid (seen once in about 25 runs).
      await applyCompatLayer(target.url, target.adminUrl);
      await applyCompatLayer(withDatabase(target.url, TEMPLATE_DATABASE), withDatabase(target.adminUrl!, TEMPLATE_DATABASE));
      await applyMigrations(target.url);
      await applyMigrations(withDatabase(target.url, TEMPLATE_DATABASE));
    } else {
      await prepare(target.url);
    }
    server = await serverVersion(target.url);
    console.log(`server: ${server}`);
    tallies.push(await runPgTap(target));
    tallies.push(await runNodeTests(target, nodeFiles));
    if (FILTERS.length === 0) tallies.push(await runChecks(target));
  } finally {
    if (target.throwaway) {
      await withClient(target.url, (c) => c.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`)).catch(() => {});
    }
    await target.release();
  }
  if (server) console.log(`\nserver: ${server}`);
  console.log('\n== summary');
  for (const t of tallies) console.log(`${t.name}: ${t.passed} passed, ${t.failed} failed`);
  const passed = tallies.reduce((n, t) => n + t.passed, 0);
  const failed = tallies.reduce((n, t) => n + t.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
