// npm run bench: the performance benchmark. Prints a table and writes bench/results.json.
//
// It builds its own database (a new database on BENCH_DATABASE_URL's server, or on a throwaway cluster),
// seeds it set-based (bench/seed.sql), then measures, each pair side by side in the same run, with several
// repetitions and medians (bench/README.md explains every row):
//   (1) the certification-expiry job vs the same writes by hand with the triggers disabled;
//   (2) the row-level vs the statement-level history trigger for that job;
//   (3) single-row status changes under pgbench concurrency, audited vs triggers disabled (and vs by hand);
//   (4) a coordinator's reads under RLS vs the service role with the equivalent explicit filter;
//   (5) what the coordinator notifications cost inside (1);
//   (6) a bulk update on a connection that made single-row changes first, vs a fresh connection.
// It exits 0 when a target is missed (it is a benchmark, not a test) and marks each row PASS or MISS.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { acquireTarget, prepare, ROOT, withClient } from './lib/database.ts';
import { run } from './lib/run.ts';
import { pgBin } from './lib/system.ts';

const USAGE =
  'Usage: npm run bench   (environment: BENCH_DATABASE_URL, BENCH_MENTORS=100000, BENCH_CHAPTERS=1000, ' +
  'BENCH_HISTORY=1000000, BENCH_REPEATS=5, BENCH_JOB_REPEATS=3, BENCH_SECONDS=10, BENCH_CLIENTS=2, ' +
  'BENCH_ONLY=rls,job,pgbench, BENCH_PROPOSED=0 (1: measure again with bench/proposed-fixes.sql applied), ' +
  'BENCH_KEEP=0 (1: keep the database on BENCH_DATABASE_URL\'s server))';

const BENCH_DIR = path.join(ROOT, 'bench');
const RESULTS_FILE = path.join(BENCH_DIR, 'results.json');

const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);
const envSchema = z
  .object({
    BENCH_MENTORS: int(100_000, 100),
    BENCH_CHAPTERS: int(1_000, 10),
    BENCH_HISTORY: int(1_000_000, 100),
    BENCH_REPEATS: int(5, 1),
    BENCH_JOB_REPEATS: int(3, 1),
    BENCH_SECONDS: int(10, 1),
    BENCH_CLIENTS: int(2, 1),
    BENCH_KEEP: z.enum(['0', '1']).default('0'),
    BENCH_ONLY: z
      .string()
      .default('rls,job,pgbench')
      .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.enum(['rls', 'job', 'pgbench'])).min(1)),
    BENCH_PROPOSED: z.enum(['0', '1']).default('0'),
  })
  .refine((e) => e.BENCH_HISTORY >= e.BENCH_MENTORS, 'BENCH_HISTORY must be at least BENCH_MENTORS (one row per mentor)')
  .refine((e) => e.BENCH_MENTORS >= e.BENCH_CHAPTERS, 'BENCH_MENTORS must be at least BENCH_CHAPTERS');
type Config = z.infer<typeof envSchema>;

function parseConfig(): Config {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  if (args.length > 0) throw new Error(`unexpected arguments: ${args.join(' ')}\n${USAGE}`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith('BENCH_') && v !== ''));
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`${parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`).join('; ')}\n${USAGE}`);
  }
  return parsed.data;
}

const sqlFile = (name: string) => readFileSync(path.join(BENCH_DIR, name), 'utf8');

// ---------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Runs one query, adding the SQL to the error so a failure says what failed. */
async function q<R extends pg.QueryResultRow = pg.QueryResultRow>(
  client: pg.ClientBase,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  try {
    return await client.query<R>(text, values);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${message}\n-- while running:\n${text.trim().slice(0, 2000)}`);
  }
}

function urlForDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

interface Side {
  label: string;
  unit: string;
  samples: number[];
  median: number;
}

interface Row {
  key: string;
  title: string;
  ours: Side;
  baseline: Side;
  /** ours / baseline for times, ours / baseline for throughput too (then higher is better). */
  ratio: number;
  ratioMeaning: string;
  target: { op: '<=' | '>='; value: number } | null;
  pass: boolean | null;
  note?: string;
}

function side(label: string, unit: string, samples: number[]): Side {
  return { label, unit, samples: samples.map((s) => round(s)), median: round(median(samples)) };
}

function compare(
  key: string,
  title: string,
  ours: Side,
  baseline: Side,
  ratioMeaning: string,
  target: Row['target'],
  note?: string,
): Row {
  const ratio = round(ours.median / baseline.median);
  const pass = target === null ? null : target.op === '<=' ? ratio <= target.value : ratio >= target.value;
  return { key, title, ours, baseline, ratio, ratioMeaning, target, pass, ...(note ? { note } : {}) };
}

// ---------------------------------------------------------------------------------------------------------
// Database setup
// ---------------------------------------------------------------------------------------------------------
async function seed(url: string, cfg: Config): Promise<Record<string, unknown>> {
  return withClient(url, async (c) => {
    await q(c, sqlFile('schema.sql'));
    const seconds = await timed(async () => {
      await q(c, 'begin');
      await q(c, `set local synchronous_commit = off`);
      await q(c, `select set_config('bench.mentors', $1, true), set_config('bench.chapters', $2, true),
                         set_config('bench.history', $3, true)`,
        [String(cfg.BENCH_MENTORS), String(cfg.BENCH_CHAPTERS), String(cfg.BENCH_HISTORY)]);
      await q(c, sqlFile('seed.sql'));
      await q(c, 'commit');
    }) / 1000;
    await q(c, 'vacuum analyze');
    await q(c, 'checkpoint');
    const { rows } = await q(c, `
      select (select count(*) from public.organizations)::int as organizations,
             (select count(*) from public.chapters)::int as chapters,
             (select count(*) from public.users)::int as users,
             (select count(*) from public.chapter_memberships)::int as chapter_memberships,
             (select count(*) from public.chapter_memberships where role = 'coordinator' and is_active)::int as active_coordinator_memberships,
             (select count(*) from public.peer_mentors)::int as peer_mentors,
             (select count(*) from (select user_id from public.chapter_memberships
                                     where role = 'peer_mentor' and is_active group by user_id having count(*) > 1) x)::int
               as multi_chapter_mentors,
             (select count(*) from public.peer_mentor_status_history)::bigint as history_rows,
             pg_size_pretty(pg_total_relation_size('public.peer_mentor_status_history')) as history_size`);
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
    return { seconds: round(seconds, 1), ...rows[0], chainViolations: violations };
  });
}

async function resetState(c: pg.ClientBase): Promise<void> {
  await q(c, 'begin');
  await q(c, sqlFile('reset.sql'));
  await q(c, 'commit');
  await q(c, 'vacuum public.peer_mentors, public.peer_mentor_status_history, public.coordinator_notifications, public.job_runs');
  await q(c, 'checkpoint');
}

// ---------------------------------------------------------------------------------------------------------
// (1) (2) (5): the certification-expiry job
// ---------------------------------------------------------------------------------------------------------
interface JobVariant {
  key: string;
  label: string;
  /** DDL run before the timed part (not timed); reset.sql restores the shipped triggers afterwards. */
  setup: string[];
  run(c: pg.ClientBase, asOf: string): Promise<void>;
}

const jobCall = async (c: pg.ClientBase, asOf: string) => {
  await q(c, 'select public.run_certification_expiry_job($1)', [asOf]);
};

function byHand(file: string) {
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

const DISABLE_USER_TRIGGERS = [
  'alter table public.peer_mentors disable trigger user',
  'alter table public.peer_mentor_status_history disable trigger user',
];

const OUTBOX_OFF = 'alter table public.peer_mentor_status_history disable trigger peer_mentor_status_history_queue_notifications';
const ROW_LEVEL_ON = [
  'alter table public.peer_mentors disable trigger peer_mentors_history_on_update',
  'alter table public.peer_mentors enable trigger bench_peer_mentors_history_on_update_row',
];

const JOB_VARIANTS: JobVariant[] = [
  { key: 'job', label: 'job (statement-level trigger)', setup: [], run: jobCall },
  { key: 'by_hand', label: 'by hand, triggers off', setup: DISABLE_USER_TRIGGERS, run: byHand('expiry-by-hand.sql') },
  { key: 'job_row_level', label: 'job (row-level trigger)', setup: ROW_LEVEL_ON, run: jobCall },
  { key: 'job_without_notifications', label: 'job, outbox trigger off', setup: [OUTBOX_OFF], run: jobCall },
  {
    key: 'by_hand_without_notifications',
    label: 'by hand without outbox',
    setup: DISABLE_USER_TRIGGERS,
    run: byHand('expiry-by-hand-without-notifications.sql'),
  },
  { key: 'job_row_level_without_notifications', label: 'job (row-level), outbox off', setup: [...ROW_LEVEL_ON, OUTBOX_OFF], run: jobCall },
];

/** A variant whose first sample takes longer than this is measured once (it is not close to anything). */
const SLOW_VARIANT_MS = 60_000;

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

async function benchJob(url: string, cfg: Config, asOf: string) {
  const samples: Record<string, number[]> = Object.fromEntries(JOB_VARIANTS.map((v) => [v.key, []]));
  const writes: Record<string, WriteCounts> = {};
  const measuredOnce: string[] = [];
  await withClient(url, async (c) => {
    for (let rep = 0; rep < cfg.BENCH_JOB_REPEATS; rep++) {
      // Rotate the order, so no variant always runs first (or right after a particular other one).
      const order = JOB_VARIANTS.map((_, i) => JOB_VARIANTS[(i + rep) % JOB_VARIANTS.length]!);
      for (const v of order) {
        if (measuredOnce.includes(v.key)) continue;
        await resetState(c);
        for (const ddl of v.setup) await q(c, ddl);
        const ms = await timed(() => v.run(c, asOf));
        const counts = await countWrites(c);
        if (counts.paused !== cfg.BENCH_MENTORS || counts.history !== cfg.BENCH_MENTORS) {
          throw new Error(`${v.key} wrote ${JSON.stringify(counts)}; expected ${cfg.BENCH_MENTORS} paused mentors and history rows`);
        }
        const expectNotifications = !v.key.endsWith('without_notifications');
        if (expectNotifications !== counts.notifications > 0) {
          throw new Error(`${v.key} wrote ${counts.notifications} notifications`);
        }
        if (writes[v.key] && JSON.stringify(writes[v.key]) !== JSON.stringify(counts)) {
          throw new Error(`${v.key} wrote ${JSON.stringify(counts)}, earlier ${JSON.stringify(writes[v.key])}`);
        }
        writes[v.key] = counts;
        samples[v.key]!.push(ms);
        if (ms > SLOW_VARIANT_MS) measuredOnce.push(v.key);
        log(`  rep ${rep + 1}/${cfg.BENCH_JOB_REPEATS} ${v.key.padEnd(36)} ${(ms / 1000).toFixed(3)} s`);
      }
    }
    if (writes.job!.notifications !== writes.by_hand!.notifications) {
      throw new Error(`the job queued ${writes.job!.notifications} notifications, the by-hand SQL ${writes.by_hand!.notifications}`);
    }
    await resetState(c);
  });
  return { samples, writes, measuredOnce };
}

/**
 * (6) A bulk UPDATE on a connection that has already made single-row status changes, against the same
 * UPDATE on a fresh connection (both rolled back). plpgsql caches a trigger statement's plan for the
 * session, so the plan made for one-row transition tables can be reused for thousands of rows.
 */
async function benchWarmPlans(url: string, cfg: Config) {
  const n = Math.min(5000, Math.floor(cfg.BENCH_MENTORS / 2));
  const bulk = `update public.peer_mentors set status = 'paused'
                 where id in (select bench.uuid_of('mentor', g) from generate_series(1, ${n}) g)`;
  const single = (k: number, status: string) =>
    `update public.peer_mentors set status = '${status}' where id = bench.uuid_of('mentor', ${cfg.BENCH_MENTORS - k})`;
  const fresh: number[] = [];
  const warmed: number[] = [];
  for (let rep = 0; rep < cfg.BENCH_JOB_REPEATS; rep++) {
    for (const warm of rep % 2 === 0 ? [false, true] : [true, false]) {
      const ms = await withClient(url, async (c) => {
        await q(c, 'begin');
        try {
          if (warm) {
            for (let k = 0; k < 6; k++) await q(c, single(k % 3, k % 2 === 0 ? 'paused' : 'active'));
          }
          return await timed(() => q(c, bulk));
        } finally {
          await q(c, 'rollback');
        }
      });
      (warm ? warmed : fresh).push(ms);
    }
    log(`  rep ${rep + 1}/${cfg.BENCH_JOB_REPEATS} bulk update of ${n}: fresh connection ${fresh.at(-1)!.toFixed(0)} ms, ` +
      `after single-row changes ${warmed.at(-1)!.toFixed(0)} ms`);
  }
  await withClient(url, (c) => q(c, 'vacuum public.peer_mentors, public.peer_mentor_status_history, public.coordinator_notifications'));
  return { mentors: n, fresh, warmed };
}

/**
 * The bench database as the platform superuser (supabase_admin), on a throwaway cluster: `load 'auto_explain'`
 * needs a superuser, and `postgres` is not one (as on Supabase). Undefined on BENCH_DATABASE_URL.
 */
let benchAdminUrl: string | undefined;

/** One instrumented run of the job (rolled back): auto_explain prints every nested statement's plan, with trigger times. */
async function jobPhases(appUrl: string, asOf: string): Promise<{ available: boolean; statements: Array<{ query: string; ms: number; triggers: Array<{ name: string; ms: number; calls: number }> }>; plans: string[] }> {
  return withClient(benchAdminUrl ?? appUrl, async (c) => {
    const superuser = (await q(c, `select rolsuper from pg_roles where rolname = current_user`)).rows[0]?.rolsuper === true;
    if (!superuser) return { available: false, statements: [], plans: [] };
    const plans: string[] = [];
    c.on('notice', (n) => {
      if (n.message?.includes('Query Text')) plans.push(n.message);
    });
    await resetState(c);
    await q(c, `load 'auto_explain'`);
    await q(c, 'begin');
    for (const [k, v] of Object.entries({
      'auto_explain.log_min_duration': '0',
      'auto_explain.log_analyze': 'on',
      'auto_explain.log_timing': 'on',
      'auto_explain.log_triggers': 'on',
      'auto_explain.log_nested_statements': 'on',
      'auto_explain.log_format': 'json',
      'auto_explain.log_level': 'notice',
    })) {
      await q(c, `select set_config($1, $2, true)`, [k, v]);
    }
    await q(c, 'select public.run_certification_expiry_job($1)', [asOf]);
    await q(c, 'rollback');
    await resetState(c);
    const statements = plans
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
      .filter((s) => !/^select public\.run_certification_expiry_job/i.test(s.query) && !/^SELECT 1 FROM ONLY/.test(s.query));
    return { available: true, statements, plans: plans.filter((p) => !p.includes('FROM ONLY')) };
  });
}

// ---------------------------------------------------------------------------------------------------------
// (3): pgbench
// ---------------------------------------------------------------------------------------------------------
interface PgbenchRun {
  tps: number;
  latencyMs: number;
  transactions: number;
  failed: number;
}

async function pgbench(url: string, cfg: Config, script: string, synchronousCommit: 'on' | 'off'): Promise<PgbenchRun> {
  const args = ['--no-vacuum', '--protocol=prepared', `--client=${cfg.BENCH_CLIENTS}`, `--jobs=${cfg.BENCH_CLIENTS}`,
    `--time=${cfg.BENCH_SECONDS}`, `--define=mentors=${cfg.BENCH_MENTORS}`, `--file=${path.join(BENCH_DIR, 'pgbench', script)}`, url];
  const { stdout, stderr } = await run(pgBin('pgbench'), args, {
    env: { ...process.env, PGOPTIONS: `-c synchronous_commit=${synchronousCommit} -c client_min_messages=warning` },
  });
  const out = stdout + stderr;
  const num = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) throw new Error(`could not read ${re} from pgbench output:\n${out}`);
    return Number(m[1]);
  };
  const result = {
    tps: num(/^tps = ([\d.]+)/m),
    latencyMs: num(/^latency average = ([\d.]+) ms/m),
    transactions: num(/^number of transactions actually processed: (\d+)/m),
    failed: num(/^number of failed transactions: (\d+)/m),
  };
  if (result.failed > 0) throw new Error(`pgbench ${script}: ${result.failed} failed transactions\n${out}`);
  return result;
}

interface PgbenchVariant {
  key: string;
  label: string;
  script: string;
  disable: boolean;
  synchronousCommit: 'on' | 'off';
}

const PGBENCH_VARIANTS: PgbenchVariant[] = (['on', 'off'] as const).flatMap((sc) => [
  { key: `audited_sync_${sc}`, label: 'audited (triggers on)', script: 'flip-status.sql', disable: false, synchronousCommit: sc },
  { key: `triggers_disabled_sync_${sc}`, label: 'triggers off, no audit', script: 'flip-status.sql', disable: true, synchronousCommit: sc },
  { key: `by_hand_sync_${sc}`, label: 'triggers off, audit by hand', script: 'flip-status-by-hand.sql', disable: true, synchronousCommit: sc },
]);

async function benchPgbench(url: string, cfg: Config) {
  const runs: Record<string, PgbenchRun[]> = Object.fromEntries(PGBENCH_VARIANTS.map((v) => [v.key, []]));
  await withClient(url, async (c) => {
    await resetState(c);
    for (let rep = 0; rep < cfg.BENCH_REPEATS; rep++) {
      const order = PGBENCH_VARIANTS.map((_, i) => PGBENCH_VARIANTS[(i + rep) % PGBENCH_VARIANTS.length]!);
      for (const v of order) {
        await q(c, 'vacuum public.peer_mentors, public.peer_mentor_status_history, public.coordinator_notifications');
        await q(c, 'checkpoint');
        if (v.disable) for (const ddl of DISABLE_USER_TRIGGERS) await q(c, ddl);
        try {
          const r = await pgbench(url, cfg, v.script, v.synchronousCommit);
          runs[v.key]!.push(r);
          log(`  rep ${rep + 1}/${cfg.BENCH_REPEATS} ${v.key.padEnd(26)} ${r.tps.toFixed(0).padStart(6)} tps (${r.latencyMs} ms)`);
        } finally {
          await q(c, 'call bench.restore_triggers()');
        }
      }
    }
    await resetState(c);
  });
  return runs;
}

// ---------------------------------------------------------------------------------------------------------
// (4): RLS
// ---------------------------------------------------------------------------------------------------------
interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function walk(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

type RlsKey = 'list' | 'timeline' | 'longTimeline';
type RlsSamples = Record<`${RlsKey}${'Rls' | 'Service'}${'Planned' | 'Prepared'}`, number[]>;

async function benchRls(url: string, cfg: Config) {
  const C = cfg.BENCH_CHAPTERS;
  const M = cfg.BENCH_MENTORS;
  // Odd coordinators from 3 on run two chapters (k and k-1); their mentors include multi-chapter ones.
  // Typical timelines: mentor k + C (about ten rows). Long ones: mentors 1-10 (401 rows, see seed.sql).
  const ks = Array.from({ length: 20 }, (_, i) => 3 + 2 * i).filter((k) => k <= C);
  const longKs = ks.filter((k) => k <= 10);
  const sql = {
    listRls: sqlFile('rls/list-mentors-rls.sql'),
    listService: sqlFile('rls/list-mentors-service.sql'),
    timelineRls: sqlFile('rls/timeline-rls.sql'),
    timelineService: sqlFile('rls/timeline-service.sql'),
  };
  return withClient(url, async (c) => {
    const ids = await q<{ coordinators: string[]; mentors: string[]; long_coordinators: string[]; long_mentors: string[]; long_rows: number }>(c, `
      select array_agg(bench.uuid_of('coordinator', k) order by k) as coordinators,
             array_agg(bench.uuid_of('mentor', case when k + $2::int <= $3::int then k + $2::int else k end) order by k) as mentors,
             array_agg(bench.uuid_of('coordinator', k) order by k) filter (where k = any ($4::int[])) as long_coordinators,
             array_agg(bench.uuid_of('mentor', k) order by k) filter (where k = any ($4::int[])) as long_mentors,
             (select count(*)::int from public.peer_mentor_status_history where mentor_id = bench.uuid_of('mentor', 3)) as long_rows
        from unnest($1::int[]) k`, [ks, C, M, longKs]);
    const r = ids.rows[0]!;
    const coordinators = r.coordinators;
    const mentors = r.mentors;
    const longCoordinators = r.long_coordinators ?? [];
    const longMentors = r.long_mentors ?? [];
    const claimsOf = (cs: string[]) => cs.map((id) => JSON.stringify({ sub: id, role: 'authenticated', aud: 'authenticated' }));
    const serviceClaimsOf = (cs: string[]) => cs.map(() => JSON.stringify({ role: 'service_role' }));

    const as = async <T>(role: 'authenticated' | 'service_role', claims: string, fn: () => Promise<T>): Promise<T> => {
      await q(c, 'begin');
      try {
        await q(c, `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [role, claims]);
        const result = await fn();
        await q(c, 'commit');
        return result;
      } catch (err) {
        await q(c, 'rollback');
        throw err;
      }
    };

    // The two sides must return the same rows, for every coordinator and mentor used ($1 mentor, $2
    // coordinator; the wrapper names both, so a query may use either or none).
    const digest = (text: string) => `select count(*)::int as n, md5(string_agg(x.id::text, ',' order by x.id)) as d
                                        from (${text}\n) x, (select $1::uuid, $2::uuid) as params`;
    const same = async (rlsText: string, serviceText: string, m: string, k: string) => {
      const a = await as('authenticated', claimsOf([k])[0]!, () => q(c, digest(rlsText), [m, k]));
      const b = await as('service_role', serviceClaimsOf([k])[0]!, () => q(c, digest(serviceText), [m, k]));
      if (JSON.stringify(a.rows[0]) !== JSON.stringify(b.rows[0])) {
        throw new Error(`RLS and service-role queries disagree (coordinator ${k}, mentor ${m}): ${JSON.stringify([a.rows[0], b.rows[0]])}`);
      }
      if (Number(a.rows[0]?.n) === 0) throw new Error(`no rows for coordinator ${k}, mentor ${m}:\n${rlsText}`);
      return Number(a.rows[0]?.n);
    };
    let listed = 0;
    for (let i = 0; i < coordinators.length; i++) {
      listed += await same(sql.listRls, sql.listService, mentors[i]!, coordinators[i]!);
      await same(sql.timelineRls, sql.timelineService, mentors[i]!, coordinators[i]!);
    }
    for (let i = 0; i < longCoordinators.length; i++) {
      await same(sql.timelineRls, sql.timelineService, longMentors[i]!, longCoordinators[i]!);
    }
    const mentorsPerCoordinator = round(listed / coordinators.length, 1);

    const time = (role: 'authenticated' | 'service_role', text: string, cs: string[], ms: string[], iterations: number, prepared: boolean) => {
      const claims = role === 'authenticated' ? claimsOf(cs) : serviceClaimsOf(cs);
      return as(role, claims[0]!, async () => {
        const { rows } = await q<{ ms: number }>(c, 'select bench.time_reads($1, $2, $3, $4, $5, $6) as ms',
          [text, claims, ms, cs, iterations, prepared]);
        return rows[0]!.ms;
      });
    };

    // Short blocks, RLS and service interleaved (order flipped every block), so that load from elsewhere
    // on the machine hits both sides alike; BENCH_REPEATS x 3 samples a side.
    const ITERATIONS: Record<RlsKey, number> = { list: 30, timeline: 300, longTimeline: 100 };
    const plan: Array<{ key: RlsKey; rls: string; service: string; cs: string[]; ms: string[] }> = [
      { key: 'list', rls: sql.listRls, service: sql.listService, cs: coordinators, ms: mentors },
      { key: 'timeline', rls: sql.timelineRls, service: sql.timelineService, cs: coordinators, ms: mentors },
      ...(longCoordinators.length > 0
        ? [{ key: 'longTimeline' as const, rls: sql.timelineRls, service: sql.timelineService, cs: longCoordinators, ms: longMentors }]
        : []),
    ];
    const samples = {} as RlsSamples;
    for (const p of plan) {
      for (const mode of ['Planned', 'Prepared'] as const) {
        samples[`${p.key}Rls${mode}`] = [];
        samples[`${p.key}Service${mode}`] = [];
      }
    }
    const blocks = cfg.BENCH_REPEATS * 3;
    for (const p of plan) {
      for (const mode of ['Planned', 'Prepared'] as const) {
        const prepared = mode === 'Prepared';
        const n = ITERATIONS[p.key];
        await time('authenticated', p.rls, p.cs, p.ms, Math.ceil(n / 5), prepared); // warm-up
        await time('service_role', p.service, p.cs, p.ms, Math.ceil(n / 5), prepared);
        for (let b = 0; b < blocks; b++) {
          const rls = () => time('authenticated', p.rls, p.cs, p.ms, n, prepared);
          const service = () => time('service_role', p.service, p.cs, p.ms, n, prepared);
          if (b % 2 === 0) {
            samples[`${p.key}Rls${mode}`].push(await rls());
            samples[`${p.key}Service${mode}`].push(await service());
          } else {
            samples[`${p.key}Service${mode}`].push(await service());
            samples[`${p.key}Rls${mode}`].push(await rls());
          }
        }
        log(`  ${p.key.padEnd(12)} ${mode.toLowerCase().padEnd(8)} RLS ${median(samples[`${p.key}Rls${mode}`]).toFixed(3)} ms, ` +
          `service ${median(samples[`${p.key}Service${mode}`]).toFixed(3)} ms (medians of ${blocks})`);
      }
    }

    // The plans, as a signed-in coordinator: a typical mentor's timeline and a long one's.
    const explain = async (text: string, m: string, k: string, format: 'text' | 'json') =>
      as('authenticated', claimsOf([k])[0]!, async () => {
        const literal = text.replace(/\$1::uuid/g, `'${m}'::uuid`).replace(/\$2::uuid/g, `'${k}'::uuid`);
        const { rows } = await q(c, `explain (analyze, buffers${format === 'json' ? ', format json' : ''}) ${literal}`);
        return format === 'json' ? (rows[0]!['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0]!.Plan : rows.map((x) => x['QUERY PLAN'] as string).join('\n');
      });
    const planOf = async (m: string, k: string) => {
      const text = (await explain(sql.timelineRls, m, k, 'text')) as string;
      const tree = (await explain(sql.timelineRls, m, k, 'json')) as PlanNode;
      const indexes = new Set<string>();
      const nodeTypes = new Set<string>();
      walk(tree, (n) => {
        nodeTypes.add(n['Node Type']);
        if (n['Index Name']) indexes.add(n['Index Name']);
      });
      return {
        mentor: m,
        coordinator: k,
        usesTimelineIndex: indexes.has('peer_mentor_status_history_mentor_timeline_idx'),
        hasSort: nodeTypes.has('Sort') || nodeTypes.has('Incremental Sort'),
        nodeTypes: [...nodeTypes],
        indexes: [...indexes],
        text,
      };
    };
    const timelinePlan = await planOf(mentors[0]!, coordinators[0]!);
    const longTimelinePlan = longMentors.length > 0 ? await planOf(longMentors[0]!, longCoordinators[0]!) : null;
    const listPlanText = (await explain(sql.listRls, mentors[0]!, coordinators[0]!, 'text')) as string;

    return {
      samples,
      blocks,
      iterations: ITERATIONS,
      coordinators: coordinators.length,
      mentorsPerCoordinator,
      longTimelineRows: r.long_rows,
      timelinePlan,
      longTimelinePlan,
      listPlan: { text: listPlanText },
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------
function formatValue(s: Side): string {
  if (s.unit === 'ms' && s.median >= 1000) return `${(s.median / 1000).toFixed(2)} s`;
  if (s.unit === 'ms') return `${s.median.toFixed(3)} ms`;
  return `${s.median.toFixed(0)} ${s.unit}`;
}

function printTable(rows: Row[]): void {
  const header = ['measurement', 'ours', 'baseline', 'ratio', 'target', 'result'];
  const lines = rows.map((r) => [
    r.title,
    formatValue(r.ours),
    formatValue(r.baseline),
    `${r.ratio.toFixed(2)}x`,
    r.target ? `${r.target.op} ${r.target.value.toFixed(2)}x` : '(info)',
    r.pass === null ? '' : r.pass ? 'PASS' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(`\n${fmt(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines) console.log(fmt(l));
}

interface Measured {
  rows: Row[];
  details: Record<string, unknown>;
}

/** Every selected measurement once, on the database as it is now (shipped, or with the proposed fixes applied). */
async function measure(url: string, cfg: Config, asOf: string, tag: string): Promise<Measured> {
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  const n = cfg.BENCH_MENTORS.toLocaleString('en');

  if (cfg.BENCH_ONLY.includes('rls')) {
    log(`${tag} (4) RLS: coordinator reads, authenticated under RLS vs service role with an explicit filter`);
    const rls = await benchRls(url, cfg);
    const sm = rls.samples;
    const pair = (key: RlsKey, mode: 'Planned' | 'Prepared') =>
      [side('authenticated, RLS', 'ms', sm[`${key}Rls${mode}`]), side('service_role, explicit filter', 'ms', sm[`${key}Service${mode}`])] as const;
    const planNote = (p: NonNullable<typeof rls.longTimelinePlan>) =>
      `plan under RLS: ${p.usesTimelineIndex ? 'uses' : 'does NOT use'} peer_mentor_status_history_mentor_timeline_idx, ` +
      `${p.hasSort ? 'with a Sort node' : 'no Sort node'}`;
    const ratioNote = 'RLS time / service time (lower is better)';
    rows.push(
      compare('rls_list_mentors', `(4a) coordinator lists its ~${Math.round(rls.mentorsPerCoordinator)} mentors, planned each time`,
        ...pair('list', 'Planned'), ratioNote, { op: '<=', value: 1.5 }),
      compare('rls_list_mentors_prepared', '(4a) the same, prepared statement', ...pair('list', 'Prepared'), ratioNote, { op: '<=', value: 1.5 }),
      compare('rls_mentor_timeline', '(4b) coordinator reads a mentor timeline, planned each time', ...pair('timeline', 'Planned'),
        ratioNote, { op: '<=', value: 1.5 }, planNote(rls.timelinePlan)),
      compare('rls_mentor_timeline_prepared', '(4b) the same, prepared statement', ...pair('timeline', 'Prepared'), ratioNote, { op: '<=', value: 1.5 }),
    );
    if (rls.longTimelinePlan) {
      rows.push(
        compare('rls_long_mentor_timeline', `(4c) a ${rls.longTimelineRows}-row timeline (newest 50), planned each time`,
          ...pair('longTimeline', 'Planned'), ratioNote, null, planNote(rls.longTimelinePlan)),
        compare('rls_long_mentor_timeline_prepared', '(4c) the same, prepared statement', ...pair('longTimeline', 'Prepared'), ratioNote, null),
      );
    }
    details.rls = {
      coordinators: rls.coordinators,
      mentorsPerCoordinator: rls.mentorsPerCoordinator,
      longTimelineRows: rls.longTimelineRows,
      samplesPerSide: rls.blocks,
      iterationsPerSample: rls.iterations,
      timelinePlan: rls.timelinePlan,
      longTimelinePlan: rls.longTimelinePlan,
      listPlan: rls.listPlan,
    };
  }

  if (cfg.BENCH_ONLY.includes('job')) {
    log(`${tag} (1)(2)(5) certification-expiry job, ${n} mentors, ${cfg.BENCH_JOB_REPEATS} repetitions`);
    const job = await benchJob(url, cfg, asOf);
    log(`${tag} (6) a bulk update after single-row changes on the same connection`);
    const warm = await benchWarmPlans(url, cfg);
    log(`${tag}     per-statement timing (auto_explain, one instrumented run, rolled back)`);
    const phases = await jobPhases(url, asOf);
    const s = job.samples;
    const v = (key: string) => JOB_VARIANTS.find((x) => x.key === key)!;
    const sd = (key: string) => side(v(key).label, 'ms', s[key]!);
    const once = (key: string) => (job.measuredOnce.includes(key) ? ` (${v(key).label}: measured once, over ${SLOW_VARIANT_MS / 1000} s)` : '');
    rows.push(
      compare('expiry_job_vs_physical_limit', `(1) expiry job pausing ${n} mentors vs by hand`, sd('job'), sd('by_hand'),
        'job time / by-hand time with triggers disabled (lower is better)', { op: '<=', value: 1.1 }),
      compare('expiry_job_vs_physical_limit_without_outbox', '(5) the same, outbox left out on both sides',
        sd('job_without_notifications'), sd('by_hand_without_notifications'),
        'job time / by-hand time, both without coordinator notifications', null),
      compare('history_trigger_row_vs_statement', '(2) row-level vs statement-level history trigger', sd('job_row_level'), sd('job'),
        'row-level time / statement-level time (> 1: statement-level is faster)', null, once('job_row_level') || undefined),
      compare('history_trigger_row_vs_statement_without_outbox', '(2b) the same, outbox trigger off',
        sd('job_row_level_without_notifications'), sd('job_without_notifications'),
        'row-level time / statement-level time, without the outbox trigger', null, once('job_row_level_without_notifications') || undefined),
      compare('bulk_update_after_single_row_changes', `(6) bulk update of ${warm.mentors.toLocaleString('en')} after single-row changes`,
        side('after 6 single-row updates, same connection', 'ms', warm.warmed), side('fresh connection', 'ms', warm.fresh),
        'time on a connection whose trigger plans were cached for one-row statements / time on a fresh one', { op: '<=', value: 1.1 },
        'target set by this benchmark (a regression guard), not by the issues'),
    );
    const m = (key: string) => median(s[key]!);
    details.expiryJob = {
      asOf,
      writesPerRun: job.writes,
      measuredOnce: job.measuredOnce,
      notificationsCost: {
        notificationsPerRun: job.writes.job!.notifications,
        jobMs: round(m('job') - m('job_without_notifications'), 1),
        byHandMs: round(m('by_hand') - m('by_hand_without_notifications'), 1),
        shareOfJob: round((m('job') - m('job_without_notifications')) / m('job'), 3),
      },
      statements: phases.statements,
      nestedPlans: phases.plans.map((p) => JSON.parse(p.slice(p.indexOf('{'))) as unknown),
    };
  }

  if (cfg.BENCH_ONLY.includes('pgbench')) {
    log(`${tag} (3) single-row status changes: pgbench, ${cfg.BENCH_CLIENTS} clients, ${cfg.BENCH_SECONDS} s a run, ${cfg.BENCH_REPEATS} rounds`);
    const runs = await benchPgbench(url, cfg);
    const sd = (key: string) => {
      const v = PGBENCH_VARIANTS.find((x) => x.key === key)!;
      return side(v.label, 'tps', runs[key]!.map((r) => r.tps));
    };
    rows.push(
      compare('single_row_audited_vs_disabled', `(3) single-row changes, ${cfg.BENCH_CLIENTS} clients, durable commits`,
        sd('audited_sync_on'), sd('triggers_disabled_sync_on'),
        'audited tps / unaudited tps, synchronous_commit on (higher is better)', { op: '>=', value: 0.9 }),
      compare('single_row_audited_vs_by_hand', '(3b) the same, vs the audit written by hand',
        sd('audited_sync_on'), sd('by_hand_sync_on'), 'audited tps / by-hand-audit tps, synchronous_commit on', null),
      compare('single_row_audited_vs_disabled_async', '(3c) audited vs triggers off, synchronous_commit off',
        sd('audited_sync_off'), sd('triggers_disabled_sync_off'), 'audited tps / unaudited tps, synchronous_commit off (CPU only)', null),
      compare('single_row_audited_vs_by_hand_async', '(3d) audited vs by hand, synchronous_commit off',
        sd('audited_sync_off'), sd('by_hand_sync_off'), 'audited tps / by-hand-audit tps, synchronous_commit off', null),
    );
    details.pgbench = { clients: cfg.BENCH_CLIENTS, seconds: cfg.BENCH_SECONDS, runs };
  }
  return { rows, details };
}

function printDetails(m: Measured): void {
  const job = m.details.expiryJob as
    | { notificationsCost: { notificationsPerRun: number; jobMs: number; byHandMs: number; shareOfJob: number }; statements: Awaited<ReturnType<typeof jobPhases>>['statements'] }
    | undefined;
  if (job) {
    const nc = job.notificationsCost;
    console.log(`\n(5) coordinator notifications in the expiry job (${nc.notificationsPerRun} rows): ${nc.jobMs} ms of the job ` +
      `(${(nc.shareOfJob * 100).toFixed(0)}%), ${nc.byHandMs} ms by hand`);
    const row = m.rows.find((r) => r.key === 'history_trigger_row_vs_statement')!;
    console.log(`(2) the ${row.ratio > 1 ? 'statement-level' : 'row-level'} history trigger is faster for the bulk job (${row.ratio.toFixed(2)}x)`);
    if (job.statements.length > 0) {
      console.log('Expiry job, statement by statement (auto_explain; instrumentation inflates the times):');
      for (const st of job.statements) {
        console.log(`  ${st.ms.toFixed(1).padStart(9)} ms  ${st.query}`);
        for (const t of st.triggers) console.log(`  ${''.padStart(12)} trigger ${t.name}: ${t.ms} ms, ${t.calls} calls`);
      }
    }
  }
  const rls = m.details.rls as { timelinePlan: { text: string }; longTimelinePlan: { text: string } | null; longTimelineRows: number } | undefined;
  if (rls) {
    console.log(`\n(4b) a typical mentor's timeline read under RLS, EXPLAIN (ANALYZE, BUFFERS):\n${rls.timelinePlan.text}`);
    if (rls.longTimelinePlan) {
      console.log(`\n(4c) a ${rls.longTimelineRows}-row timeline read under RLS, EXPLAIN (ANALYZE, BUFFERS):\n${rls.longTimelinePlan.text}`);
    }
  }
}

async function main(): Promise<void> {
  const cfg = parseConfig();
  const startedAt = new Date();
  log(`config ${JSON.stringify(cfg)}`);
  // A throwaway cluster is made durable like production (fsync, full-page writes, synchronous commit), because
  // the per-commit flush is part of what a single-row change costs; pgbench also runs with synchronous_commit off.
  const target = await acquireTarget('BENCH_DATABASE_URL', {
    fsync: 'on',
    full_page_writes: 'on',
    synchronous_commit: 'on',
    max_wal_size: '4GB',
    checkpoint_timeout: '30min',
  });
  const database = `peer_mentor_bench_${process.pid}`;
  const url = urlForDatabase(target.url, database);
  let created = false;
  try {
    await withClient(target.url, async (c) => {
      await q(c, `create database ${database}`);
      // JIT off for every session (pgbench's too): compiling the by-hand statement's 70-function plan adds
      // seconds to the physical-limit baseline (flattering the job), and OLTP statements never want it.
      // A statement that goes pathological fails the run instead of hanging it.
      await q(c, `alter database ${database} set jit = off`);
      await q(c, `alter database ${database} set statement_timeout = '20min'`);
    });
    created = true;
    log(`database ${database} on ${target.throwaway ? 'a throwaway cluster' : "BENCH_DATABASE_URL's server"}: migrating`);
    // The compatibility layer needs the platform superuser (supabase_admin) on a throwaway cluster.
    benchAdminUrl = target.adminUrl ? urlForDatabase(target.adminUrl, database) : undefined;
    await prepare(url, { adminUrl: benchAdminUrl });

    const environment = await withClient(url, async (c) => {
      type Settings = Record<'version' | 'fsync' | 'synchronous_commit' | 'full_page_writes' | 'shared_buffers' | 'work_mem' | 'jit' | 'max_wal_size', string>;
      const { rows } = await q<Settings>(c, `
        select version() as version, current_setting('fsync') as fsync,
               current_setting('synchronous_commit') as synchronous_commit,
               current_setting('full_page_writes') as full_page_writes, current_setting('shared_buffers') as shared_buffers,
               current_setting('work_mem') as work_mem, current_setting('jit') as jit, current_setting('max_wal_size') as max_wal_size`);
      return { ...rows[0]!, throwawayCluster: target.throwaway, cpus: cpus().length };
    });

    log(`seeding ${cfg.BENCH_MENTORS} mentors, ${cfg.BENCH_CHAPTERS} chapters, ${cfg.BENCH_HISTORY} history rows`);
    const seeded = await seed(url, cfg);
    log(`seeded in ${seeded.seconds as number} s: ${JSON.stringify(seeded)}`);
    const asOf = (await withClient(url, (c) => q<{ t: string }>(c, `select (now() + interval '10 years')::text as t`))).rows[0]!.t;

    const shipped = await measure(url, cfg, asOf, '[shipped]');
    let proposed: Measured | null = null;
    if (cfg.BENCH_PROPOSED === '1') {
      log('applying bench/proposed-fixes.sql (this database only)');
      await withClient(url, async (c) => {
        await q(c, 'begin');
        await q(c, sqlFile('proposed-fixes.sql'));
        await q(c, 'commit');
        await q(c, 'analyze');
      });
      proposed = await measure(url, cfg, asOf, '[proposed]');
    }

    console.log('\nAs shipped (supabase/migrations):');
    printTable(shipped.rows);
    printDetails(shipped);
    if (proposed) {
      console.log('\nWith bench/proposed-fixes.sql applied:');
      printTable(proposed.rows);
      printDetails(proposed);
    }
    console.log(`\nEnvironment: ${String(environment.version).split(',')[0]}, ${environment.cpus} CPUs (shared), fsync=${environment.fsync}, ` +
      `synchronous_commit=${environment.synchronous_commit}, full_page_writes=${environment.full_page_writes}, jit=${environment.jit}` +
      (environment.fsync === 'off' ? ' (no durability: absolute times are optimistic; ratios are what count)' : ''));

    const finishedAt = new Date();
    const report = {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSeconds: round((finishedAt.getTime() - startedAt.getTime()) / 1000, 1),
      environment,
      config: cfg,
      seed: seeded,
      results: shipped.rows,
      details: shipped.details,
      ...(proposed ? { proposed: { file: 'bench/proposed-fixes.sql', results: proposed.rows, details: proposed.details } } : {}),
    };
    mkdirSync(BENCH_DIR, { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`Wrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
  } finally {
    if (created && !target.throwaway) {
      if (cfg.BENCH_KEEP === '1') log(`kept database ${database}: ${url}`);
      else await withClient(target.url, (c) => q(c, `drop database if exists ${database} with (force)`));
    }
    await target.release();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
