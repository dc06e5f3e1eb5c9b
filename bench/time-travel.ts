// Time travel (issue 12): public.mentor_status_at(mentor, instant) and its chapter-wide form, read by a
// coordinator under RLS at the current shape's 1M history rows, planned each time and prepared: under 1 ms
// for one mentor. The service role calling the same functions (no RLS) is shown beside it, for information.
// Measured only where the functions exist (issue 12's surface).
import pg from 'pg';
import type { Config } from './config.ts';
import { explainAs, timeReads, type Pair } from './rls.ts';
import { absolute, log, median, q, side, withClient, type Measured, type Row } from './util.ts';

/** The chapter-wide form, public.chapter_status_at(chapter, instant), where it exists. */
async function chapterForm(c: pg.ClientBase): Promise<string | null> {
  const { rows } = await q<{ ok: boolean }>(c, `select to_regprocedure('public.chapter_status_at(uuid, timestamptz)') is not null as ok`);
  return rows[0]!.ok ? 'chapter_status_at' : null;
}

export async function benchTimeTravel(url: string, cfg: Config): Promise<Measured> {
  return withClient(url, async (c) => {
    const one = (await q<{ ok: boolean }>(c, `select to_regprocedure('public.mentor_status_at(uuid, timestamptz)') is not null as ok`)).rows[0]!.ok;
    if (!one) {
      log('time travel: public.mentor_status_at(uuid, timestamptz) is not in this database; skipped');
      return { rows: [], details: { timeTravel: { present: false } } };
    }
    const chapterFn = await chapterForm(c);
    log(`time travel: mentor_status_at${chapterFn ? ` and ${chapterFn}` : ''}, as a coordinator under RLS`);
    // Odd coordinators k (from 3) run chapter k; mentor k + C is in chapter k, mentor k (k <= 10) has 401 rows.
    const ks = Array.from({ length: 20 }, (_, i) => 3 + 2 * i).filter((k) => k <= cfg.BENCH_CHAPTERS);
    const pairs = (await q<Pair & { chapter: string }>(c, `
      select bench.uuid_of('mentor', case when k + $2::int <= $3::int then k + $2::int else k end)::text as mentor,
             bench.uuid_of('coordinator', k)::text as coordinator, bench.uuid_of('chapter', k)::text as chapter
        from unnest($1::int[]) k order by k`, [ks, cfg.BENCH_CHAPTERS, cfg.BENCH_MENTORS])).rows;
    // An instant inside every typical mentor's history (they start 3 years ago, changes days apart).
    const at = `(now() - interval '3 years' + interval '9 days 7 hours')`;
    const oneSql = `select * from public.mentor_status_at($1::uuid, ${at})`;
    const blocks = cfg.BENCH_REPEATS * 3;
    const samples: Record<string, number[]> = {
      planned: [], prepared: [], chapterPlanned: [], chapterPrepared: [],
      servicePlanned: [], servicePrepared: [], serviceChapterPlanned: [], serviceChapterPrepared: [],
    };
    const svc = (k: string) => `service${k[0]!.toUpperCase()}${k.slice(1)}`;
    const check = (await asCoordinator(c, pairs[0]!.coordinator, oneSql, [pairs[0]!.mentor]));
    if (check === 0) throw new Error(`time travel: mentor_status_at returned no row for a mentor the coordinator is responsible for`);
    for (let b = 0; b < blocks; b++) {
      for (const prepared of b % 2 === 0 ? [false, true] : [true, false]) {
        const k = prepared ? 'prepared' : 'planned';
        samples[k]!.push(await timeReads(c, 'authenticated', oneSql, pairs, 300, prepared));
        samples[svc(k)]!.push(await timeReads(c, 'service_role', oneSql, pairs, 300, prepared));
      }
    }
    const rows: Row[] = [
      absolute('current', 'time_travel_one_mentor', '(12) mentor_status_at, one mentor, under RLS, planned each time',
        side('authenticated, RLS', 'ms', samples.planned!), { op: '<=', value: 1 }, undefined, side('service role, no RLS', 'ms', samples.servicePlanned!)),
      absolute('current', 'time_travel_one_mentor_prepared', '(12) the same, prepared', side('authenticated, RLS', 'ms', samples.prepared!),
        { op: '<=', value: 1 }, undefined, side('service role, no RLS', 'ms', samples.servicePrepared!)),
    ];
    let chapterPlan: unknown = null;
    if (chapterFn) {
      // The chapter's id rides in the mentor parameter slot ($1).
      const chapterPairs = pairs.map((p) => ({ mentor: p.chapter, coordinator: p.coordinator }));
      const chapterSql = `select * from public.${chapterFn}($1::uuid, ${at})`;
      for (let b = 0; b < blocks; b++) {
        for (const prepared of b % 2 === 0 ? [false, true] : [true, false]) {
          const k = prepared ? 'chapterPrepared' : 'chapterPlanned';
          samples[k]!.push(await timeReads(c, 'authenticated', chapterSql, chapterPairs, 30, prepared));
          samples[svc(k)]!.push(await timeReads(c, 'service_role', chapterSql, chapterPairs, 30, prepared));
        }
      }
      rows.push(
        absolute('current', 'time_travel_chapter', `(12) ${chapterFn}, a chapter of ~${Math.round(cfg.BENCH_MENTORS * 1.88 / cfg.BENCH_CHAPTERS)} mentors, planned each time`,
          side('authenticated, RLS', 'ms', samples.chapterPlanned!), null, undefined, side('service role, no RLS', 'ms', samples.serviceChapterPlanned!)),
        absolute('current', 'time_travel_chapter_prepared', '(12) the same, prepared', side('authenticated, RLS', 'ms', samples.chapterPrepared!),
          null, undefined, side('service role, no RLS', 'ms', samples.serviceChapterPrepared!)),
      );
      chapterPlan = await explainAs(c, chapterSql, [pairs[0]!.chapter], pairs[0]!.coordinator);
    }
    log(`  one mentor: ${median(samples.planned!).toFixed(3)} ms planned, ${median(samples.prepared!).toFixed(3)} ms prepared`);
    const plan = await explainAs(c, oneSql, [pairs[0]!.mentor], pairs[0]!.coordinator);
    return { rows, details: { timeTravel: { present: true, chapterFunction: chapterFn, samples, plan, chapterPlan } } };
  });
}

async function asCoordinator(c: pg.ClientBase, coordinator: string, text: string, params: string[]): Promise<number> {
  await q(c, 'begin');
  try {
    await q(c, `select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
      [JSON.stringify({ sub: coordinator, role: 'authenticated' })]);
    return (await q(c, text, params)).rowCount ?? 0;
  } finally {
    await q(c, 'rollback');
  }
}
