// For TypeScript tests: the database each test file works on, always one of its own, so files run in parallel,
// commit freely, and never see (or change) rows that were already there.
//
// On a throwaway cluster (`npm test` without DATABASE_URL) it is a copy of the migrated database, made from
// the template that scripts/test.ts prepares. On an existing server (`DATABASE_URL=… npm test`, e.g. a
// Supabase project) nothing is copied: other sessions are connected to its databases (always, on Supabase), and
// CREATE DATABASE … TEMPLATE refuses a database anyone uses. Instead each file gets a scratch database on that
// server (postgres may create databases on Supabase too), with the per-database part of the compatibility layer
// (supabase/compat/platform_objects.sql, run as postgres: the roles are the server's own) and every migration
// through the Supabase CLI; it is dropped afterwards. The pgTAP files are what runs in DATABASE_URL's database.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import { applyMigrations, COMPAT_SQL, PLATFORM_OBJECTS_SQL, psqlFile } from '../../scripts/lib/database.ts';
import { PostgresUrl, withDatabase } from '../../scripts/lib/url.ts';

const env = z
  .object({
    DATABASE_URL: PostgresUrl.describe('DATABASE_URL (run through `npm test`)'),
    TEST_TEMPLATE_DATABASE: z.string().optional(),
    TEST_ADMIN_DATABASE_URL: z.string().optional(),
  })
  .parse(process.env);

/** True when the tests run on a cluster of their own (database copies, a superuser at hand). */
export const ON_THROWAWAY_CLUSTER = (env.TEST_TEMPLATE_DATABASE ?? '') !== '';

/** The platform superuser (supabase_admin) on the same server, where we started it; undefined otherwise. */
export const ADMIN_DATABASE_URL: string | undefined = env.TEST_ADMIN_DATABASE_URL || undefined;

/**
 * Why a test that applies the full compatibility layer itself (as supabase_admin) cannot run here, or false.
 * Such a test can run on any server instead with createPlatformDatabase().
 */
export const NO_SCRATCH_DATABASE: string | false = ADMIN_DATABASE_URL ? false :
  'skipped on DATABASE_URL: this test applies supabase/compat/supabase.sql, which needs the superuser of a ' +
  'throwaway cluster (createPlatformDatabase() in tests/support/database.ts works on any server)';

/**
 * An empty database named `name` on the server, with the Supabase layer but no migration: the full layer as
 * supabase_admin on a cluster of ours; on an existing server its per-database part as postgres.
 */
export async function createPlatformDatabase(name: string): Promise<string> {
  const server = new pg.Client({ connectionString: env.DATABASE_URL });
  await server.connect();
  try {
    await server.query(`create database ${pg.escapeIdentifier(name)} template template0`);
  } finally {
    await server.end();
  }
  if (ADMIN_DATABASE_URL) await psqlFile(urlForDatabase(name, ADMIN_DATABASE_URL), COMPAT_SQL);
  else await psqlFile(urlForDatabase(name), PLATFORM_OBJECTS_SQL);
  return urlForDatabase(name);
}

/** Drops a database of the server (with force: tests may leave connections behind). */
export async function dropDatabase(name: string): Promise<void> {
  const c = new pg.Client({ connectionString: env.DATABASE_URL });
  await c.connect();
  try {
    await c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  } finally {
    await c.end();
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export function urlForDatabase(name: string, base = env.DATABASE_URL): string {
  return withDatabase(base, name);
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `t_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  if (!ON_THROWAWAY_CLUSTER) {
    try {
      await applyMigrations(await createPlatformDatabase(name));
    } catch (err) {
      await dropDatabase(name).catch(() => {});
      throw err;
    }
    return { name, url: urlForDatabase(name), drop: () => dropDatabase(name) };
  }
  const admin = new pg.Client({ connectionString: env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${env.TEST_TEMPLATE_DATABASE}`);
    // Per-database settings are not copied from a template: give it Supabase's search path too.
    await admin.query(`alter database ${name} set search_path = "$user", public, extensions`);
  } finally {
    await admin.end();
  }
  return { name, url: urlForDatabase(name), drop: () => dropDatabase(name) };
}

/** Runs fn inside a transaction as a signed-in user, the way PostgREST does. */
export async function asUser<T>(client: pg.ClientBase, userId: string | null, fn: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    if (userId) {
      await client.query(`select set_config('role', 'authenticated', true),
                                 set_config('request.jwt.claims', $1, true)`, [
        JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated' }),
      ]);
    } else {
      await client.query(`select set_config('role', 'service_role', true),
                                 set_config('request.jwt.claims', '{"role":"service_role"}', true)`);
    }
    const result = await fn();
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback');
    throw err;
  }
}
