// The nightly job under contention (issue 13): one expired mentor row locked by another transaction must not
// stall or fail the run. Two connections: one holds the lock, the other runs the job under a statement timeout.
// The run finishes in bounded time, pauses the others, records the skipped mentor in job_runs.skipped_count, and
// the next run (after the lock is gone) pauses the locked one.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const databases: TestDatabase[] = [];
const clients: pg.Client[] = [];
after(async () => {
  await Promise.allSettled(clients.map((c) => c.end()));
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function connect(db: TestDatabase): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  clients.push(client);
  return client;
}

const EXPIRED = 5;

interface JobRun {
  status: string;
  affected_count: number;
  skipped_count: number | null;
  error: string | null;
}

async function jobRun(c: pg.Client, id: string): Promise<JobRun> {
  const { rows } = await c.query<JobRun>('select status, affected_count, skipped_count, error from public.job_runs where id = $1', [id]);
  assert.ok(rows[0], `job run ${id} exists`);
  return rows[0];
}

async function runJob(c: pg.Client): Promise<string> {
  await c.query('begin');
  await c.query(`select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role":"service_role"}', true)`);
  const { rows } = await c.query<{ id: string }>('select public.run_certification_expiry_job(now()) as id');
  await c.query('commit');
  return rows[0]!.id;
}

test('a locked expired mentor is skipped, not waited for, and paused by the next run', { timeout: 60_000 }, async () => {
  const db = await createTestDatabase('expiry_contention');
  databases.push(db);
  const owner = await connect(db);
  await owner.query(`
    insert into auth.users (id, email) select md5('expiry:' || n)::uuid, 'e' || n || '@test.invalid' from generate_series(1, ${EXPIRED}) n;
    insert into public.users (id, full_name, email) select id, email, email from auth.users where email like 'e%@test.invalid';
    insert into public.peer_mentors (id, user_id, certification_expires_at)
    select md5('expiry mentor:' || n)::uuid, md5('expiry:' || n)::uuid, now() - interval '1 day' from generate_series(1, ${EXPIRED}) n;`);
  const locked = (await owner.query<{ id: string }>(`select md5('expiry mentor:1')::uuid as id`)).rows[0]!.id;

  // Another transaction holds mentor 1's row lock (say, an admin's open session editing it).
  const holder = await connect(db);
  await holder.query('begin');
  await holder.query('select id from public.peer_mentors where id = $1 for update', [locked]);

  const job = await connect(db);
  await job.query(`set statement_timeout = '20s'`);
  const started = Date.now();
  const first = await runJob(job);
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 5_000, `the run finished in bounded time without waiting for the lock (${elapsed} ms)`);

  assert.deepEqual(await jobRun(owner, first), { status: 'succeeded', affected_count: EXPIRED - 1, skipped_count: 1, error: null },
    'the run succeeded, paused the others and says it skipped one');
  const statuses = (await owner.query<{ id: string; status: string; status_reason: string | null }>(
    'select id, status, status_reason from public.peer_mentors order by id')).rows;
  assert.deepEqual(statuses.filter((m) => m.id === locked).map((m) => m.status), ['active'], 'the locked mentor is still active');
  assert.deepEqual(statuses.filter((m) => m.id !== locked).map((m) => [m.status, m.status_reason]),
    Array.from({ length: EXPIRED - 1 }, () => ['paused', 'certification_expired']), 'every other expired mentor is paused');
  const history = (await owner.query<{ n: string }>('select count(*) as n from public.peer_mentor_status_history where job_run_id = $1', [first])).rows[0]!;
  assert.equal(Number(history.n), EXPIRED - 1, 'one history row per paused mentor, under the run');

  // The lock goes away; the next run pauses the one left over, and nobody else.
  await holder.query('rollback');
  const second = await runJob(job);
  assert.deepEqual(await jobRun(owner, second), { status: 'succeeded', affected_count: 1, skipped_count: 0, error: null },
    'the next run pauses the formerly locked mentor and skips no one');
  const rows = (await owner.query<{ mentor_id: string; previous_status: string; new_status: string; reason: string }>(
    'select mentor_id, previous_status, new_status, reason from public.peer_mentor_status_history where job_run_id = $1', [second])).rows;
  assert.deepEqual(rows, [{ mentor_id: locked, previous_status: 'active', new_status: 'paused', reason: 'certification_expired' }]);

  const third = await runJob(job);
  assert.deepEqual(await jobRun(owner, third), { status: 'succeeded', affected_count: 0, skipped_count: 0, error: null },
    'a third run pauses no one');
});
