// The benchmark's databases: created fresh on the target server, migrated like `npm test` does, seeded in
// one of the two data shapes, and put back to the seeded state between repetitions.
import { cpus } from 'node:os';
import pg from 'pg';
import { prepare } from '../scripts/lib/database.ts';
import type { Config } from './config.ts';
import { inTransaction, q, round, sqlFile, timed, urlForDatabase, withClient } from './util.ts';

export type Shape = 'current' | 'large organisation';

export interface BenchDatabase {
  name: string;
  /** As the application's owner role (postgres), which runs the migrations and owns the tables. */
  url: string;
  /** As the platform superuser (supabase_admin) on a throwaway cluster, for auto_explain; else undefined. */
  adminUrl?: string;
}

/** Creates and migrates a benchmark database (JIT off, a 20-minute statement timeout: see bench/README.md). */
export async function createDatabase(serverUrl: string, name: string, adminServerUrl?: string): Promise<BenchDatabase> {
  // Created by the platform superuser on a cluster of ours (the compatibility layer then creates the
  // postgres role, as on Supabase), else by DATABASE_URL's role, which needs CREATEDB.
  await withClient(adminServerUrl ?? serverUrl, async (c) => {
    await q(c, `create database ${name}`);
    await q(c, `alter database ${name} set jit = off`);
    await q(c, `alter database ${name} set statement_timeout = '20min'`);
  });
  const url = urlForDatabase(serverUrl, name);
  // The compatibility layer needs the platform superuser (supabase_admin) on a throwaway cluster.
  const adminUrl = adminServerUrl ? urlForDatabase(adminServerUrl, name) : undefined;
  await prepare(url, { adminUrl });
  if (adminServerUrl) {
    // CHECKPOINT between repetitions needs pg_checkpoint; postgres is not a superuser (as on Supabase). On a
    // throwaway cluster only.
    await withClient(adminUrl!, (c) => q(c, 'grant pg_checkpoint to postgres'));
  }
  await withClient(url, (c) => q(c, sqlFile('schema.sql')));
  return { name, url, ...(adminUrl ? { adminUrl } : {}) };
}

export async function dropDatabase(db: BenchDatabase, serverUrl: string): Promise<void> {
  await withClient(serverUrl, (c) => q(c, `drop database if exists ${db.name} with (force)`));
}

export async function environment(url: string, throwaway: boolean) {
  return withClient(url, async (c) => {
    const { rows } = await q<Record<string, string>>(c, `
      select version() as version, current_setting('fsync') as fsync,
             current_setting('synchronous_commit') as synchronous_commit,
             current_setting('full_page_writes') as full_page_writes, current_setting('shared_buffers') as shared_buffers,
             current_setting('work_mem') as work_mem, current_setting('jit') as jit, current_setting('max_wal_size') as max_wal_size`);
    return { ...(rows[0] as Record<string, string>), throwawayCluster: throwaway, cpus: cpus().length } as Record<string, string | number | boolean>;
  });
}

/** Is the responsibility relation (issue 10) in this database? */
export async function hasRelation(c: pg.ClientBase): Promise<boolean> {
  const { rows } = await q<{ ok: boolean }>(c, `select to_regclass('private.responsibilities') is not null as ok`);
  return rows[0]!.ok;
}

/** Differences between the maintained relation and the one computed from scratch (must be none). */
async function relationDifferences(c: pg.ClientBase): Promise<number | null> {
  const { rows } = await q<{ ok: boolean }>(c, `select to_regprocedure('private.responsibility_differences()') is not null as ok`);
  if (!rows[0]!.ok) return null;
  return Number((await q(c, 'select count(*) as n from private.responsibility_differences()')).rows[0]!.n);
}

async function counts(c: pg.ClientBase) {
  const relation = await hasRelation(c);
  const { rows } = await q(c, `
    select (select count(*) from public.organizations)::int as organizations,
           (select count(*) from public.chapters)::int as chapters,
           (select count(*) from public.chapter_memberships)::int as chapter_memberships,
           (select count(*) from public.chapter_memberships where role = 'coordinator' and is_active)::int as active_coordinator_memberships,
           (select count(*) from public.peer_mentors)::int as peer_mentors,
           (select count(*) from public.peer_mentor_status_history)::bigint as history_rows
           ${relation ? `,
           (select count(*) from private.mentor_scopes)::int as mentor_scopes,
           (select count(*) from private.mentor_scopes where via = 'organisation')::int as fallback_mentor_scopes,
           (select count(*) from private.coordinator_scopes)::int as coordinator_scopes` : ''}`);
  return rows[0]!;
}

/** Seeds one shape set-based (bench/seed.sql or bench/seed-large-org.sql) and checks what it wrote. */
export async function seed(db: BenchDatabase, shape: Shape, cfg: Config): Promise<Record<string, unknown>> {
  return withClient(db.url, async (c) => {
    const settings: Record<string, number> = shape === 'current'
      ? { mentors: cfg.BENCH_MENTORS, chapters: cfg.BENCH_CHAPTERS, history: cfg.BENCH_HISTORY }
      : { mentors: cfg.BENCH_ORG_MENTORS, chapters: cfg.BENCH_ORG_CHAPTERS, coordinator_every: cfg.BENCH_ORG_COORDINATOR_EVERY };
    const seconds = (await timed(() => inTransaction(c, async () => {
      await q(c, 'set local synchronous_commit = off');
      for (const [k, v] of Object.entries(settings)) await q(c, `select set_config($1, $2, true)`, [`bench.${k}`, String(v)]);
      await q(c, sqlFile(shape === 'current' ? 'seed.sql' : 'seed-large-org.sql'));
    }))) / 1000;
    if (shape === 'current') {
      await q(c, 'vacuum analyze');
    } else {
      // Plans must not depend on luck: no ANALYZE here (the first round of (7) runs right after the bulk
      // load), and autovacuum off for this database's tables, so statistics change only where (7) says so.
      await q(c, `do $$
        declare r record;
        begin
          for r in select c.oid::regclass as t from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                    where c.relkind = 'r' and n.nspname in ('public', 'private') loop
            execute pg_catalog.format('alter table %s set (autovacuum_enabled = false)', r.t);
          end loop;
        end $$`);
    }
    await checkpoint(c);
    const differences = await relationDifferences(c);
    if (differences !== null && differences !== 0) {
      throw new Error(`${shape} seed: the responsibility relation differs from its definition in ${differences} pairs`);
    }
    if (shape === 'current') await checkChain(c);
    return { seconds: round(seconds, 1), ...(await counts(c)), relationDifferences: differences };
  });
}

/** The history chain invariant over every seeded row (seed.sql writes the history directly). */
async function checkChain(c: pg.ClientBase): Promise<void> {
  const chain = await q(c, `
    with ordered as (
      select h.mentor_id, h.previous_status, h.new_status,
             lag(h.new_status) over w as before,
             row_number() over w as rn,
             row_number() over (partition by h.mentor_id order by h.changed_at desc, h.id desc) as rn_desc
        from public.peer_mentor_status_history h
      window w as (partition by h.mentor_id order by h.changed_at, h.id))
    select count(*) filter (where rn = 1 and previous_status is not null)
         + count(*) filter (where rn > 1 and previous_status is distinct from before)
         + count(*) filter (where rn_desc = 1 and new_status <> pm.status) as violations
      from ordered o join public.peer_mentors pm on pm.id = o.mentor_id`);
  const violations = Number(chain.rows[0]?.violations);
  if (violations !== 0) throw new Error(`seed.sql wrote ${violations} history chain violations`);
}

/** CHECKPOINT, so that every repetition starts with the same amount of WAL to flush; skipped (once said) where
 *  DATABASE_URL's role may not (pg_checkpoint). */
let checkpointRefused = false;
export async function checkpoint(c: pg.ClientBase): Promise<void> {
  if (checkpointRefused) return;
  try {
    await c.query('checkpoint');
  } catch (err) {
    if ((err as { code?: string }).code !== '42501') throw err;
    checkpointRefused = true;
    console.log('[bench] CHECKPOINT refused (no pg_checkpoint): repetitions start without one');
  }
}

/** Back to the seeded state (bench/reset.sql), then VACUUM and CHECKPOINT, so every repetition starts alike. */
export async function resetState(c: pg.ClientBase): Promise<void> {
  await inTransaction(c, () => q(c, sqlFile('reset.sql')));
  await q(c, 'vacuum public.peer_mentors, public.peer_mentor_status_history, public.coordinator_notifications, public.job_runs');
  await checkpoint(c);
}

export const DISABLE_USER_TRIGGERS = [
  'alter table public.peer_mentors disable trigger user',
  'alter table public.peer_mentor_status_history disable trigger user',
];
