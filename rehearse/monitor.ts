// Lock monitor, sampled every REHEARSE_SAMPLE_MS from its own connection: the locks on peer_mentors (held and
// requested, by anyone but the monitor), the open transactions of the clients applying the steps, and every
// lock the workload's reader and writer are waiting for (any table, row or transaction), with pg_locks.waitstart.
// Durations are float8 (extract() gives numeric, which the driver returns as a string).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { READER, WRITER } from './workload.ts';

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
/** A lock the reader or writer is waiting for. */
export interface WaitRow {
  application_name: string;
  locktype: string;
  relation: string | null;
  mode: string;
  waited_ms: number;
}
interface Sample {
  at: number;
  rows: LockRow[];
  txns: TxnRow[];
  waits: WaitRow[];
}
export interface Interval {
  key: string;
  mode: string;
  granted: boolean;
  from: number;
  to: number;
  waitedMs: number;
}

export class LockMonitor {
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
                  (extract(epoch from clock_timestamp() - l.waitstart) * 1000)::float8 as waited_ms
             from pg_catalog.pg_locks l
             left join pg_catalog.pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'relation' and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
              and l.relation = $1 and l.pid <> pg_catalog.pg_backend_pid()`,
          [this.relation],
        );
        const txns = await this.client.query<TxnRow>(
          `select pid, xact_start::text as xact_start, (extract(epoch from clock_timestamp() - xact_start) * 1000)::float8 as open_ms
             from pg_catalog.pg_stat_activity
            where datname = current_database() and backend_type = 'client backend' and xact_start is not null
              and pid <> pg_catalog.pg_backend_pid() and application_name not like 'rehearsal %'`,
        );
        const waits = await this.client.query<WaitRow>(
          `select a.application_name, l.locktype, l.relation::regclass::text as relation, l.mode,
                  coalesce(extract(epoch from clock_timestamp() - l.waitstart) * 1000, 0)::float8 as waited_ms
             from pg_catalog.pg_locks l
             join pg_catalog.pg_stat_activity a on a.pid = l.pid
            where not l.granted and a.datname = current_database() and a.application_name in ($1, $2)`,
          [READER, WRITER],
        );
        this.samples.push({ at: performance.now(), rows, txns: txns.rows, waits: waits.rows });
        await sleep(Math.max(0, this.intervalMs - (performance.now() - t0)));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.client.end();
  }

  /** The longest-open transaction of another client seen between from and to (a lower bound, exact to one sample). */
  longestTransactionMs(from: number, to: number): number {
    let max = 0;
    for (const s of this.samples) if (s.at >= from && s.at <= to) for (const t of s.txns) max = Math.max(max, t.open_ms);
    return Math.round(max);
  }

  /** The writer's longest lock wait sampled between from and to, and what it waited for. */
  longestWait(application: string, from: number, to: number): { ms: number; on: string | null } {
    let best: WaitRow | undefined;
    for (const s of this.samples) {
      if (s.at < from || s.at > to) continue;
      for (const w of s.waits) if (w.application_name === application && (!best || w.waited_ms > best.waited_ms)) best = w;
    }
    if (!best) return { ms: 0, on: null };
    return { ms: Math.round(best.waited_ms), on: `${best.mode.replace(/Lock$/, '')} on ${best.relation ?? best.locktype}` };
  }

  /**
   * Lock holds/waits on peer_mentors as intervals: the same (pid, transaction, mode, granted) seen in
   * consecutive samples is one interval. Its length is bounded conservatively: from the last sample before it
   * was first seen to the first sample after it was last seen (a lock seen once counts up to two intervals).
   */
  intervals(): Interval[] {
    const open = new Map<string, { mode: string; granted: boolean; from: number; waitedMs: number }>();
    const done: Interval[] = [];
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
        if (o) o.waitedMs = Math.max(o.waitedMs, r.waited_ms ?? 0);
        else open.set(key, { mode: r.mode, granted: r.granted, from: i > 0 ? this.samples[i - 1]!.at : s.at, waitedMs: r.waited_ms ?? 0 });
      }
      for (const key of [...open.keys()]) if (!seen.has(key)) close(key, s.at);
    });
    const last = this.samples.at(-1)?.at ?? 0;
    for (const key of [...open.keys()]) close(key, last);
    return done;
  }
}
