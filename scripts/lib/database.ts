// Getting a database ready: the target (DATABASE_URL or a throwaway cluster), the Supabase compatibility
// layer (only where the target is plain PostgreSQL), the migrations (through the real Supabase CLI) and the seed.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';
import { startThrowawayCluster, type Cluster } from './cluster.ts';
import { run } from './run.ts';
import { ensureSystemPackages, pgBin } from './system.ts';
import { databaseUrlFromEnv, withSslModeDisable } from './url.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const COMPAT_SQL = path.join(ROOT, 'supabase', 'compat', 'supabase.sql');
/** The per-database part of the layer, runnable by the database's owner (no superuser): for scratch databases. */
export const PLATFORM_OBJECTS_SQL = path.join(ROOT, 'supabase', 'compat', 'platform_objects.sql');
export const SEED_SQL = path.join(ROOT, 'supabase', 'seed.sql');
const SUPABASE_CLI = path.join(ROOT, 'node_modules', '.bin', 'supabase');

export interface Target {
  /** As the developer's role (`postgres` on a cluster of ours: not a superuser). */
  url: string;
  /** As the platform's superuser (supabase_admin), on clusters we started; undefined for DATABASE_URL. */
  adminUrl?: string;
  /** True when we started the cluster and will throw it away. */
  throwaway: boolean;
  release(): Promise<void>;
}

/** The database a command works on: DATABASE_URL when set, else a brand-new throwaway cluster. */
export async function acquireTarget(envName = 'DATABASE_URL', settings: Record<string, string> = {}): Promise<Target> {
  const url = databaseUrlFromEnv(envName);
  if (url) return { url, throwaway: false, release: async () => {} };
  await ensureSystemPackages();
  const cluster: Cluster = await startThrowawayCluster(settings);
  return { url: cluster.url, adminUrl: cluster.adminUrl, throwaway: true, release: () => cluster.stop() };
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** psql with ON_ERROR_STOP, so the first failing statement fails the command with its message. */
export async function psqlFile(url: string, file: string): Promise<void> {
  await run(pgBin('psql'), ['--no-psqlrc', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], {
    env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' },
  });
}

/** A Supabase database (or one that already has the layer) has auth.uid() and the API roles. */
export async function hasSupabaseLayer(url: string): Promise<boolean> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ ok: boolean }>(`
      select to_regprocedure('auth.uid()') is not null
         and to_regclass('auth.users') is not null
         and (select count(*) from pg_roles where rolname in ('anon', 'authenticated', 'service_role')) = 3
         and exists (select 1 from pg_namespace where nspname = 'extensions') as ok`);
    return rows[0]?.ok === true;
  });
}

/**
 * The compatibility layer, where the database is plain PostgreSQL. It runs as the superuser supabase_admin
 * (adminUrl, a database on one of our clusters); without one it is tried on url and refuses unless that
 * connects as supabase_admin.
 */
export async function applyCompatLayer(url: string, adminUrl?: string): Promise<'applied' | 'skipped'> {
  if (await hasSupabaseLayer(adminUrl ?? url)) return 'skipped';
  await psqlFile(adminUrl ?? url, COMPAT_SQL);
  return 'applied';
}

/** Applies pending migrations with the real Supabase CLI; it records them in supabase_migrations.schema_migrations. */
export async function applyMigrations(url: string): Promise<void> {
  await run(SUPABASE_CLI, ['migration', 'up', '--include-all', '--db-url', withSslModeDisable(url)], {
    cwd: ROOT,
    env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
}

export async function applySeed(url: string): Promise<void> {
  await psqlFile(url, SEED_SQL);
}

/** Compatibility layer (if needed, as adminUrl) + migrations and seed (as url), and the seed when asked. */
export async function prepare(url: string, { seed = false, adminUrl }: { seed?: boolean; adminUrl?: string } = {}): Promise<void> {
  await applyCompatLayer(url, adminUrl);
  await applyMigrations(url);
  if (seed) await applySeed(url);
}

export async function rowCounts(url: string): Promise<Record<string, number>> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ table_name: string }>(
      `select table_name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    );
    const counts: Record<string, number> = {};
    for (const { table_name } of rows) {
      const r = await client.query<{ n: string }>(`select count(*) as n from public.${pg.escapeIdentifier(table_name)}`);
      counts[table_name] = Number(r.rows[0]?.n ?? 0);
    }
    return counts;
  });
}

/** "PostgreSQL 15.14", from the server itself. */
export async function serverVersion(url: string): Promise<string> {
  return withClient(url, async (c) => `PostgreSQL ${(await c.query<{ v: string }>('select current_setting(\'server_version\') as v')).rows[0]!.v.split(' ')[0]}`);
}
