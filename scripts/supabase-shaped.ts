// npm run supabase-shaped -- --postgres-repo DIR --auth-repo DIR [--keep]
//
// Builds a database from Supabase's own public SQL and proves `DATABASE_URL=<it> npm test` passes there and
// leaves nothing behind. DIR is a clone (or bare mirror) of github.com/supabase/postgres and of
// github.com/supabase/auth; files are read from their HEAD with `git show`, nothing is downloaded.
//
//   1. a throwaway cluster, initdb'd with supabase_admin as the superuser (Supabase's image does the same);
//   2. supabase/postgres' migrations/db/migrate.sh, by hand: `postgres` created as a superuser owning the
//      database, the init scripts run as postgres, then every migration as supabase_admin (among them
//      10000000000000_demote-postgres: postgres becomes NOSUPERUSER);
//   3. supabase/auth's migrations (namespace auth) as supabase_auth_admin, as the Auth server runs them;
//   4. what the platform adds on top that is not in that SQL, each stood in for explicitly: the 2025-04-21
//      restriction (postgres may not create objects in auth: no CREATE on it, no membership in
//      supabase_auth_admin) and supautils (postgres may set session_replication_role; the extensions the
//      suite needs, pgTAP and plpgsql_check, enabled beforehand by supabase_admin, as a project enables them
//      in the Dashboard, because without supautils postgres cannot create them);
//   5. the project's migrations and demo seed as postgres (like `npm start`), a snapshot of what is there
//      (databases, schemas, extensions, roles, row counts, cron jobs);
//   6. `npm test` with DATABASE_URL as postgres; the snapshot again, which must be identical.
// Statements of Supabase's SQL that fail here (extensions this machine lacks: pgsodium, pg_graphql, pg_net,
// ...) are counted and listed, not fatal: what matters is the shape they leave. DATABASE_URL is not used (said so).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';
import { startThrowawayCluster, type Cluster } from './lib/cluster.ts';
import { applyMigrations, applySeed, ROOT, withClient } from './lib/database.ts';
import { run } from './lib/run.ts';
import { environmentSnapshot } from './lib/schema-snapshot.ts';
import { withDatabase, withUser } from './lib/url.ts';
import { ensureSystemPackages, pgBin } from './lib/system.ts';

const USAGE = 'Usage: npm run supabase-shaped -- --postgres-repo DIR --auth-repo DIR [--keep]   (DIR: a clone of supabase/postgres, of supabase/auth)';

const Args = z.object({ postgresRepo: z.string().min(1), authRepo: z.string().min(1), keep: z.boolean() });

function parseArgs(argv: string[]): z.infer<typeof Args> {
  const out: Record<string, unknown> = { keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--postgres-repo') out.postgresRepo = argv[++i];
    else if (a === '--auth-repo') out.authRepo = argv[++i];
    else if (a === '--keep') out.keep = true;
    else throw new Error(`unknown argument ${JSON.stringify(a)}\n${USAGE}`);
  }
  const parsed = Args.safeParse(out);
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n${USAGE}`);
  return parsed.data;
}

function gitFiles(repo: string, dir: string): string[] {
  return execFileSync('git', ['-C', repo, 'ls-tree', '--name-only', 'HEAD', `${dir}/`]).toString().split('\n')
    .filter((f) => f.endsWith('.sql')).sort();
}

function gitShow(repo: string, file: string): string {
  return execFileSync('git', ['-C', repo, 'show', `HEAD:${file}`], { maxBuffer: 64 * 1024 * 1024 }).toString();
}

/** psql without ON_ERROR_STOP: Supabase's SQL names extensions this machine may lack. Returns the errors. */
async function psqlLenient(url: string, sql: string, label: string): Promise<string[]> {
  const result = await run(pgBin('psql'), ['--no-psqlrc', '-q', '-d', url, '-f', '-'], {
    input: sql,
    allowFailure: true,
    env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' },
  });
  return result.stderr.split('\n').filter((l) => /ERROR:/.test(l)).map((l) => `${label}: ${l.replace(/^psql:[^:]*:\d+: /, '')}`);
}

function urlAs(cluster: Cluster, user: string, database = 'postgres'): string {
  return withUser(withDatabase(cluster.adminUrl, database), user);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  // The one command that never uses DATABASE_URL: the database it tests is the one it builds from Supabase's SQL
  // (and then hands to `npm test` as DATABASE_URL). Say so rather than ignore it silently.
  if (process.env.DATABASE_URL) console.log('DATABASE_URL is set and not used: this command builds its own database from Supabase\'s SQL.');
  await ensureSystemPackages();
  const cluster = await startThrowawayCluster();
  const errors: string[] = [];
  try {
    const admin = cluster.adminUrl;
    // migrate.sh: postgres is created as a superuser that owns the database; the init scripts run as it.
    await withClient(admin, async (c) => {
      await c.query(`create role postgres superuser login password 'postgres'`);
      await c.query('alter database postgres owner to postgres');
    });
    const pgRepo = args.postgresRepo;
    for (const f of gitFiles(pgRepo, 'migrations/db/init-scripts')) {
      errors.push(...(await psqlLenient(cluster.url, gitShow(pgRepo, f), path.basename(f))));
    }
    for (const f of gitFiles(pgRepo, 'migrations/db/migrations')) {
      errors.push(...(await psqlLenient(admin, gitShow(pgRepo, f), path.basename(f))));
    }
    // supabase/auth, as the Auth server runs it: as supabase_auth_admin, in schema auth.
    await withClient(admin, (c) => c.query(`alter role supabase_auth_admin login password 'postgres'`));
    const authUrl = urlAs(cluster, 'supabase_auth_admin');
    for (const f of gitFiles(args.authRepo, 'migrations').filter((f) => f.endsWith('.up.sql'))) {
      const sql = gitShow(args.authRepo, f).replace(/\{\{\s*index\s+\.Options\s+"Namespace"\s*\}\}/g, 'auth');
      errors.push(...(await psqlLenient(authUrl, sql, path.basename(f))));
    }
    // The platform on top of that SQL (see the header), and the extensions the suite needs, as a project enables them.
    await withClient(admin, async (c) => {
      await c.query('revoke create on schema auth from postgres');
      await c.query('revoke supabase_auth_admin from postgres');
      await c.query('grant set on parameter session_replication_role to postgres');
      await c.query('create extension if not exists pgtap with schema extensions');
      await c.query('create extension if not exists plpgsql_check with schema extensions');
    });
    const shape = await withClient(cluster.url, async (c) => (await c.query<{ superuser: boolean; auth_create: boolean; users_select: boolean }>(`
      select (select rolsuper from pg_roles where rolname = 'postgres') as superuser,
             has_schema_privilege('postgres', 'auth', 'CREATE') as auth_create,
             has_table_privilege('service_role', 'auth.users', 'SELECT') as users_select`)).rows[0]!);
    console.log(`Supabase-shaped database on ${cluster.url}`);
    console.log(`  postgres superuser: ${shape.superuser}; postgres may create in auth: ${shape.auth_create}; service_role may select auth.users: ${shape.users_select}`);
    console.log(`  ${errors.length} statement(s) of Supabase's SQL failed here (missing extensions):`);
    for (const e of [...new Set(errors)].slice(0, 40)) console.log(`    ${e}`);

    // The project, like `npm start` would put it there.
    await applyMigrations(cluster.url);
    await applySeed(cluster.url);
    const before = await environmentSnapshot(cluster.url);

    console.log(`\n== DATABASE_URL=${cluster.url} npm test`);
    const test = await run('npm', ['test'], { cwd: ROOT, echo: true, allowFailure: true, env: { ...process.env, DATABASE_URL: cluster.url } });
    const after = await environmentSnapshot(cluster.url);

    const same = JSON.stringify(before) === JSON.stringify(after);
    console.log('\n== supabase-shaped: result');
    console.log(`npm test exited with ${test.code}: ${/^\d+ passed, \d+ failed$/m.exec(test.stdout.split('\n').reverse().join('\n'))?.[0] ?? '(no summary)'}`);
    if (same) console.log('left nothing behind: databases, schemas, extensions, roles, row counts and the publication are as before');
    else console.log(`LEFT SOMETHING BEHIND:\n  before ${JSON.stringify(before)}\n  after  ${JSON.stringify(after)}`);
    if (args.keep) console.log(`kept running: ${cluster.url} (data in ${cluster.dataDir}; stop it with pg_ctl -D … stop)`);
    return test.code === 0 && same ? 0 : 1;
  } finally {
    if (!args.keep) await cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
