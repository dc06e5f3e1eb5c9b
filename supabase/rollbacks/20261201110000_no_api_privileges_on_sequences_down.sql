-- Rollback of 20261201110000_no_api_privileges_on_sequences.sql: gives the sequences in public back the
-- privileges Supabase's default privileges had granted (anon, authenticated, service_role: all), and puts
-- Supabase's default privileges for the postgres role in public back (the grantees in Supabase's order, so
-- pg_dump shows exactly the earlier schema). Reopens the hole the migration closed: roll forward again soon.
-- Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261201110000_no_api_privileges_on_sequences_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261201110000';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

do $$
declare
  v_sequence regclass;
begin
  for v_sequence in
    select c.oid::regclass from pg_catalog.pg_class c
     where c.relkind = 'S' and c.relnamespace = 'public'::regnamespace
     order by c.oid
  loop
    execute pg_catalog.format('grant all on sequence %s to anon, authenticated, service_role', v_sequence);
  end loop;
end
$$;

-- Revoke what is left first, then grant in Supabase's order (anon, authenticated, service_role).
alter default privileges for role postgres in schema public revoke all on tables from service_role;
alter default privileges for role postgres in schema public revoke all on functions from service_role;
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261201110000';
  end if;
end
$$;
