// npm run rehearse: a deploy rehearsal on production-sized data. Prints a table and writes rehearsal/report.json.
//
//   1. a new database (on REHEARSAL_DATABASE_URL's server, or on a throwaway cluster) with the Supabase
//      compatibility layer and the BASELINE migration only (20261126100000), applied by the Supabase CLI;
//   2. production-sized data (rehearsal/seed.sql): REHEARSE_MENTORS peer_mentors, REHEARSE_CHAPTERS chapters,
//      their memberships, users and auth users; then VACUUM ANALYZE, as on a live database;
//   3. a concurrent reader (`select * from peer_mentors where id = $1`) and writer (new users and mentors
//      inserted naming only the baseline columns, and a baseline column updated) start, each on its own
//      connection, and keep running until the end; a monitor samples pg_locks on peer_mentors every
//      REHEARSE_SAMPLE_MS from a third connection;
//   4. every later migration, one at a time, the way a deploy applies it: `supabase migration up` (one
//      transaction per file; each file sets its own lock_timeout);
//   5. every rollback script, newest first (psql --single-transaction, as their headers say), then the
//      migrations again, the same way as in 4;
//   6. pg_dump --schema-only before the rollbacks and after the re-apply: identical.
// During every step a lock-order drill also runs: a transaction that writes a user profile, waits until the
// step is blocked on a lock (or a moment has passed), then writes that user's mentor row (whose triggers write
// the history): the app's lock order. A step that takes the same tables in the opposite order deadlocks with it.
// Per step it reports the wall time, the longest time an ACCESS EXCLUSIVE lock on peer_mentors was held and
// waited for, the longest hold of any lock that blocks its writers, the reader's and writer's worst latency and
// errors, and the drill's outcome. A step that fails (e.g. as a deadlock victim) is retried once, as a deploy
// would be. Exit 1 when a target is missed: ACCESS EXCLUSIVE on peer_mentors held or waited for > 1 s by any
// step, any reader/writer/drill error, a step that failed, or a schema difference. A step that blocks writers
// (SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE) for more than 1 s is printed as a warning, not counted as a miss.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { z } from 'zod';
import { acquireTarget, applyCompatLayer, ROOT, withClient, withDatabase } from './lib/database.ts';
import { run } from './lib/run.ts';
import { pgBin } from './lib/system.ts';

const USAGE =
  'Usage: npm run rehearse   (environment: REHEARSAL_DATABASE_URL (a server to create a scratch database on; ' +
  'default: a throwaway cluster), REHEARSE_MENTORS=1000000, REHEARSE_CHAPTERS=2000, REHEARSE_SAMPLE_MS=20, ' +
  'REHEARSE_KEEP=0 (1: keep the scratch database on REHEARSAL_DATABASE_URL\'s server))';

const MIGRATIONS_DIR = path.join(ROOT, 'supabase', 'migrations');
const ROLLBACKS_DIR = path.join(ROOT, 'supabase', 'rollbacks');
const REPORT_FILE = path.join(ROOT, 'rehearsal', 'report.json');
const SEED_FILE = path.join(ROOT, 'rehearsal', 'seed.sql');
const SUPABASE_CLI = path.join(ROOT, 'node_modules', '.bin', 'supabase');
const BASELINE = '20261126100000';
const TARGET_ACCESS_EXCLUSIVE_MS = 1000;
/** Not a target, a warning: a step that makes peer_mentors' writers wait longer than this is called out. */
const WARN_WRITE_BLOCKED_MS = 1000;
/** Lock modes on peer_mentors that make its writers (INSERT/UPDATE: ROW EXCLUSIVE) wait. */
const WRITE_BLOCKING = new Set(['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock']);

const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);
const envSchema = z
  .object({
    REHEARSE_MENTORS: int(1_000_000, 100),
    REHEARSE_CHAPTERS: int(2_000, 1),
    REHEARSE_SAMPLE_MS: int(20, 5),
    REHEARSE_KEEP: z.enum(['0', '1']).default('0'),
  })
  .refine((e) => e.REHEARSE_MENTORS >= e.REHEARSE_CHAPTERS, 'REHEARSE_MENTORS must be at least REHEARSE_CHAPTERS');
type Config = z.infer<typeof envSchema>;

function parseConfig(): Config {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  if (args.length > 0) throw new Error(`unexpected arguments: ${args.join(' ')}\n${USAGE}`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith('REHEARSE_') && v !== ''));
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`${parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`).join('; ')}\n${USAGE}`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------------------
interface Migration {
  version: string;
  name: string;
  file: string;
  rollback: string;
}

function migrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({
      version: f.slice(0, 14),
      name: f.replace(/\.sql$/, ''),
      file: path.join(MIGRATIONS_DIR, f),
      rollback: path.join(ROLLBACKS_DIR, f.replace(/\.sql$/, '_down.sql')),
    }));
}

type Kind = 'migrate' | 'rollback' | 'reapply' | 'idle';
interface Phase {
  kind: Kind;
  name: string;
  start: number;
  end: number;
  /** The step's own error (e.g. it was chosen as a deadlock victim); the step is then retried once. */
  error?: string;
  /** The lock-order drill's write during this step: 'ok', or its error. */
  drill?: string;
}

const phases: Phase[] = [];

async function step(kind: Kind, name: string, fn: () => Promise<unknown>): Promise<Phase> {
  const phase: Phase = { kind, name, start: performance.now(), end: Number.NaN };
  phases.push(phase);
  try {
    await fn();
  } catch (err) {
    // The CLI's and psql's own "ERROR: ..." line, else the first line of the message.
    const message = err instanceof Error ? err.message : String(err);
    phase.error = (message.split('\n').find((l) => /\bERROR:/.test(l)) ?? message.split('\n')[0] ?? message).trim();
  } finally {
    phase.end = performance.now();
  }
  return phase;
}

function withSslModeDisable(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable');
  return u.toString();
}

/**
 * `supabase migration up` on a working directory holding the migrations up to `upTo`, so exactly the next
 * pending one is applied, in the CLI's own transaction, as a deploy would.
 */
async function cliMigrateUpTo(url: string, all: Migration[], upTo: string, workdir: string): Promise<void> {
  const dir = path.join(workdir, 'supabase', 'migrations');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const m of all.filter((x) => x.version <= upTo)) symlinkSync(m.file, path.join(dir, path.basename(m.file)));
  await run(SUPABASE_CLI, ['migration', 'up', '--include-all', '--workdir', workdir, '--db-url', withSslModeDisable(url)], {
    cwd: workdir,
    env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
}

async function runRollback(url: string, file: string): Promise<void> {
  // The history rollback refuses without this opt-in; a rehearsal means it.
  await run(pgBin('psql'), ['--no-psqlrc', '-q', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], {
    env: { ...process.env, PGOPTIONS: '--client-min-messages=warning -c app.allow_history_drop=on' },
  });
}

async function schemaDump(url: string): Promise<string> {
  const { stdout } = await run(pgBin('pg_dump'), ['--schema-only', '--restrict-key=rehearsal', '-d', url]);
  return stdout;
}

function schemaDiff(before: string, after: string): string[] {
  const count = (text: string) => {
    const m = new Map<string, number>();
    for (const line of text.split('\n')) if (line.trim() !== '' && !line.startsWith('--')) m.set(line, (m.get(line) ?? 0) + 1);
    return m;
  };
  const b = count(before);
  const a = count(after);
  const onlyIn = (x: Map<string, number>, y: Map<string, number>, sign: string) =>
    [...x].filter(([line, n]) => n > (y.get(line) ?? 0)).map(([line]) => `${sign} ${line}`);
  const diff = [...onlyIn(b, a, '-'), ...onlyIn(a, b, '+')];
  return diff.length > 0 || before === after ? diff : ['(same lines, different order)'];
}

// ---------------------------------------------------------------------------------------------------------
// Concurrent workload: a reader and a writer of the baseline columns
// ---------------------------------------------------------------------------------------------------------
interface Op {
  start: number;
  end: number;
  error?: string;
}

class Worker {
  readonly ops: Op[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly client: pg.Client,
    private readonly pauseMs: number,
    private readonly op: (client: pg.Client, i: number) => Promise<unknown>,
  ) {}

  start(): void {
    this.loop = (async () => {
      for (let i = 0; !this.stopped; i += 1) {
        const start = performance.now();
        try {
          await this.op(this.client, i);
          this.ops.push({ start, end: performance.now() });
        } catch (err) {
          this.ops.push({ start, end: performance.now(), error: err instanceof Error ? err.message : String(err) });
        }
        await sleep(this.pauseMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Lock-order drill: during every step, a transaction that writes the way the app does — a user profile first,
// then (once the step is waiting for a lock, or after a moment) its mentor row, whose triggers write the
// history. A step that locks these tables in the opposite order deadlocks with it (40P01), deterministically.
// ---------------------------------------------------------------------------------------------------------
class LockOrderDrill {
  constructor(private readonly drill: pg.Client, private readonly probe: pg.Client) {}

  async close(): Promise<void> {
    await Promise.allSettled([this.drill.end(), this.probe.end()]);
  }

  async during(kind: Kind, name: string, fn: () => Promise<unknown>): Promise<Phase> {
    const userId = randomUUID();
    await this.drill.query('begin');
    await this.drill.query(`
      with a as (insert into auth.users (id, email) values ($1, $2) returning id, email)
      insert into public.users (id, full_name, email) select id, 'Drill', email from a`, [userId, `drill-${userId}@rehearsal.invalid`]);
    let done = false;
    const running = step(kind, name, fn).finally(() => {
      done = true;
    });
    const t0 = performance.now();
    while (!done && performance.now() - t0 < 1500) {
      const { rows } = await this.probe.query(`
        select 1 from pg_catalog.pg_locks l join pg_catalog.pg_stat_activity a on a.pid = l.pid
         where not l.granted and a.datname = current_database() and a.application_name not like 'rehearsal %' limit 1`);
      if (rows.length > 0) break;
      await sleep(10);
    }
    let outcome = 'ok';
    try {
      await this.drill.query('insert into public.peer_mentors (user_id) values ($1)', [userId]);
      await this.drill.query('commit');
    } catch (err) {
      outcome = err instanceof Error ? err.message : String(err);
      await this.drill.query('rollback');
    }
    const phase = await running;
    phase.drill = outcome;
    return phase;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Lock monitor: pg_locks on peer_mentors, sampled
// ---------------------------------------------------------------------------------------------------------
interface LockRow {
  pid: number;
  mode: string;
  granted: boolean;
  xact_start: string | null;
  waited_ms: number | null;
}
/** A transaction of some other client (the CLI or psql applying a step): how long it had been open. */
interface TxnRow {
  pid: number;
  xact_start: string;
  open_ms: number;
}
interface Sample {
  at: number;
  rows: LockRow[];
  txns: TxnRow[];
}

class LockMonitor {
  readonly samples: Sample[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly client: pg.Client, private readonly relation: number, private readonly intervalMs: number) {}

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        const t0 = performance.now();
        const { rows } = await this.client.query<LockRow>(
          `select l.pid, l.mode, l.granted, a.xact_start::text as xact_start,
                  extract(epoch from clock_timestamp() - l.waitstart) * 1000 as waited_ms
             from pg_catalog.pg_locks l
             left join pg_catalog.pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'relation' and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
              and l.relation = $1 and l.pid <> pg_catalog.pg_backend_pid()`,
          [this.relation],
        );
        const txns = await this.client.query<TxnRow>(
          `select pid, xact_start::text as xact_start, extract(epoch from clock_timestamp() - xact_start) * 1000 as open_ms
             from pg_catalog.pg_stat_activity
            where datname = current_database() and backend_type = 'client backend' and xact_start is not null
              and pid <> pg_catalog.pg_backend_pid() and application_name not like 'rehearsal %'`,
        );
        this.samples.push({ at: performance.now(), rows, txns: txns.rows });
        await sleep(Math.max(0, this.intervalMs - (performance.now() - t0)));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.client.end();
  }

  /**
   * Lock holds/waits as intervals: the same (pid, transaction, mode, granted) seen in consecutive samples is
   * one interval. Its length is bounded conservatively: from the last sample before it was first seen to the
   * first sample after it was last seen (so a lock seen once counts up to two sample intervals).
   */
  /** The longest-open transaction of another client seen between from and to (a lower bound, exact to one sample). */
  longestTransactionMs(from: number, to: number): number {
    let max = 0;
    for (const s of this.samples) if (s.at >= from && s.at <= to) for (const t of s.txns) max = Math.max(max, t.open_ms);
    return Math.round(max);
  }

  intervals(): Array<{ key: string; mode: string; granted: boolean; from: number; to: number; waitedMs: number }> {
    const open = new Map<string, { mode: string; granted: boolean; from: number; lastIdx: number; waitedMs: number }>();
    const done: Array<{ key: string; mode: string; granted: boolean; from: number; to: number; waitedMs: number }> = [];
    const close = (key: string, at: number) => {
      const o = open.get(key)!;
      done.push({ key, mode: o.mode, granted: o.granted, from: o.from, to: at, waitedMs: o.waitedMs });
      open.delete(key);
    };
    this.samples.forEach((s, i) => {
      const seen = new Set<string>();
      for (const r of s.rows) {
        const key = `${r.pid}|${r.xact_start ?? ''}|${r.mode}|${r.granted}`;
        seen.add(key);
        const o = open.get(key);
        if (o) {
          o.lastIdx = i;
          o.waitedMs = Math.max(o.waitedMs, r.waited_ms ?? 0);
        } else {
          open.set(key, { mode: r.mode, granted: r.granted, from: i > 0 ? this.samples[i - 1]!.at : s.at, lastIdx: i, waitedMs: r.waited_ms ?? 0 });
        }
      }
      for (const key of [...open.keys()]) if (!seen.has(key)) close(key, s.at);
    });
    const last = this.samples.at(-1)?.at ?? 0;
    for (const key of [...open.keys()]) close(key, last);
    return done;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------
interface WorkerStats {
  ops: number;
  errors: number;
  maxMs: number;
  firstError?: string;
}
interface PhaseReport {
  kind: Kind;
  name: string;
  wallMs: number;
  transactionMs: number;
  accessExclusiveHeldMs: number;
  accessExclusiveWaitMs: number;
  writeBlockingHeldMs: number;
  writeBlockingMode: string | null;
  reader: WorkerStats;
  writer: WorkerStats;
  /** The step's own error, if it failed (it is retried once, as a new row). */
  error: string | null;
  /** The lock-order drill's write: 'ok' or its error. */
  lockOrderDrill: string | null;
  meetsLockTarget: boolean;
}

const overlaps = (a: { start: number; end: number }, from: number, to: number) => a.start <= to && a.end >= from;

function workerStats(ops: Op[], phase: { start: number; end: number }): WorkerStats {
  const inPhase = ops.filter((o) => overlaps(o, phase.start, phase.end));
  const errors = inPhase.filter((o) => o.error);
  return {
    ops: inPhase.length,
    errors: errors.length,
    maxMs: Math.round(Math.max(0, ...inPhase.map((o) => o.end - o.start))),
    ...(errors[0]?.error ? { firstError: errors[0].error } : {}),
  };
}

function phaseReports(reader: Worker, writer: Worker, monitor: LockMonitor): PhaseReport[] {
  const intervals = monitor.intervals();
  return phases
    .filter((p) => p.kind !== 'idle')
    .map((p) => {
      const mine = intervals.filter((iv) => iv.from <= p.end && iv.to >= p.start);
      const ae = mine.filter((iv) => iv.mode === 'AccessExclusiveLock');
      const heldAe = ae.filter((iv) => iv.granted).map((iv) => iv.to - iv.from);
      // A waiting request: pg_locks.waitstart gives the exact wait; the interval bounds it when it was not sampled.
      const waitAe = ae.filter((iv) => !iv.granted).map((iv) => Math.max(iv.waitedMs, 0));
      const blocking = mine.filter((iv) => iv.granted && WRITE_BLOCKING.has(iv.mode)).sort((a, b) => b.to - b.from - (a.to - a.from));
      const accessExclusiveHeldMs = Math.round(Math.max(0, ...heldAe));
      const accessExclusiveWaitMs = Math.round(Math.max(0, ...waitAe));
      return {
        kind: p.kind,
        name: p.name,
        wallMs: Math.round(p.end - p.start),
        transactionMs: monitor.longestTransactionMs(p.start, p.end),
        accessExclusiveHeldMs,
        accessExclusiveWaitMs,
        writeBlockingHeldMs: Math.round(blocking[0] ? blocking[0].to - blocking[0].from : 0),
        writeBlockingMode: blocking[0]?.mode ?? null,
        reader: workerStats(reader.ops, p),
        writer: workerStats(writer.ops, p),
        error: p.error ?? null,
        lockOrderDrill: p.drill ?? null,
        meetsLockTarget: accessExclusiveHeldMs <= TARGET_ACCESS_EXCLUSIVE_MS && accessExclusiveWaitMs <= TARGET_ACCESS_EXCLUSIVE_MS,
      };
    });
}

function printTable(rows: PhaseReport[]): void {
  const header = ['step', 'migration / rollback', 'wall ms', 'txn ms', 'AE held', 'AE wait', 'write-blocked', 'reader max', 'writer max', 'errors', 'lock order', 'target'];
  const lines = rows.map((r) => [
    r.kind,
    r.name,
    String(r.wallMs),
    String(r.transactionMs),
    String(r.accessExclusiveHeldMs),
    String(r.accessExclusiveWaitMs),
    r.writeBlockingMode ? `${r.writeBlockingHeldMs} (${r.writeBlockingMode.replace(/Lock$/, '')})` : '0',
    `${r.reader.maxMs} (${r.reader.ops})`,
    `${r.writer.maxMs} (${r.writer.ops})`,
    String(r.reader.errors + r.writer.errors),
    r.error ? `STEP FAILED${/deadlock/i.test(r.error) ? ' (deadlock)' : ''}` : r.lockOrderDrill === 'ok' || r.lockOrderDrill === null ? 'ok' : `WRITE FAILED${/deadlock/i.test(r.lockOrderDrill) ? ' (deadlock)' : ''}`,
    r.meetsLockTarget && !r.error && (r.lockOrderDrill === 'ok' || r.lockOrderDrill === null) ? 'ok' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
  console.log('(ms; wall = the whole command (CLI start-up included); txn = how long its transaction was open (sampled; 0: shorter');
  console.log(' than a sample); AE = ACCESS EXCLUSIVE on peer_mentors, held / waited for (0: never sampled); write-blocked = longest');
  console.log(' hold of a lock that makes its writers wait; reader/writer max = worst latency of a statement overlapping the step, (n) statements;');
  console.log(' lock order = the drill: a transaction writing a user, then (while the step waits) its mentor, both succeed)');
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------
/** A connection of the workload: a generous statement_timeout, so a stuck step shows up as an error, not a hang. */
async function connect(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  await client.query(`set statement_timeout = '120s'`);
  return client;
}

async function main(): Promise<number> {
  const config = parseConfig();
  const all = migrations();
  if (all[0]?.version !== BASELINE) throw new Error(`the first migration must be the baseline ${BASELINE} (found ${all[0]?.name})`);
  const later = all.slice(1);
  const missing = later.filter((m) => !readdirSync(ROLLBACKS_DIR).includes(path.basename(m.rollback)));
  if (missing.length > 0) throw new Error(`no rollback script for: ${missing.map((m) => m.name).join(', ')} (expected ${path.relative(ROOT, missing[0]!.rollback)})`);

  const target = await acquireTarget('REHEARSAL_DATABASE_URL', { max_wal_size: '4GB', checkpoint_timeout: '30min' });
  const database = `rehearsal_${process.pid}`;
  const adminUrl = target.url;
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  const url = u.toString();
  const workdir = mkdtempSync(path.join(tmpdir(), 'rehearsal-'));
  mkdirSync(path.join(workdir, 'supabase'), { recursive: true });
  copyFileSync(path.join(ROOT, 'supabase', 'config.toml'), path.join(workdir, 'supabase', 'config.toml'));

  let exitCode = 1;
  const cleanups: Array<() => Promise<void>> = [];
  try {
    console.log(`Rehearsal on ${target.throwaway ? 'a throwaway cluster' : "REHEARSAL_DATABASE_URL's server"}, database ${database}`);
    await withClient(adminUrl, (c) => c.query(`create database ${database}`));
    const server = await withClient(url, async (c) => (await c.query<{ v: string }>('select version() as v')).rows[0]!.v);

    // The compatibility layer runs as the platform superuser (supabase_admin) on a throwaway cluster.
    await applyCompatLayer(url, target.adminUrl ? withDatabase(target.adminUrl, database) : undefined);
    await cliMigrateUpTo(url, all, BASELINE, workdir);

    console.log(`Loading ${config.REHEARSE_MENTORS} mentors, ${config.REHEARSE_CHAPTERS} chapters (rehearsal/seed.sql)…`);
    const loadStart = performance.now();
    const sizes = await withClient(url, async (c) => {
      await c.query(`select set_config('rehearsal.mentors', $1, false), set_config('rehearsal.chapters', $2, false)`, [
        String(config.REHEARSE_MENTORS),
        String(config.REHEARSE_CHAPTERS),
      ]);
      await c.query(readFileSync(SEED_FILE, 'utf8'));
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

    // The CLI's own start-up, so the wall times below can be read net of it.
    const overheadStart = performance.now();
    await cliMigrateUpTo(url, all, BASELINE, workdir);
    const cliOverheadMs = Math.round(performance.now() - overheadStart);

    // Workload and monitor.
    const sampleIds = await withClient(url, async (c) =>
      (await c.query<{ id: string }>('select id from public.peer_mentors tablesample system (1) limit 10000')).rows.map((r) => r.id),
    );
    const pick = () => sampleIds[Math.floor(Math.random() * sampleIds.length)]!;
    const relation = await withClient(url, async (c) =>
      Number((await c.query<{ oid: string }>(`select 'public.peer_mentors'::regclass::oid as oid`)).rows[0]!.oid),
    );
    const reader = new Worker('reader', await connect(url, 'rehearsal reader'), 5, (c) =>
      c.query('select * from public.peer_mentors where id = $1', [pick()]),
    );
    const writer = new Worker('writer', await connect(url, 'rehearsal writer'), 10, (c, i) =>
      i % 2 === 0
        ? c.query(`
            with a as (insert into auth.users (id, email) values (gen_random_uuid(), 'writer' || $1 || '@rehearsal.invalid') returning id, email),
                 u as (insert into public.users (id, full_name, email) select id, 'Writer ' || $1, email from a returning id)
            insert into public.peer_mentors (user_id) select id from u`, [`${process.pid}-${i}`])
        : c.query('update public.peer_mentors set created_at = created_at where id = $1', [pick()]),
    );
    const monitor = new LockMonitor(await connect(url, 'rehearsal lock monitor'), relation, config.REHEARSE_SAMPLE_MS);
    monitor.start();
    reader.start();
    writer.start();
    cleanups.push(async () => {
      await Promise.allSettled([reader.stop(), writer.stop(), monitor.stop()]);
    });
    const drill = new LockOrderDrill(await connect(url, 'rehearsal drill'), await connect(url, 'rehearsal probe'));
    cleanups.push(() => drill.close());
    const idle = async (ms: number) => step('idle', 'workload only', () => sleep(ms));
    /** A step under the drill; a step that fails (e.g. as the deadlock victim) is retried once, as a deploy would be. */
    const deploy = async (kind: Kind, name: string, fn: () => Promise<unknown>) => {
      process.stdout.write(`  ${kind.padEnd(8)} ${name} … `);
      const phase = await drill.during(kind, name, fn);
      console.log(`${Math.round(phase.end - phase.start)} ms${phase.error ? ` FAILED: ${phase.error}` : ''}` +
        `${phase.drill !== 'ok' ? ` (drill write failed: ${phase.drill})` : ''}`);
      if (phase.error) {
        process.stdout.write(`  ${kind.padEnd(8)} ${name} (retry) … `);
        const retry = await step(kind, `${name} (retry)`, fn);
        console.log(`${Math.round(retry.end - retry.start)} ms`);
        if (retry.error) throw new Error(`${kind} ${name} failed twice: ${retry.error}`);
      }
      await idle(300);
    };

    console.log('Migrations (supabase migration up, one file at a time), reader, writer and lock-order drill running:');
    await idle(1000);
    for (const m of later) await deploy('migrate', m.name, () => cliMigrateUpTo(url, all, m.version, workdir));
    const before = await schemaDump(url);

    console.log('Rollbacks, newest first (psql --single-transaction):');
    for (const m of [...later].reverse()) await deploy('rollback', path.basename(m.rollback, '.sql'), () => runRollback(url, m.rollback));

    console.log('Migrations again:');
    for (const m of later) await deploy('reapply', m.name, () => cliMigrateUpTo(url, all, m.version, workdir));
    const after = await schemaDump(url);
    await idle(500);
    while (cleanups.length > 0) await cleanups.pop()!();

    const rows = phaseReports(reader, writer, monitor);
    const diff = schemaDiff(before, after);
    const errors = [...reader.ops, ...writer.ops].filter((o) => o.error).map((o) => o.error!);
    const targets = {
      accessExclusiveAtMostMs: TARGET_ACCESS_EXCLUSIVE_MS,
      locksMet: rows.every((r) => r.meetsLockTarget),
      readerWriterErrorFree: errors.length === 0,
      everyStepSucceededFirstTime: rows.every((r) => r.error === null),
      lockOrderDrillErrorFree: rows.every((r) => r.lockOrderDrill === null || r.lockOrderDrill === 'ok'),
      schemaIdentical: diff.length === 0,
    };
    const passed = targets.locksMet && targets.readerWriterErrorFree && targets.everyStepSucceededFirstTime &&
      targets.lockOrderDrillErrorFree && targets.schemaIdentical;
    const warnings = rows
      .filter((r) => r.writeBlockingHeldMs > WARN_WRITE_BLOCKED_MS)
      .map((r) => `${r.kind} ${r.name}: writers of peer_mentors waited up to ${r.writer.maxMs} ms ` +
        `(${r.writeBlockingMode} held ${r.writeBlockingHeldMs} ms; readers unaffected, max ${r.reader.maxMs} ms)`);

    console.log('');
    printTable(rows);
    console.log('');
    console.log(`reader: ${reader.ops.length} statements, ${reader.ops.filter((o) => o.error).length} errors; ` +
      `writer: ${writer.ops.length} statements, ${writer.ops.filter((o) => o.error).length} errors`);
    if (errors.length > 0) console.log(`first error: ${errors[0]}`);
    console.log(`schema after rollback + re-apply: ${diff.length === 0 ? 'identical (pg_dump --schema-only)' : `DIFFERENT\n  ${diff.slice(0, 40).join('\n  ')}`}`);
    for (const w of warnings) console.log(`warning: ${w}`);
    console.log(`CLI start-up (included in each migrate/reapply wall time): ~${cliOverheadMs} ms; lock sampling every ${config.REHEARSE_SAMPLE_MS} ms`);
    for (const r of rows.filter((x) => x.error)) console.log(`step failed: ${r.kind} ${r.name}: ${r.error}`);
    for (const r of rows.filter((x) => x.lockOrderDrill && x.lockOrderDrill !== 'ok')) console.log(`drill write failed during ${r.kind} ${r.name}: ${r.lockOrderDrill}`);
    console.log(`targets: ACCESS EXCLUSIVE on peer_mentors <= ${TARGET_ACCESS_EXCLUSIVE_MS} ms ${targets.locksMet ? 'met' : 'MISSED'}; ` +
      `reader/writer errors ${targets.readerWriterErrorFree ? 'none' : 'SOME'}; ` +
      `steps ${targets.everyStepSucceededFirstTime ? 'all succeeded first time' : 'SOME FAILED'}; ` +
      `lock-order drill ${targets.lockOrderDrillErrorFree ? 'clean' : 'SOME WRITES FAILED'}; ` +
      `schema ${targets.schemaIdentical ? 'identical' : 'DIFFERENT'} -> ${passed ? 'PASS' : 'FAIL'}`);

    const report = {
      generatedAt: new Date().toISOString(),
      environment: {
        server,
        cpus: cpus().length,
        note: 'CPU cores shared with other work on the machine; figures are indicative, not a benchmark',
        cluster: target.throwaway ? 'throwaway (fsync off, shared_buffers 256MB, max_wal_size 4GB)' : 'REHEARSAL_DATABASE_URL',
        sampleIntervalMs: config.REHEARSE_SAMPLE_MS,
        cliOverheadMs,
      },
      data: { ...Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v])), loadSeconds },
      targets: { ...targets, passed },
      warnings,
      steps: rows,
      workload: {
        reader: { statements: reader.ops.length, errors: reader.ops.filter((o) => o.error).length },
        writer: { statements: writer.ops.length, errors: writer.ops.filter((o) => o.error).length },
        errors: [...new Set(errors)].slice(0, 20),
      },
      schemaDiff: diff.slice(0, 200),
    };
    mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
    writeFileSync(REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${path.relative(ROOT, REPORT_FILE)}`);
    exitCode = passed ? 0 : 1;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    rmSync(workdir, { recursive: true, force: true });
    if (target.throwaway || config.REHEARSE_KEEP === '0') {
      await withClient(adminUrl, (c) => c.query(`drop database if exists ${database} with (force)`)).catch((err: unknown) =>
        console.error(`could not drop ${database}: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    await target.release();
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
