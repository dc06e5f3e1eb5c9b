// For TypeScript tests: the database each test file works on.
//
// On a throwaway cluster (`npm test` without DATABASE_URL) each file gets its own copy of the migrated
// database, made from the template that scripts/test.ts prepares, so files can run in parallel and commit
// freely. On an existing database (`DATABASE_URL=… npm test`, e.g. a Supabase project) there is no copy: other
// sessions are connected there, and CREATE DATABASE … TEMPLATE refuses a database anyone uses. The files then run
// one at a time in that database itself, each working on rows of its own and deleting them afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';

const env = z
  .object({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres URL (run through `npm test`)'),
    TEST_TEMPLATE_DATABASE: z.string().optional(),
    TEST_ADMIN_DATABASE_URL: z.string().optional(),
  })
  .parse(process.env);

/** True when the tests run on a cluster of their own (database copies, a superuser at hand). */
export const ON_THROWAWAY_CLUSTER = (env.TEST_TEMPLATE_DATABASE ?? '') !== '';

/** The platform superuser (supabase_admin) on the same server, where we started it; undefined otherwise. */
export const ADMIN_DATABASE_URL: string | undefined = env.TEST_ADMIN_DATABASE_URL || undefined;

/** Why a test that needs a disposable database of its own (it rolls migrations back) does not run here. */
export const NO_SCRATCH_DATABASE =
  ON_THROWAWAY_CLUSTER && ADMIN_DATABASE_URL ? false :
    'skipped on DATABASE_URL: this test rolls migrations back, so it needs a disposable database with the Supabase ' +
    'compatibility layer, which only a throwaway cluster (npm test without DATABASE_URL) can make; ' +
    'it never rolls back the database it is pointed at';

export interface TestDatabase {
  url: string;
  name: string;
  /** True when this is a copy of our own (drop() deletes it); false on DATABASE_URL's database itself. */
  isCopy: boolean;
  drop(): Promise<void>;
}

export function urlForDatabase(name: string, base = env.DATABASE_URL): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  if (!ON_THROWAWAY_CLUSTER) {
    const name = new URL(env.DATABASE_URL).pathname.slice(1) || 'postgres';
    return { name, url: env.DATABASE_URL, isCopy: false, drop: async () => {} };
  }
  const name = `t_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${env.TEST_TEMPLATE_DATABASE}`);
    // Per-database settings are not copied from a template: give it Supabase's search path too.
    await admin.query(`alter database ${name} set search_path = "$user", public, extensions`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: urlForDatabase(name),
    isCopy: true,
    drop: async () => {
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
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
