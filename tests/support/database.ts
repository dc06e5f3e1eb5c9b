// For TypeScript tests: each test file gets its own copy of the migrated database, made from the template
// that scripts/test.ts prepares, so files can run in parallel and commit freely.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';

const env = z
  .object({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres URL (run through `npm test`)'),
    TEST_TEMPLATE_DATABASE: z.string().min(1, 'TEST_TEMPLATE_DATABASE is set by `npm test`'),
  })
  .parse(process.env);

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export function urlForDatabase(name: string): string {
  const u = new URL(env.DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
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
