-- Rollback of 20261126100500_certification_expiry_job.sql: drops only what that migration added — the
-- function public.run_certification_expiry_job and its partial index on peer_mentors.
--
-- The job_runs rows and history rows the job wrote are kept (they belong to 20261126100200). Run newest
-- first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261126100500_certification_expiry_job_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261126100500';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
  if to_regclass('public.coordinator_notifications') is not null then
    raise exception 'roll back 20261126100600_coordinator_notifications first: public.coordinator_notifications still exists'
      using errcode = 'dependent_objects_still_exist';
  end if;
end
$$;

drop function if exists public.run_certification_expiry_job(timestamptz);

-- Dropping an index only removes catalog rows and a file: ACCESS EXCLUSIVE on peer_mentors for milliseconds,
-- bounded by lock_timeout. CONCURRENTLY would make the rollback non-atomic (it cannot run in a transaction).
-- squawk-ignore require-concurrent-index-deletion
drop index if exists public.peer_mentors_active_certification_expiry_idx;

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261126100500';
  end if;
end
$$;
