-- Rollback of 20261201120100_status_at_an_instant.sql: drops the time-travel functions and their row type. Nothing else depends on it; no table changes. Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261201120100_status_at_an_instant_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261201120100';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

drop function if exists public.chapter_status_at(uuid, timestamptz);
drop function if exists public.mentor_status_at(uuid, timestamptz);
drop type if exists public.mentor_status_at_instant;

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261201120100';
  end if;
end
$$;
