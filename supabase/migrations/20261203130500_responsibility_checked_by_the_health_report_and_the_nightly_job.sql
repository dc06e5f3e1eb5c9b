-- The responsibility relation is part of the health report, and the nightly job checks it, records a mismatch in
-- job_runs and repairs it where that is safe. Issue 18, "The relation defends itself".
--
-- private.responsibility_differences() compares the maintained relation with the contract's definition computed
-- from scratch; it was only called by tests. Now:
--   * public.coordinator_notifications_health() (service role) also returns responsibility_missing_count and
--     responsibility_extra_count, computed when it is called (additive attributes of its composite type), and
--     what the last certification-expiry run found and did (last_expiry_job_responsibility_differences,
--     last_expiry_job_responsibility_repaired);
--   * public.run_certification_expiry_job() checks the relation before it pauses anyone (the outbox reads the
--     relation, so a repaired relation tells the right coordinators). job_runs gets two additive, nullable
--     columns: responsibility_differences (the pairs found wrong; 0 when exact; null for other jobs and earlier
--     runs) and responsibility_repaired (null when nothing was wrong; true when private.rebuild_responsibility()
--     made it exact; false when it could not: e.g. the relation's lock was held past the job's lock_timeout, or
--     the run was at REPEATABLE READ and refused with PM601). The repair is safe where it runs: the rebuild
--     takes the relation's lock and recomputes from committed data at READ COMMITTED (pg_cron's level), in
--     the job's transaction; anything else is left as found, recorded, and warned about. A failed repair
--     does not fail the run: the mentors are still paused.
-- Data that caused a mismatch (triggers disabled, session_replication_role = replica) is repaired at the next
-- night at the latest; `select * from private.rebuild_responsibility()` does it at once.
--
-- ADD COLUMN (nullable, no default) locks job_runs for milliseconds; the type and functions take no table lock.
set lock_timeout = '3s';
set statement_timeout = '10min';

alter table public.job_runs
  add column responsibility_differences integer,
  add column responsibility_repaired boolean;
-- job_runs holds one row per nightly run: validating the new (all-null) column's check scans a few rows.
-- squawk-ignore constraint-missing-not-valid
alter table public.job_runs add constraint responsibility_differences_is_not_negative check (responsibility_differences >= 0);
comment on column public.job_runs.responsibility_differences is
  'certification_expiry: how many (mentor, coordinator) pairs of the responsibility relation differed from its definition when the run started (private.responsibility_differences()); 0 when exact; null for other jobs and runs before 20261203130500.';
comment on column public.job_runs.responsibility_repaired is
  'certification_expiry: true when the run rebuilt a relation that differed and it is now exact; false when it could not (see the run''s warning); null when nothing differed.';

create function private.responsibility_difference_counts(out missing_count bigint, out extra_count bigint)
language sql
stable
security definer -- reads the private tables and every membership; granted to the service role (health report)
set search_path = ''
as $$
  select pg_catalog.count(*) filter (where d.side = 'missing'), pg_catalog.count(*) filter (where d.side = 'extra')
    from private.responsibility_differences() d;
$$;
comment on function private.responsibility_difference_counts() is
  'How many pairs the responsibility relation lacks (missing_count) and has wrongly (extra_count) compared with its definition: counts only, for the service role''s health report. Both 0 when exact.';
revoke all on function private.responsibility_difference_counts() from public, anon, authenticated, service_role;
grant execute on function private.responsibility_difference_counts() to service_role;

alter type public.coordinator_notifications_health
  add attribute responsibility_missing_count bigint,
  add attribute responsibility_extra_count bigint,
  add attribute last_expiry_job_responsibility_differences integer,
  add attribute last_expiry_job_responsibility_repaired boolean;
comment on column public.coordinator_notifications_health.responsibility_missing_count is
  'Pairs (mentor, coordinator) the responsibility relation lacks compared with its definition, now. 0 when exact. Alert when not 0 (a coordinator is not told about, and cannot see, a mentor it is responsible for).';
comment on column public.coordinator_notifications_health.responsibility_extra_count is
  'Pairs the relation has wrongly, now. 0 when exact. Alert when not 0 (a coordinator sees and is told about a mentor it is not responsible for). Repair: select * from private.rebuild_responsibility() (as the owner), or wait for the nightly job.';
comment on column public.coordinator_notifications_health.last_expiry_job_responsibility_differences is
  'What the last certification_expiry run found: pairs that differed from the definition when it started (0: exact).';
comment on column public.coordinator_notifications_health.last_expiry_job_responsibility_repaired is
  'Whether that run repaired them (null: nothing to repair).';

create or replace function public.coordinator_notifications_health() returns public.coordinator_notifications_health
language sql
stable
security invoker -- the service role reads both tables itself (and the relation's counts through a definer helper); granted to it alone
set search_path = ''
as $$
  select pg_catalog.clock_timestamp(),
         o.pending_count, o.oldest_pending_created_at, pg_catalog.clock_timestamp() - o.oldest_pending_created_at,
         o.retrying_count, o.dead_count,
         j.id, j.status, j.started_at, j.finished_at, j.affected_count, j.skipped_count, j.error,
         r.missing_count, r.extra_count, j.responsibility_differences, j.responsibility_repaired
    from (select pg_catalog.count(*) filter (where n.dead_at is null) as pending_count,
                 pg_catalog.min(n.created_at) filter (where n.dead_at is null) as oldest_pending_created_at,
                 pg_catalog.count(*) filter (where n.dead_at is null and n.last_failed_at is not null and n.attempts > 0) as retrying_count,
                 pg_catalog.count(*) filter (where n.dead_at is not null) as dead_count
            from public.coordinator_notifications n
           where n.dispatched_at is null) o
    cross join private.responsibility_difference_counts() r
    left join lateral (select x.id, x.status, x.started_at, x.finished_at, x.affected_count, x.skipped_count, x.error,
                              x.responsibility_differences, x.responsibility_repaired
                         from public.job_runs x
                        where x.job_name = 'certification_expiry'
                        order by x.started_at desc, x.id desc
                        limit 1) j on true;
$$;
comment on function public.coordinator_notifications_health() is
  'Service role only (operators, alerts). One row: pending notifications (count, oldest, age), retrying and dead counts, the last certification_expiry job run with its status, counts and error, and the responsibility relation''s differences from its definition (now, and what the last run found and repaired).';

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
