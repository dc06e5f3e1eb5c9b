// Lock-order drill: during every step, a transaction that writes the way the app does — a user profile first,
// then (once the step is waiting for a lock, or after a moment) its mentor row, whose triggers write the
// history. A step that locks these tables in the opposite order deadlocks with it (40P01), deterministically.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { type Kind, type Phase, step } from './steps.ts';

export class LockOrderDrill {
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
