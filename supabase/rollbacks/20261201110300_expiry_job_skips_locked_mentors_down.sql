-- Rollback of 20261201110300_expiry_job_skips_locked_mentors.sql: the job as 20261126100500 defined it (waits
-- for row locks) and job_runs without skipped_count (the counts of earlier runs go with the column). Run it with:
--   npm run db:rollback -- 20261201110300
set lock_timeout = '3s';
set statement_timeout = '10min';

create or replace function public.run_certification_expiry_job(p_as_of timestamptz default now()) returns uuid
language plpgsql
volatile
security definer -- runs as the owner (a system caller), so the mentor/coordinator rules do not apply
set search_path = ''
as $$
declare
  v_job_run_id uuid;
  v_previous_setting text := pg_catalog.current_setting('app.job_run_id', true);
  v_affected integer;
begin
  if p_as_of is null then
    raise exception 'run_certification_expiry_job: p_as_of must not be null'
      using errcode = 'null_value_not_allowed';
  end if;

  insert into public.job_runs (job_name) values ('certification_expiry') returning id into v_job_run_id;

  begin
    perform pg_catalog.set_config('app.job_run_id', v_job_run_id::text, true);

    update public.peer_mentors
       set status = 'paused',
           status_reason = 'certification_expired'
     where status = 'active'
       and certification_expires_at <= p_as_of;
    get diagnostics v_affected = row_count;

    perform pg_catalog.set_config('app.job_run_id', coalesce(v_previous_setting, ''), true);
    update public.job_runs
       set status = 'succeeded', finished_at = pg_catalog.clock_timestamp(), affected_count = v_affected
     where id = v_job_run_id;
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
  'Service role only. Pauses every active mentor whose certification_expires_at <= p_as_of (status_reason certification_expired) in one statement under a new job_runs row, which it finishes as succeeded with affected_count (or failed with the error, pausing no one). Returns the job run id. Idempotent: a second run pauses no one.';

-- A rollback removes what its migration added, on purpose (no client depends on a column this new).
-- squawk-ignore ban-drop-column
alter table public.job_runs drop column if exists skipped_count;
