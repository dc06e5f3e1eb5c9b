-- Rollback of 20261203130500_responsibility_checked_by_the_health_report_and_the_nightly_job.sql: the health report and the nightly job no longer check the responsibility relation: run_certification_expiry_job and coordinator_notifications_health get 20261201110300's and 20261201110400's bodies back (verbatim), the type's attributes, the helper and the job_runs columns go. Run it with:
--   npm run db:rollback -- 20261203130500
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

-- The function returns the type: the old body first needs the old attributes, so the function is dropped and
-- made again (same grants).
drop function public.coordinator_notifications_health();
alter type public.coordinator_notifications_health
  drop attribute last_expiry_job_responsibility_repaired,
  drop attribute last_expiry_job_responsibility_differences,
  drop attribute responsibility_extra_count,
  drop attribute responsibility_missing_count;
create function public.coordinator_notifications_health() returns public.coordinator_notifications_health
language sql
stable
security invoker -- the service role reads both tables itself; granted to it alone
set search_path = ''
as $$
  select pg_catalog.clock_timestamp(),
         o.pending_count, o.oldest_pending_created_at, pg_catalog.clock_timestamp() - o.oldest_pending_created_at,
         o.retrying_count, o.dead_count,
         j.id, j.status, j.started_at, j.finished_at, j.affected_count, j.skipped_count, j.error
    from (select pg_catalog.count(*) filter (where n.dead_at is null) as pending_count,
                 pg_catalog.min(n.created_at) filter (where n.dead_at is null) as oldest_pending_created_at,
                 pg_catalog.count(*) filter (where n.dead_at is null and n.last_failed_at is not null and n.attempts > 0) as retrying_count,
                 pg_catalog.count(*) filter (where n.dead_at is not null) as dead_count
            from public.coordinator_notifications n
           where n.dispatched_at is null) o
    left join lateral (select r.id, r.status, r.started_at, r.finished_at, r.affected_count, r.skipped_count, r.error
                         from public.job_runs r
                        where r.job_name = 'certification_expiry'
                        order by r.started_at desc, r.id desc
                        limit 1) j on true;
$$;
comment on function public.coordinator_notifications_health() is
  'Service role only (operators, alerts). One row: pending notifications (count, oldest, age), retrying and dead counts, and the last certification_expiry job run with its status, counts and error.';

revoke all on function public.coordinator_notifications_health() from public, anon, authenticated, service_role;
grant execute on function public.coordinator_notifications_health() to service_role;
drop function private.responsibility_difference_counts();

-- The rollback's purpose: the two columns 20261203130500 added, and their check.
-- squawk-ignore ban-drop-column
alter table public.job_runs drop column responsibility_repaired, drop column responsibility_differences;
