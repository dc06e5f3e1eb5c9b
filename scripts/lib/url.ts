// Database URLs, in one place: validating them, pointing one at another database or user, and printing one.
import { z } from 'zod';

/** A postgres:// or postgresql:// URL (what DATABASE_URL and the commands' URL arguments must be). */
export const PostgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');

/** The environment variable `name` as a database URL, validated; undefined when unset or empty. */
export function databaseUrlFromEnv(name = 'DATABASE_URL', env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const parsed = PostgresUrl.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${name} ${parsed.error.issues.map((i) => i.message).join('; ')} (got ${JSON.stringify(raw)})`);
  }
  return parsed.data;
}

/** postgresql://user:password@host:port/database. */
export function buildUrl({ host = '127.0.0.1', port, user, password, database = 'postgres' }:
  { host?: string; port: number; user: string; password?: string; database?: string }): string {
  const u = new URL(`postgresql://${host}:${port}/`);
  u.username = encodeURIComponent(user);
  if (password !== undefined) u.password = encodeURIComponent(password);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The same server and database as another user (and password, when given). */
export function withUser(url: string, user: string, password?: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  if (password !== undefined) u.password = encodeURIComponent(password);
  return u.toString();
}

/** The database a URL names. */
export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** True when the URL names a server on this machine. */
export function isLocalHost(url: string): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
}

/** sslmode=disable unless the URL says otherwise: the Supabase CLI tries TLS first, which our clusters lack. */
export function withSslModeDisable(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable');
  return u.toString();
}

/** The URL with its password masked, for printing. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

/** The URL without its password, and the password (decoded) for PGPASSWORD. */
export function splitPassword(url: string): { url: string; password?: string } {
  const u = new URL(url);
  if (!u.password) return { url };
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), password };
}
