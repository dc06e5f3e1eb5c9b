-- Rollback of 20261201110000_no_api_privileges_on_sequences.sql: gives the sequences in public back the
-- privileges Supabase's default privileges had granted (anon, authenticated, service_role: all), and puts
-- Supabase's default privileges for the postgres role in public back (the grantees in Supabase's order, so
-- pg_dump shows exactly the earlier schema). Reopens the hole the migration closed: roll forward again soon.
-- Run it with:
--   npm run db:rollback -- 20261201110000
set lock_timeout = '3s';
set statement_timeout = '10min';

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
