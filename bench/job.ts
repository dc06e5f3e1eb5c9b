// (1) the certification-expiry job vs the same writes by hand;
// (6) a bulk update on a connection that has just run small statements, vs a fresh connection;
// and one instrumented run of the job (auto_explain) for the per-statement timing.
import pg from 'pg';
import type { Config } from './config.ts';
import { DISABLE_USER_TRIGGERS, resetState, type BenchDatabase } from './setup.ts';
import { compare, log, q, round, side, sqlFile, timed, withClient, type Measured } from './util.ts';

export interface JobVariant {
  key: string;
  label: string;
  /** DDL run before the timed part (not timed); reset.sql restores the shipped triggers afterwards. */
  setup: string[];
  notifications: boolean;
  run(c: pg.ClientBase, asOf: string): Promise<void>;
}

export const jobCall = async (c: pg.ClientBase, asOf: string) => {
  await q(c, 'select public.run_certification_expiry_job($1)', [asOf]);
};

export function byHand(file: string) {
  const statement = sqlFile(file);
  return async (c: pg.ClientBase, asOf: string) => {
    await q(c, 'begin');
    try {
      const { rows } = await q<{ id: string }>(c, `insert into public.job_runs (job_name) values ('certification_expiry') returning id`);
      const id = rows[0]!.id;
      await q(c, statement, [asOf, id]);
      await q(c, `update public.job_runs
                     set status = 'succeeded', finished_at = clock_timestamp(),
                         affected_count = (select count(*) from public.peer_mentor_status_history where job_run_id = $1)
                   where id = $1`, [id]);
      await q(c, 'commit');
    } catch (err) {
      await q(c, 'rollback');
      throw err;
    }
  };
}

const VARIANTS: JobVariant[] = [
  { key: 'job', label: 'the job (triggers)', setup: [], notifications: true, run: jobCall },
  { key: 'by_hand', label: 'by hand, triggers off', setup: DISABLE_USER_TRIGGERS, notifications: true, run: byHand('by-hand/expiry.sql') },
  // (5), "the same without the outbox", is gone: since 20261201100600 the history rows and the notifications are
  // written by one statement of the history trigger, so the outbox cannot be switched off on its own.
];

interface WriteCounts {
  paused: number;
  history: number;
  notifications: number;
}

async function countWrites(c: pg.ClientBase): Promise<WriteCounts> {
  const { rows } = await q(c, `
    select (select count(*) from public.peer_mentors where status = 'paused')::int as paused,
           (select count(*) from public.peer_mentor_status_history
             where id > (select value from bench.marks where name = 'history_id')
               and job_run_id is not null and previous_status = 'active' and new_status = 'paused'
               and reason = 'certification_expired')::int as history,
           (select count(*) from public.coordinator_notifications
             where id > (select value from bench.marks where name = 'notification_id'))::int as notifications`);
  return rows[0] as WriteCounts;
}

/**
 * Each variant BENCH_JOB_REPEATS times from the seeded state (reset.sql), the order rotated every repetition; every
 * run must pause all `mentors` and write one history row each, and both sides the same notifications.
 */
export async function runVariants(url: string, cfg: Config, asOf: string, variants: readonly JobVariant[] = VARIANTS, mentors = cfg.BENCH_MENTORS) {
  const samples: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.key, []]));
  const writes: Record<string, WriteCounts> = {};
  await withClient(url, async (c) => {
    for (let rep = 0; rep < cfg.BENCH_JOB_REPEATS; rep++) {
      for (const v of variants.map((_, i) => variants[(i + rep) % variants.length]!)) {
        await resetState(c);
        for (const ddl of v.setup) await q(c, ddl);
        const ms = await timed(() => v.run(c, asOf));
        const counts = await countWrites(c);
        if (counts.paused !== mentors || counts.history !== mentors) {
          throw new Error(`${v.key} wrote ${JSON.stringify(counts)}; expected ${mentors} paused mentors and history rows`);
        }
        if (v.notifications !== counts.notifications > 0) throw new Error(`${v.key} wrote ${counts.notifications} notifications`);
        if (writes[v.key] && JSON.stringify(writes[v.key]) !== JSON.stringify(counts)) {
          throw new Error(`${v.key} wrote ${JSON.stringify(counts)}, earlier ${JSON.stringify(writes[v.key])}`);
        }
        writes[v.key] = counts;
        samples[v.key]!.push(ms);
        log(`  rep ${rep + 1}/${cfg.BENCH_JOB_REPEATS} ${v.key.padEnd(30)} ${(ms / 1000).toFixed(3)} s`);
      }
    }
    const queued = new Set(variants.map((v) => writes[v.key]!.notifications));
    if (queued.size > 1) {
      throw new Error(`the variants queued different numbers of notifications: ${variants.map((v) => `${v.key} ${writes[v.key]!.notifications}`).join(', ')}`);
    }
    await resetState(c);
  });
  return { samples, writes };
}

/**
 * (6) The same bulk UPDATE (rolled back) on a fresh connection and on one that has just made six single-row
 * status changes: plpgsql caches a trigger statement's plan per session, and a plan made for one-row
 * transition tables must not be reused for thousands of rows.
 */
async function warmPlans(url: string, cfg: Config) {
  const n = Math.min(5000, Math.floor(cfg.BENCH_MENTORS / 2));
  const bulk = `update public.peer_mentors set status = 'paused', status_reason = 'bench'
                 where id in (select bench.uuid_of('mentor', g) from generate_series(1, ${n}) g)`;
  const single = (k: number, pause: boolean) =>
    `update public.peer_mentors set status = '${pause ? 'paused' : 'active'}', status_reason = ${pause ? `'bench'` : 'null'}
      where id = bench.uuid_of('mentor', ${cfg.BENCH_MENTORS - k})`;
  const fresh: number[] = [];
  const warmed: number[] = [];
  for (let rep = 0; rep < cfg.BENCH_JOB_REPEATS; rep++) {
    for (const warm of rep % 2 === 0 ? [false, true] : [true, false]) {
      const ms = await withClient(url, async (c) => {
        await q(c, 'begin');
        try {
          if (warm) for (let k = 0; k < 6; k++) await q(c, single(k % 3, k % 2 === 0));
          return await timed(() => q(c, bulk));
        } finally {
          await q(c, 'rollback');
        }
      });
      (warm ? warmed : fresh).push(ms);
    }
    log(`  rep ${rep + 1}/${cfg.BENCH_JOB_REPEATS} bulk update of ${n}: fresh ${fresh.at(-1)!.toFixed(0)} ms, ` +
      `after single-row changes ${warmed.at(-1)!.toFixed(0)} ms`);
  }
  await withClient(url, (c) => q(c, 'vacuum public.peer_mentors, public.peer_mentor_status_history, public.coordinator_notifications'));
  return { mentors: n, fresh, warmed };
}

/** One instrumented run of the job (rolled back): every nested statement's time and its triggers'. `load
 *  'auto_explain'` needs a superuser: supabase_admin on a throwaway cluster (postgres is not one, as on Supabase). */
export async function jobPhases(url: string, asOf: string) {
  return withClient(url, async (c) => {
    const superuser = (await q(c, `select rolsuper from pg_roles where rolname = current_user`)).rows[0]?.rolsuper === true;
    if (!superuser) return { available: false, statements: [] as Statement[], plans: [] as unknown[] };
    const plans: string[] = [];
    c.on('notice', (n) => {
      if (n.message?.includes('Query Text')) plans.push(n.message);
    });
    await resetState(c);
    await q(c, `load 'auto_explain'`);
    await q(c, 'begin');
    for (const [k, v] of Object.entries({
      'auto_explain.log_min_duration': '0', 'auto_explain.log_analyze': 'on', 'auto_explain.log_timing': 'on',
      'auto_explain.log_triggers': 'on', 'auto_explain.log_nested_statements': 'on', 'auto_explain.log_format': 'json',
      'auto_explain.log_level': 'notice',
    })) {
      await q(c, `select set_config($1, $2, true)`, [k, v]);
    }
    await q(c, 'select public.run_certification_expiry_job($1)', [asOf]);
    await q(c, 'rollback');
    await resetState(c);
    const kept = plans.filter((p) => !p.includes('FROM ONLY'));
    const statements: Statement[] = kept
      .map((p) => {
        const json = JSON.parse(p.slice(p.indexOf('{'))) as {
          'Query Text': string;
          Plan: { 'Actual Total Time': number };
          Triggers?: Array<{ 'Trigger Name': string; Relation: string; Time: number; Calls: number }>;
        };
        return {
          query: json['Query Text'].replace(/\s+/g, ' ').trim().slice(0, 120),
          ms: round(json.Plan['Actual Total Time'], 1),
          triggers: (json.Triggers ?? []).map((t) => ({ name: `${t['Trigger Name']} on ${t.Relation}`, ms: round(t.Time, 1), calls: t.Calls })),
        };
      })
      .filter((s) => !/^select public\.run_certification_expiry_job/i.test(s.query));
    return { available: true, statements, plans: kept.map((p) => JSON.parse(p.slice(p.indexOf('{'))) as unknown) };
  });
}

export interface Statement {
  query: string;
  ms: number;
  triggers: Array<{ name: string; ms: number; calls: number }>;
}

export async function benchJob(db: BenchDatabase, cfg: Config, asOf: string): Promise<Measured> {
  const url = db.url;
  const n = cfg.BENCH_MENTORS.toLocaleString('en');
  log(`(1)(5) certification-expiry job, ${n} mentors, ${cfg.BENCH_JOB_REPEATS} repetitions`);
  const job = await runVariants(url, cfg, asOf);
  log('(6) a bulk update after single-row changes on the same connection');
  const warm = await warmPlans(url, cfg);
  log('    per-statement timing (auto_explain, one instrumented run, rolled back)');
  const phases = await jobPhases(db.adminUrl ?? url, asOf);
  const s = job.samples;
  const sd = (key: string) => side(VARIANTS.find((x) => x.key === key)!.label, 'ms', s[key]!);
  const rows = [
    compare('current', 'expiry_job_vs_by_hand', `(1) expiry job pausing ${n} mentors, notifications included, vs by hand`,
      sd('job'), sd('by_hand'), 'job time / by-hand time with triggers disabled (lower is better)', { op: '<=', value: 1.05 }),
    compare('current', 'bulk_update_after_single_row_changes', `(6) bulk update of ${warm.mentors.toLocaleString('en')} after small statements, same connection`,
      side('after 6 single-row updates', 'ms', warm.warmed), side('fresh connection', 'ms', warm.fresh),
      'time on a connection that has just run single-row changes / on a fresh one', { op: '<=', value: 1.1 },
      "this benchmark's own regression guard (plans that don't depend on the connection's past)"),
  ];
  const details = {
    asOf,
    writesPerRun: job.writes,
    notificationsPerRun: job.writes.job!.notifications,
    statements: phases.statements,
    nestedPlans: phases.plans,
  };
  return { rows, details: { expiryJob: details } };
}
