-- Hygiene (contract, "Hygiene of the public surface"): a function is executable by no API role until a migration
-- grants it, whatever its schema. Issue 18, "Also found".
--
-- PostgreSQL grants EXECUTE on every new function to PUBLIC, and 20261201110000 could only revoke anon's and
-- authenticated's per-schema defaults in public: a per-schema rule cannot take away PUBLIC's global one. So a
-- function a later migration created in private (or any schema the API roles can use) without its own
-- `revoke ... from public` was executable by every signed-in user: a security definer one with its owner's
-- rights. Now the default for the role that runs the migrations (postgres) is revoked globally, and in each of
-- our schemas for the API roles as well: a new function is executable by its owner only (plus service_role in
-- public, Supabase's default, which the contract grants everything) until a migration grants it.
--
-- Existing functions: every function in public and private not belonging to an extension loses PUBLIC's
-- EXECUTE (each migration revoked it already; this makes it so whatever happened by hand). Their explicit grants
-- to authenticated and service_role are kept: the policies, the rules and the read model call them as the caller.
-- authenticated keeps USAGE on private for the same reason (RLS policies and security_invoker views call the
-- helpers there as the caller); anon has none.
--
-- Also for functions that CREATE EXTENSION makes as postgres later: they are executable by their owner only
-- until a migration grants them (extensions Supabase installs run as supabase_admin and are not affected).
-- Catalog changes only: no table lock.
set lock_timeout = '3s';
set statement_timeout = '10min';

alter default privileges for role postgres revoke execute on functions from public;
alter default privileges for role postgres in schema public revoke execute on functions from public, anon, authenticated;
alter default privileges for role postgres in schema private revoke execute on functions from public, anon, authenticated;

do $$
declare
  v_function regprocedure;
begin
  for v_function in
    select p.oid::regprocedure
      from pg_catalog.pg_proc p
     where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
       and pg_catalog.has_function_privilege('public', p.oid, 'execute')
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
     order by p.oid
  loop
    execute pg_catalog.format('revoke execute on function %s from public', v_function);
  end loop;
end
$$;
