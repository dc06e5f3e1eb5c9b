// pg_cron really runs the nightly expiry job: the command that migration 20261201150000 scheduled as
// certification-expiry is scheduled once more under a test name every minute, and within ~a minute pg_cron (its
// background worker, as postgres) has run it: cron.job_run_details says succeeded, a new public.job_runs row
// says succeeded with the mentor it paused, and that mentor's history row points to the run.
//
// Only on a throwaway cluster, in its `postgres` database (pg_cron's cron.database_name): on DATABASE_URL it
// would run the real job in that database and pause its mentors. Skipped where pg_cron is not installed
// (PostgreSQL 17 from npm has none).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { z } from 'zod';
import { ON_THROWAWAY_CLUSTER } from './support/database.ts';

const URL_ = z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL (set by `npm test`)').parse(process.env.DATABASE_URL);
const TEST_JOB = 'test-certification-expiry-every-minute';
const USER_ID = 'c7000000-0000-4000-8000-000000000001';

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: URL_ });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const hasPgCron = await withClient(async (c) =>
  (await c.query<{ ok: boolean }>(`select exists (select 1 from pg_extension where extname = 'pg_cron') as ok`)).rows[0]!.ok);

const skip = !ON_THROWAWAY_CLUSTER
  ? 'skipped on DATABASE_URL: pg_cron would run the real expiry job in that database and pause its mentors'
  : !hasPgCron ? 'pg_cron is not installed on this server' : false;

test('pg_cron runs the scheduled expiry job as postgres and the run lands in job_runs', { skip, timeout: 170_000 }, async () => {
  await withClient(async (c) => {
    const scheduled = await c.query<{ command: string }>(`select command from cron.job where jobname = 'certification-expiry'`);
    assert.equal(scheduled.rows.length, 1, 'migration 20261201150000 scheduled certification-expiry');
    const command = scheduled.rows[0]!.command;

    // A mentor whose certification has lapsed: the run must pause her.
    await c.query(`insert into auth.users (id, email) values ($1, 'cron-mentor@test.invalid')`, [USER_ID]);
    await c.query(`insert into public.users (id, full_name, email) values ($1, 'Cron Mentor', 'cron-mentor@test.invalid')`, [USER_ID]);
    const mentor = (await c.query<{ id: string }>(
      `insert into public.peer_mentors (user_id, certification_expires_at) values ($1, now() - interval '1 day') returning id`, [USER_ID],
    )).rows[0]!.id;

    const since = (await c.query<{ t: Date }>('select now() as t')).rows[0]!.t;
    const jobId = (await c.query<{ id: string }>(`select cron.schedule($1, '* * * * *', $2) as id`, [TEST_JOB, command])).rows[0]!.id;
    try {
      let run: { id: string; status: string; affected_count: number } | undefined;
      let details: { status: string; username: string; return_message: string } | undefined;
      const deadline = Date.now() + 150_000;
      while (Date.now() < deadline && !(run && details)) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        run = (await c.query<{ id: string; status: string; affected_count: number }>(
          `select id, status, affected_count from public.job_runs where started_at >= $1 and status <> 'running' order by started_at limit 1`, [since],
        )).rows[0];
        details = (await c.query<{ status: string; username: string; return_message: string }>(
          `select d.status, d.username, d.return_message from cron.job_run_details d where d.jobid = $1 and d.status in ('succeeded', 'failed') limit 1`, [jobId],
        )).rows[0];
      }
      assert.ok(details, 'pg_cron ran the job within two and a half minutes');
      assert.deepEqual({ status: details.status, username: details.username }, { status: 'succeeded', username: 'postgres' },
        `pg_cron ran it as postgres, successfully (${details.return_message})`);
      assert.ok(run, 'the run left a job_runs row');
      assert.equal(run.status, 'succeeded');
      assert.ok(run.affected_count >= 1, `the run paused the lapsed mentor (affected_count ${run.affected_count})`);
      const history = await c.query<{ new_status: string }>(
        `select new_status::text from public.peer_mentor_status_history where mentor_id = $1 and job_run_id = $2`, [mentor, run.id],
      );
      assert.deepEqual(history.rows, [{ new_status: 'paused' }], 'her history row points to the run');
    } finally {
      await c.query('select cron.unschedule($1)', [TEST_JOB]);
    }
  });
});
