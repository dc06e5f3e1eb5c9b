// The project's settings that the Supabase CLI also reads: supabase/config.toml's [db] and [api] sections.
//   [db] port               the local database's port (`npm start`, `npm run db:stop`, `npm run db:reset`)
//   [db] major_version      the PostgreSQL major version for local and throwaway clusters; PG_MAJOR overrides it
//   [api] port              the local Data API's port (`npm start`), served under /rest/v1
//   [api] schemas, extra_search_path, max_rows   what PostgREST exposes, as on a Supabase project
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const CONFIG_TOML = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'), 'supabase', 'config.toml');

export const SUPPORTED_MAJORS = [15, 17] as const;
export type PgMajor = (typeof SUPPORTED_MAJORS)[number];

/** The `key = value` pairs of one [section] of a TOML file (numbers and strings only, which is all we read). */
export function tomlSection(text: string, section: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      current = header[1]!.trim();
      continue;
    }
    const kv = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    if (kv && current === section) out[kv[1]!] = kv[2]!.trim().replace(/^"(.*)"$/, '$1');
  }
  return out;
}

const Port = z.coerce.number().int().min(1).max(65535);
const Major = z.coerce.number().int().refine((n): n is PgMajor => (SUPPORTED_MAJORS as readonly number[]).includes(n), {
  message: `must be one of ${SUPPORTED_MAJORS.join(', ')}`,
});

export interface DbConfig {
  port: number;
  majorVersion: PgMajor;
  /** Where majorVersion came from, for messages. */
  majorSource: string;
}

export function readDbConfig(file = CONFIG_TOML, env: NodeJS.ProcessEnv = process.env): DbConfig {
  const db = tomlSection(readFileSync(file, 'utf8'), 'db');
  const port = Port.safeParse(db.port ?? 54322);
  if (!port.success) throw new Error(`${path.relative(process.cwd(), file)}: [db] port must be a port number 1-65535 (got ${JSON.stringify(db.port)})`);
  const fromEnv = env.PG_MAJOR !== undefined && env.PG_MAJOR !== '';
  const major = Major.safeParse(fromEnv ? env.PG_MAJOR : (db.major_version ?? 15));
  const majorSource = fromEnv ? 'PG_MAJOR' : `${path.relative(process.cwd(), file) || file} [db] major_version`;
  if (!major.success) {
    throw new Error(`${majorSource}: PostgreSQL major version must be one of ${SUPPORTED_MAJORS.join(', ')} (got ${JSON.stringify(fromEnv ? env.PG_MAJOR : db.major_version)})`);
  }
  return { port: port.data, majorVersion: major.data as PgMajor, majorSource };
}

/** A TOML array of strings (`["public", "graphql_public"]`), as config.toml writes them. */
function tomlStringArray(raw: string | undefined, fallback: string[], what: string): string[] {
  if (raw === undefined) return fallback;
  const parsed = z.array(z.string().min(1)).safeParse((() => {
    try {
      return JSON.parse(raw);
    } catch {
      return undefined;
    }
  })());
  if (!parsed.success) throw new Error(`supabase/config.toml: ${what} must be an array of strings like ["public"] (got ${raw})`);
  return parsed.data;
}

export interface ApiConfig {
  /** The Data API's port (`supabase start`'s 54321). */
  port: number;
  /** The schemas the Data API exposes (PostgREST db-schemas). */
  schemas: string[];
  /** Added to every request's search_path (PostgREST db-extra-search-path). */
  extraSearchPath: string[];
  /** The most rows one request returns (PostgREST db-max-rows). */
  maxRows: number;
}

/** supabase/config.toml's [api] section, with `supabase init`'s defaults. */
export function readApiConfig(file = CONFIG_TOML): ApiConfig {
  const api = tomlSection(readFileSync(file, 'utf8'), 'api');
  const port = Port.safeParse(api.port ?? 54321);
  if (!port.success) throw new Error(`supabase/config.toml: [api] port must be a port number 1-65535 (got ${JSON.stringify(api.port)})`);
  const maxRows = z.coerce.number().int().min(1).safeParse(api.max_rows ?? 1000);
  if (!maxRows.success) throw new Error(`supabase/config.toml: [api] max_rows must be a positive integer (got ${JSON.stringify(api.max_rows)})`);
  return {
    port: port.data,
    schemas: tomlStringArray(api.schemas, ['public', 'graphql_public'], '[api] schemas'),
    extraSearchPath: tomlStringArray(api.extra_search_path, ['public', 'extensions'], '[api] extra_search_path'),
    maxRows: maxRows.data,
  };
}
