// (9) Reads right after a bulk coordinator import, before any ANALYZE (issue 18): 100k mentors in 1,000 chapters
// of one organisation, all on the organisation fallback (no coordinator anywhere) and ANALYZEd so; then a
// coordinator is added to every chapter in two statements (half the chapters each), which rewrites every
// mentor's scopes from the fallback to its chapter. Right after (autovacuum off, no ANALYZE by the benchmark), a
// coordinator of 3 chapters lists its ~300 mentors under RLS, against the service role with the explicit filter.
// The statistics still describe every mentor on the fallback: a plan that trusts them hashes the whole
// mentor_scopes instead of probing the coordinator's scopes (5.8x on 2026-12-02). Target <= 1.2x.
import type { Config } from './config.ts';
import { createDatabase, type BenchDatabase } from './setup.ts';
import { interleaved, sameRows, type Pair } from './rls.ts';
import { compare, inTransaction, log, q, side, sqlFile, timed, withClient, type Measured } from './util.ts';

const SEED = `
  insert into public.organizations (id, name) values (bench.uuid_of('bulk-org', 1), 'Bulk import organisation');
  insert into public.chapters (id, organization_id, name)
  select bench.uuid_of('bulk-chapter', c), bench.uuid_of('bulk-org', 1), 'Bulk chapter ' || c
    from generate_series(1, current_setting('bench.chapters')::int) c;
  with u as (
    select bench.uuid_of('bulk-user', n) as id, 'bulk-user-' || n as name from generate_series(1, current_setting('bench.mentors')::int) n
    union all
    select bench.uuid_of('bulk-coordinator', c), 'bulk-coordinator-' || c from generate_series(1, current_setting('bench.chapters')::int) c
    union all
    select bench.uuid_of('bulk-reader', 1), 'bulk-reader'
  ), a as (
    insert into auth.users (id, aud, role, email)
    select u.id, 'authenticated', 'authenticated', u.name || '@bench.invalid' from u
    returning id, email
  )
  insert into public.users (id, full_name, email) select a.id, a.email, a.email from a;
  -- Mentors first (sign-ups), then their memberships: mentor n in chapter ((n - 1) mod C) + 1.
  insert into public.peer_mentors (user_id) select bench.uuid_of('bulk-user', n) from generate_series(1, current_setting('bench.mentors')::int) n;
  insert into public.chapter_memberships (chapter_id, user_id, role)
  select bench.uuid_of('bulk-chapter', (n - 1) % current_setting('bench.chapters')::int + 1), bench.uuid_of('bulk-user', n), 'peer_mentor'
    from generate_series(1, current_setting('bench.mentors')::int) n;`;

/** Half of the chapters' coordinators, in one statement; the reader coordinates chapters 1-3 (first half). */
const IMPORT = (from: string, to: string) => `
  insert into public.chapter_memberships (chapter_id, user_id, role)
  select bench.uuid_of('bulk-chapter', c), bench.uuid_of('bulk-coordinator', c), 'coordinator'::public.chapter_role
    from generate_series(${from}, ${to}) c
  union all
  select bench.uuid_of('bulk-chapter', c), bench.uuid_of('bulk-reader', 1), 'coordinator'
    from generate_series(1, 3) c
   where c between ${from} and ${to}`;

export async function benchBulkImportReads(serverUrl: string, adminUrl: string | undefined, cfg: Config, created: BenchDatabase[]): Promise<Measured> {
  const mentors = cfg.BENCH_MENTORS;
  const chapters = cfg.BENCH_CHAPTERS;
  log(`(9) reads right after a bulk coordinator import: ${mentors} mentors, ${chapters} chapters, one organisation`);
  const db = await createDatabase(serverUrl, `peer_mentor_bench_${process.pid}_bulk`, adminUrl);
  created.push(db);
  return withClient(db.url, async (c) => {
    const seedMs = await timed(() => inTransaction(c, async () => {
      await q(c, 'set local synchronous_commit = off');
      await q(c, `select set_config('bench.mentors', $1, true), set_config('bench.chapters', $2, true)`, [String(mentors), String(chapters)]);
      await q(c, SEED);
    }));
    // The statistics the import will contradict: every mentor on the organisation fallback. Then autovacuum off,
    // so nothing but the maintenance itself can refresh them.
    await q(c, 'vacuum analyze');
    await q(c, `do $$
      declare r record;
      begin
        for r in select c.oid::regclass as t from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                  where c.relkind = 'r' and n.nspname in ('public', 'private') loop
          execute pg_catalog.format('alter table %s set (autovacuum_enabled = false)', r.t);
        end loop;
      end $$`);
    const half = Math.floor(chapters / 2);
    const importMs = [
      await timed(() => q(c, IMPORT('1', String(half)))),
      await timed(() => q(c, IMPORT(String(half + 1), String(chapters)))),
    ];
    log(`  seeded in ${(seedMs / 1000).toFixed(1)} s; coordinators imported in two statements: ${importMs.map((x) => x.toFixed(0)).join(' ms, ')} ms`);
    const differences = Number((await inTransaction(c, () => q(c, 'select count(*) as n from private.responsibility_differences()'))).rows[0]!.n);
    if (differences) throw new Error(`(9) the relation differs from its definition in ${differences} pairs after the import`);

    const reader = (await q<{ id: string }>(c, `select bench.uuid_of('bulk-reader', 1)::text as id`)).rows[0]!.id;
    const someMentor = (await q<{ id: string }>(c, `select id::text from public.peer_mentors limit 1`)).rows[0]!.id;
    const pairs: Pair[] = [{ mentor: someMentor, coordinator: reader }];
    const rlsText = sqlFile('rls/list-mentors-rls.sql');
    // The explicit filter an app would write without RLS, over the base tables (every chapter has a coordinator
    // here, so no mentor is on the fallback): the mentors of the chapters the coordinator ($2) coordinates.
    const serviceText = `
select pm.*
  from public.peer_mentors pm
 where pm.user_id in (select m.user_id
                        from public.chapter_memberships m
                       where m.role = 'peer_mentor' and m.is_active
                         and m.chapter_id in (select k.chapter_id from public.chapter_memberships k
                                               where k.user_id = $2::uuid and k.role = 'coordinator' and k.is_active))
   and pm.user_id <> $2::uuid`;
    const listed = await sameRows(c, rlsText, serviceText, [someMentor, reader], reader);
    const s = await interleaved(c, rlsText, serviceText, pairs, 20, cfg.BENCH_ROUNDS, `(9) ${listed} mentors`);
    const rows = (['Planned', 'Prepared'] as const).map((mode) => compare('bulk import',
      `bulk_import_listing_${mode.toLowerCase()}`,
      `(9) right after a bulk coordinator import (no ANALYZE): a coordinator of 3 chapters lists its ${listed} mentors, ${mode.toLowerCase()}`,
      side('authenticated, RLS', 'ms', s[`rls${mode}`]), side('service_role, explicit filter', 'ms', s[`service${mode}`]),
      'RLS time / explicit filter time (lower is better)', { op: '<=', value: 1.2 }));
    return { rows, details: { bulkImportReads: { seedMs, importMs, listed, samples: s } } };
  });
}
