-- Rollback of 20261203140400_expiry_job_writes_each_row_once.sql: the job goes back to 20261203130500's (verbatim: the FOR UPDATE SKIP LOCKED
-- pre-pass on every run). Run it with:
--   npm run db:rollback -- 20261203140400
set lock_timeout = '3s';
set statement_timeout = '10min';

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
  v_differences integer;
  v_repaired boolean;
begin
  if p_as_of is null then
    raise exception 'run_certification_expiry_job: p_as_of must not be null'
      using errcode = 'null_value_not_allowed';
  end if;

  insert into public.job_runs (job_name) values ('certification_expiry') returning id into v_job_run_id;

  -- The relation the outbox reads, checked (and repaired where safe) before anyone is paused.
  select pg_catalog.count(*)::integer into v_differences from private.responsibility_differences();
  if v_differences > 0 then
    begin
      perform private.rebuild_responsibility();
      v_repaired := not exists (select 1 from private.responsibility_differences());
    exception when others then
      v_repaired := false;
      raise warning 'certification_expiry job run %: the responsibility relation differs from its definition (% pair(s)) and could not be repaired: %',
        v_job_run_id, v_differences, sqlerrm;
    end;
    if v_repaired then
      raise warning 'certification_expiry job run %: the responsibility relation differed from its definition (% pair(s)); rebuilt',
        v_job_run_id, v_differences;
    end if;
  end if;

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
           skipped_count = v_skipped, responsibility_differences = v_differences, responsibility_repaired = v_repaired
     where id = v_job_run_id;
    if v_skipped > 0 then
      raise warning 'certification_expiry job run % left % locked mentor(s) for the next run', v_job_run_id, v_skipped;
    end if;
  exception when others then
    -- The block's pauses are rolled back (no half-done run); the failure itself is recorded.
    perform pg_catalog.set_config('app.job_run_id', coalesce(v_previous_setting, ''), true);
    update public.job_runs
       set status = 'failed', finished_at = pg_catalog.clock_timestamp(), affected_count = 0, error = sqlerrm,
           responsibility_differences = v_differences, responsibility_repaired = v_repaired
     where id = v_job_run_id;
    raise warning 'certification_expiry job run % failed: %', v_job_run_id, sqlerrm;
  end;

  return v_job_run_id;
end;
$$;
comment on function public.run_certification_expiry_job(timestamptz) is
  'Service role only. Checks the responsibility relation first (job_runs.responsibility_differences; rebuilt where it differs, responsibility_repaired). Pauses every active mentor whose certification_expires_at <= p_as_of (status_reason certification_expired) in one statement under a new job_runs row, which it finishes as succeeded with affected_count (or failed with the error, pausing no one). Mentors locked by another transaction are skipped, not waited for (FOR UPDATE SKIP LOCKED): their number is the run''s skipped_count and the next run pauses them. Returns the job run id. Idempotent: a second run pauses no one.';

revoke all on function public.run_certification_expiry_job(timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.run_certification_expiry_job(timestamptz) to service_role;
