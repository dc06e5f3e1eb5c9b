-- Rollback of 20261203120300_schedule_status_history_digest.sql: unschedules the hourly digest (where pg_cron is installed). Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261203120300_schedule_status_history_digest_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261203120300';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

do $$
begin
  -- Nested: cron.job is only parsed where pg_cron is installed.
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    if exists (select 1 from cron.job where jobname = 'status-history-digest') then
      perform cron.unschedule('status-history-digest');
    end if;
  end if;
end
$$;

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261203120300';
  end if;
end
$$;
