// (4a)/(4b) a coordinator's reads under RLS vs the service role with the equivalent explicit filter (both read
// the responsibility relation), planned each time and prepared; the timeline's plan under RLS (EXPLAIN).
import pg from 'pg';
import type { Config } from './config.ts';
import {
  compare, inTransaction, log, median, planShape, q, round, side, sqlFile, withClient, type Measured, type PlanNode, type Row,
} from './util.ts';

export type Role = 'authenticated' | 'service_role';

export const claimsFor = (role: Role, id: string) =>
  JSON.stringify(role === 'authenticated' ? { sub: id, role: 'authenticated', aud: 'authenticated' } : { role: 'service_role' });

/** Runs fn in a transaction as role, with request.jwt.claims for the user id (as PostgREST does). */
export const as = <T>(c: pg.ClientBase, role: Role, id: string, fn: () => Promise<T>): Promise<T> =>
  inTransaction(c, async () => {
    await q(c, `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [role, claimsFor(role, id)]);
    return fn();
  });

/** Both sides must return the same rows (uuid parameters $1 mentor, $2 coordinator: a query may use either or none). */
export async function sameRows(c: pg.ClientBase, rlsText: string, serviceText: string, params: string[], coordinator: string) {
  const digest = (text: string) => `select count(*)::int as n, md5(string_agg(to_jsonb(x)::text, ',' order by to_jsonb(x)::text)) as d
                                      from (${text}\n) x, (select ${params.map((_, i) => `$${i + 1}::uuid`).join(', ')}) as params`;
  const a = await as(c, 'authenticated', coordinator, () => q(c, digest(rlsText), params));
  const b = await as(c, 'service_role', coordinator, () => q(c, digest(serviceText), params));
  if (JSON.stringify(a.rows[0]) !== JSON.stringify(b.rows[0])) {
    throw new Error(`RLS and service-role queries disagree (${JSON.stringify(params)}): ${JSON.stringify([a.rows[0], b.rows[0]])}\n${rlsText}`);
  }
  if (Number(a.rows[0]?.n) === 0) throw new Error(`no rows for ${JSON.stringify(params)}:\n${rlsText}`);
  return Number(a.rows[0]?.n);
}

/** Server-side timing of one query (bench.time_reads), cycling through (mentor, coordinator) pairs. */
export async function timeReads(c: pg.ClientBase, role: Role, text: string, pairs: Pair[], iterations: number, prepared: boolean) {
  const claims = pairs.map((p) => claimsFor(role, p.coordinator));
  return as(c, role, pairs[0]!.coordinator, async () => {
    const { rows } = await q<{ ms: number }>(c, 'select bench.time_reads($1, $2, $3, $4, $5, $6) as ms',
      [text, claims, pairs.map((p) => p.mentor), pairs.map((p) => p.coordinator), iterations, prepared]);
    return rows[0]!.ms;
  });
}

export interface Pair {
  mentor: string;
  coordinator: string;
}

/**
 * Interleaved blocks (order flipped every block) of the RLS query and the service query, planned and prepared:
 * samples per side and mode, medians logged.
 */
export async function interleaved(c: pg.ClientBase, rlsText: string, serviceText: string, pairs: Pair[], iterations: number, blocks: number, label: string) {
  const out: Record<'rlsPlanned' | 'servicePlanned' | 'rlsPrepared' | 'servicePrepared', number[]> =
    { rlsPlanned: [], servicePlanned: [], rlsPrepared: [], servicePrepared: [] };
  for (const mode of ['Planned', 'Prepared'] as const) {
    const prepared = mode === 'Prepared';
    await timeReads(c, 'authenticated', rlsText, pairs, Math.ceil(iterations / 5), prepared); // warm-up
    await timeReads(c, 'service_role', serviceText, pairs, Math.ceil(iterations / 5), prepared);
    for (let b = 0; b < blocks; b++) {
      const rls = async () => out[`rls${mode}`].push(await timeReads(c, 'authenticated', rlsText, pairs, iterations, prepared));
      const service = async () => out[`service${mode}`].push(await timeReads(c, 'service_role', serviceText, pairs, iterations, prepared));
      if (b % 2 === 0) { await rls(); await service(); } else { await service(); await rls(); }
    }
    log(`  ${label.padEnd(14)} ${mode.toLowerCase().padEnd(8)} RLS ${median(out[`rls${mode}`]).toFixed(3)} ms, ` +
      `service ${median(out[`service${mode}`]).toFixed(3)} ms (medians of ${blocks})`);
  }
  return out;
}

/** EXPLAIN (ANALYZE, BUFFERS) as a signed-in coordinator (or the service role), text and shape. */
export async function explainAs(c: pg.ClientBase, text: string, params: string[], coordinator: string, role: Role = 'authenticated') {
  let literal = text;
  params.forEach((p, i) => { literal = literal.replaceAll(`$${i + 1}::`, `'${p}'::`); });
  const run = (format: string) => as(c, role, coordinator, () => q(c, `explain (analyze, buffers${format}) ${literal}`));
  const textPlan = (await run('')).rows.map((x) => x['QUERY PLAN'] as string).join('\n');
  const tree = ((await run(', format json')).rows[0]!['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0]!.Plan;
  return { ...planShape(tree), text: textPlan };
}

export const TIMELINE_INDEX = 'peer_mentor_status_history_mentor_timeline_idx';

const planNote = (p: { indexes: string[]; hasSort: boolean; nodeTypes: string[] }) =>
  `timeline plan under RLS: ${p.indexes.includes(TIMELINE_INDEX) && p.nodeTypes.includes('Index Scan') ? 'an ordered index scan of' : 'does NOT scan'} ` +
  `${TIMELINE_INDEX}, ${p.hasSort ? 'WITH a Sort node' : 'no Sort node'}`;

/** The current shape's coordinators (odd ones from 3 on run two chapters) and their mentors (see seed.sql). */
async function currentPairs(c: pg.ClientBase, cfg: Config) {
  const C = cfg.BENCH_CHAPTERS;
  const ks = Array.from({ length: 20 }, (_, i) => 3 + 2 * i).filter((k) => k <= C);
  const { rows } = await q<{ k: number; coordinator: string; mentor: string }>(c, `
    select k, bench.uuid_of('coordinator', k)::text as coordinator,
           bench.uuid_of('mentor', case when k + $2::int <= $3::int then k + $2::int else k end)::text as mentor
      from unnest($1::int[]) k order by k`, [ks, C, cfg.BENCH_MENTORS]);
  const longRows = Number((await q(c, `select count(*) as n from public.peer_mentor_status_history where mentor_id = bench.uuid_of('mentor', 3)`)).rows[0]!.n);
  const pairs = rows.map((r) => ({ mentor: r.mentor, coordinator: r.coordinator }));
  // Mentors 1-10 hold the long histories (seed.sql); mentor k is in coordinator k's chapter.
  const longKs = longRows > 100 ? rows.filter((r) => r.k <= 10).map((r) => r.k) : [];
  const long = (await q<Pair>(c, `
    select bench.uuid_of('mentor', k)::text as mentor, bench.uuid_of('coordinator', k)::text as coordinator
      from unnest($1::int[]) k order by k`, [longKs])).rows;
  return { pairs, long, longRows };
}

export async function benchRls(url: string, cfg: Config): Promise<Measured> {
  log('(4) RLS: coordinator reads, authenticated under RLS vs the service role with the explicit filter');
  const sql = {
    listRls: sqlFile('rls/list-mentors-rls.sql'), listService: sqlFile('rls/list-mentors-service.sql'),
    timelineRls: sqlFile('rls/timeline-rls.sql'), timelineService: sqlFile('rls/timeline-service.sql'),
  };
  return withClient(url, async (c) => {
    const { pairs, long, longRows } = await currentPairs(c, cfg);
    let listed = 0;
    for (const p of pairs) {
      listed += await sameRows(c, sql.listRls, sql.listService, [p.mentor, p.coordinator], p.coordinator);
      await sameRows(c, sql.timelineRls, sql.timelineService, [p.mentor, p.coordinator], p.coordinator);
    }
    for (const p of long) await sameRows(c, sql.timelineRls, sql.timelineService, [p.mentor, p.coordinator], p.coordinator);
    const perCoordinator = Math.round(listed / pairs.length);
    const blocks = cfg.BENCH_REPEATS * 3;
    const list = await interleaved(c, sql.listRls, sql.listService, pairs, 30, blocks, 'list');
    const timeline = await interleaved(c, sql.timelineRls, sql.timelineService, pairs, 300, blocks, 'timeline');
    const longTimeline = long.length > 0 ? await interleaved(c, sql.timelineRls, sql.timelineService, long, 100, blocks, 'long timeline') : null;
    const timelinePlan = await explainAs(c, sql.timelineRls, [pairs[0]!.mentor, pairs[0]!.coordinator], pairs[0]!.coordinator);
    const longTimelinePlan = long.length > 0 ? await explainAs(c, sql.timelineRls, [long[0]!.mentor, long[0]!.coordinator], long[0]!.coordinator) : null;
    const servicePlan = await explainAs(c, sql.timelineService, [pairs[0]!.mentor, pairs[0]!.coordinator], pairs[0]!.coordinator, 'service_role');
    const listPlan = await explainAs(c, sql.listRls, [pairs[0]!.mentor, pairs[0]!.coordinator], pairs[0]!.coordinator);
    const ratio = 'RLS time / service time (lower is better)';
    const t = { op: '<=' as const, value: 1.2 };
    const pair = (s: typeof list, mode: 'Planned' | 'Prepared') =>
      [side('authenticated, RLS', 'ms', s[`rls${mode}`]), side('service_role, explicit filter', 'ms', s[`service${mode}`])] as const;
    const rows: Row[] = [
      compare('current', 'rls_list_mentors', `(4a) coordinator lists its ~${perCoordinator} mentors, planned each time`, ...pair(list, 'Planned'), ratio, t),
      compare('current', 'rls_list_mentors_prepared', '(4a) the same, prepared', ...pair(list, 'Prepared'), ratio, t),
      compare('current', 'rls_mentor_timeline', '(4b) coordinator reads one timeline, planned each time', ...pair(timeline, 'Planned'), ratio, t, planNote(timelinePlan)),
      compare('current', 'rls_mentor_timeline_prepared', '(4b) the same, prepared', ...pair(timeline, 'Prepared'), ratio, t),
    ];
    if (longTimeline && longTimelinePlan) {
      rows.push(
        compare('current', 'rls_long_timeline', `(4c) a ${longRows}-row timeline (newest 50), planned each time`, ...pair(longTimeline, 'Planned'), ratio, null, planNote(longTimelinePlan)),
        compare('current', 'rls_long_timeline_prepared', '(4c) the same, prepared', ...pair(longTimeline, 'Prepared'), ratio, null),
      );
    }
    return {
      rows,
      details: {
        rls: {
          coordinators: pairs.length, mentorsPerCoordinator: round(listed / pairs.length, 1), longTimelineRows: longRows,
          samplesPerSide: blocks, timelinePlan, longTimelinePlan, serviceTimelinePlan: servicePlan, listPlan,
        },
      },
    };
  });
}

/**
 * (4d) information: the large organisation, a coordinator reading the timeline of a mentor it is told about
 * through the organisation fallback (it is responsible for almost every mentor): a read of ten rows must not cost
 * in proportion to the 100k mentors the coordinator may see. After (7), so on statistics of grown tables.
 */
export async function benchRlsLargeOrg(url: string, cfg: Config): Promise<Measured> {
  log('(4d) large organisation: a fallback coordinator reads one timeline, RLS vs the service role');
  const sql = { rls: sqlFile('rls/timeline-rls.sql'), service: sqlFile('rls/timeline-service.sql') };
  return withClient(url, async (c) => {
    const { rows } = await q<Pair>(c, `
      with coordinators as (
        select bench.uuid_of('coordinator', k)::text as coordinator, row_number() over (order by k) as i
          from generate_series($1::int, $2::int, $1::int) k),
      mentors as (
        select s.mentor_id::text as mentor, row_number() over (order by s.mentor_id) as i
          from private.mentor_scopes s where s.via = 'organisation' order by s.mentor_id limit 20)
      select m.mentor, c.coordinator from mentors m join coordinators c on c.i = (m.i - 1) % (select count(*) from coordinators) + 1`,
      [cfg.BENCH_ORG_COORDINATOR_EVERY, cfg.BENCH_ORG_CHAPTERS]);
    for (const p of rows) await sameRows(c, sql.rls, sql.service, [p.mentor, p.coordinator], p.coordinator);
    // Few iterations: where the policy builds the whole visible set, one read costs ~100k rows.
    const s = await interleaved(c, sql.rls, sql.service, rows, 20, cfg.BENCH_REPEATS, 'org timeline');
    const plan = await explainAs(c, sql.rls, [rows[0]!.mentor, rows[0]!.coordinator], rows[0]!.coordinator);
    const ratio = 'RLS time / service time (lower is better)';
    const pair = (mode: 'Planned' | 'Prepared') =>
      [side('authenticated, RLS', 'ms', s[`rls${mode}`]), side('service_role, explicit filter', 'ms', s[`service${mode}`])] as const;
    return {
      rows: [
        compare('large organisation', 'rls_fallback_timeline', '(4d) a fallback coordinator reads one timeline, planned each time', ...pair('Planned'), ratio, null, planNote(plan)),
        compare('large organisation', 'rls_fallback_timeline_prepared', '(4d) the same, prepared', ...pair('Prepared'), ratio, null),
      ],
      details: { rlsLargeOrganisation: { pairs: rows.length, plan } },
    };
  });
}
