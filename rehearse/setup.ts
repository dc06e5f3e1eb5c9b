// The rehearsal's database: a scratch database on the target server with the Supabase compatibility layer (as
// the platform superuser, where we started the cluster) and the BASELINE migration only, applied by the
// Supabase CLI; then production-sized data (rehearse/seed.sql) and VACUUM ANALYZE, as on a live database.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyCompatLayer, ROOT, type Target, withClient } from '../scripts/lib/database.ts';
import { withDatabase } from '../scripts/lib/url.ts';
import { BASELINE, type Config, SEED_FILE } from './config.ts';
import { cliMigrateUpTo, type Migration } from './steps.ts';

export interface Scratch {
  /** The scratch database, as the developer's role (postgres: the owner of what the migrations create). */
  url: string;
  database: string;
  /** A Supabase CLI working directory (config.toml and, per step, the migrations up to that step). */
  workdir: string;
}

export function scratchFor(target: Target): Scratch {
  const database = `rehearse_${process.pid}`;
  const workdir = mkdtempSync(path.join(tmpdir(), 'rehearse-'));
  mkdirSync(path.join(workdir, 'supabase'), { recursive: true });
  copyFileSync(path.join(ROOT, 'supabase', 'config.toml'), path.join(workdir, 'supabase', 'config.toml'));
  return { url: withDatabase(target.url, database), database, workdir };
}

export interface Loaded {
  server: string;
  sizes: Record<string, string>;
  loadSeconds: number;
  /** The CLI's own start-up, so the wall times can be read net of it. */
  cliOverheadMs: number;
}

/** Who creates and drops the scratch database: the platform superuser on a cluster of ours (the developer's role
 * `postgres` exists only once the compatibility layer has run), else DATABASE_URL's user. */
export const serverAdminUrl = (target: Target) => target.adminUrl ?? target.url;

export async function createAndLoad(target: Target, scratch: Scratch, config: Config, all: Migration[]): Promise<Loaded> {
  await withClient(serverAdminUrl(target), (c) => c.query(`create database ${scratch.database}`));
  await applyCompatLayer(scratch.url, target.adminUrl ? withDatabase(target.adminUrl, scratch.database) : undefined);
  const server = await withClient(scratch.url, async (c) => (await c.query<{ v: string }>('select version() as v')).rows[0]!.v);
  await cliMigrateUpTo(scratch.url, all, BASELINE, scratch.workdir);

  console.log(`Loading ${config.REHEARSE_MENTORS} mentors, ${config.REHEARSE_CHAPTERS} chapters (rehearse/seed.sql)…`);
  const loadStart = performance.now();
  const sizes = await withClient(scratch.url, async (c) => {
    await c.query(`select set_config('rehearse.mentors', $1, false), set_config('rehearse.chapters', $2, false)`, [
      String(config.REHEARSE_MENTORS),
      String(config.REHEARSE_CHAPTERS),
    ]);
    await c.query(readFileSync(SEED_FILE, 'utf8'));
    // As the owner of public's tables (not a superuser locally either): it analyses what it owns.
    await c.query('set client_min_messages = error');
    await c.query('vacuum analyze');
    const { rows } = await c.query<Record<string, string>>(`
      select (select count(*) from public.peer_mentors) as peer_mentors,
             (select count(*) from public.chapters) as chapters,
             (select count(*) from public.chapter_memberships) as chapter_memberships,
             (select count(*) from public.users) as users,
             (select count(*) from auth.users) as auth_users,
             pg_size_pretty(pg_total_relation_size('public.peer_mentors')) as peer_mentors_size`);
    return rows[0]!;
  });
  const loadSeconds = Math.round((performance.now() - loadStart) / 100) / 10;
  console.log(`Loaded in ${loadSeconds} s: ${JSON.stringify(sizes)}`);

  const overheadStart = performance.now();
  await cliMigrateUpTo(scratch.url, all, BASELINE, scratch.workdir);
  return { server, sizes, loadSeconds, cliOverheadMs: Math.round(performance.now() - overheadStart) };
}

/** Ids to read and update: a 1 % sample of the mentors. */
export async function sampleMentorIds(url: string): Promise<string[]> {
  return withClient(url, async (c) =>
    (await c.query<{ id: string }>('select id from public.peer_mentors tablesample system (1) limit 10000')).rows.map((r) => r.id));
}

export async function relationOid(url: string, name: string): Promise<number> {
  return withClient(url, async (c) => Number((await c.query<{ oid: string }>('select $1::regclass::oid as oid', [name])).rows[0]!.oid));
}
