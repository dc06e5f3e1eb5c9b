-- Rollback of 20261203130100_functions_are_executable_only_where_granted.sql: PUBLIC's global default EXECUTE on new functions comes back (the per-schema rules of 20261201110000 stay). Functions whose PUBLIC EXECUTE the migration revoked stay revoked: every migration revoked it already, so there is nothing to give back. Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261203130100_functions_are_executable_only_where_granted_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261203130100';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

alter default privileges for role postgres grant execute on functions to public;

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261203130100';
  end if;
end
$$;
