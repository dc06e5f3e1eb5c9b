-- The nightly job under contention: a mentor row locked by another transaction no longer stalls or fails the run.
--
-- Before, the job's one UPDATE waited for every row lock it met: one mentor held by a long transaction (an
-- admin's open psql, a stuck request) stalled the whole run, and with a timeout the run failed and paused no one.
-- Now the job locks the expired active mentors with FOR UPDATE SKIP LOCKED and pauses those it got, in the same
-- one set-based UPDATE (no per-row loop); a locked mentor is left for the next run, which pauses it once the
-- lock is gone (it is still active and expired). The run says so in job_runs:
--   skipped_count  new, additive, nullable column: how many expired active mentors the run could not lock (and
--                  so did not pause); 0 when it paused them all; null for runs of other jobs and earlier runs.
--                  status stays 'succeeded' and affected_count counts the mentors it paused (the contract's
--                  columns keep their meaning: error stays the message of a failed run).
-- Bounded time: the function runs with lock_timeout = 10s, so a table-level lock it cannot get (say, a
-- migration's ACCESS EXCLUSIVE on peer_mentors) fails the run, recorded as failed, instead of hanging pg_cron.
--
-- The UPDATE is run with EXECUTE: planned for this call's p_as_of and the table as it is now, never a
-- cached generic plan (the job is run once a night, and 100k expired mentors want a different plan from 10).
set lock_timeout = '3s';
set statement_timeout = '10min';

alter table public.job_runs add column skipped_count integer;
-- job_runs holds one row per nightly run: validating the new (all-null) column's check scans a few rows.
-- squawk-ignore constraint-missing-not-valid
alter table public.job_runs add constraint skipped_count_is_not_negative check (skipped_count >= 0);
comment on column public.job_runs.skipped_count is
  'How many rows the run had to leave for the next run because another transaction held their lock (certification_expiry: expired active mentors it could not pause now); 0 when none; null when not applicable.';

create or replace function public.run_certification_expiry_job(p_as_of timestamptz default now()) returns uuid
language plpgsql
volatile
security definer -- runs as the owner (a system caller), so the mentor/coordinator rules do not apply
set search_path = ''
set lock_timeout = '10s' -- bounded: a table lock it cannot get fails the run (recorded) instead of hanging
as $$
declare
  v_job_run_id uuid;
  v_previous_setting text := pg_catalog.current_setting('app.job_run_id', true);
  v_affected integer;
  v_skipped integer;
begin
  if p_as_of is null then
    raise exception 'run_certification_expiry_job: p_as_of must not be null'
      using errcode = 'null_value_not_allowed';
  end if;

  insert into public.job_runs (job_name) values ('certification_expiry') returning id into v_job_run_id;

  begin
    perform pg_catalog.set_config('app.job_run_id', v_job_run_id::text, true);

    -- One statement: lock what can be locked now (SKIP LOCKED: never wait for another transaction's row
    -- lock), pause exactly those. The history triggers write one row each, set-based, under this run.
    execute '
      update public.peer_mentors pm
         set status = ''paused'',
             status_reason = ''certification_expired''
       where pm.id in (select e.id
                         from public.peer_mentors e
                        where e.status = ''active''
                          and e.certification_expires_at <= $1
                          for update skip locked)'
      using p_as_of;
    get diagnostics v_affected = row_count;

    -- What is still active and expired was locked by someone else: the next run pauses it.
    select pg_catalog.count(*)::integer into v_skipped
      from public.peer_mentors e
     where e.status = 'active'
       and e.certification_expires_at <= p_as_of;

    perform pg_catalog.set_config('app.job_run_id', coalesce(v_previous_setting, ''), true);
    update public.job_runs
       set status = 'succeeded', finished_at = pg_catalog.clock_timestamp(), affected_count = v_affected,
           skipped_count = v_skipped
     where id = v_job_run_id;
    if v_skipped > 0 then
      raise warning 'certification_expiry job run % left % locked mentor(s) for the next run', v_job_run_id, v_skipped;
    end if;
  exception when others then
    -- The block's pauses are rolled back (no half-done run); the failure itself is recorded.
    perform pg_catalog.set_config('app.job_run_id', coalesce(v_previous_setting, ''), true);
    update public.job_runs
       set status = 'failed', finished_at = pg_catalog.clock_timestamp(), affected_count = 0, error = sqlerrm
     where id = v_job_run_id;
    raise warning 'certification_expiry job run % failed: %', v_job_run_id, sqlerrm;
  end;

  return v_job_run_id;
end;
$$;
comment on function public.run_certification_expiry_job(timestamptz) is
  'Service role only. Pauses every active mentor whose certification_expires_at <= p_as_of (status_reason certification_expired) in one statement under a new job_runs row, which it finishes as succeeded with affected_count (or failed with the error, pausing no one). Mentors locked by another transaction are skipped, not waited for (FOR UPDATE SKIP LOCKED): their number is the run''s skipped_count and the next run pauses them. Returns the job run id. Idempotent: a second run pauses no one.';

revoke all on function public.run_certification_expiry_job(timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.run_certification_expiry_job(timestamptz) to service_role;
