-- What Supabase's advisor checks, asserted on the catalog so a new table, function or policy that misses a
-- rule fails the suite:
--   * every table in public has row-level security enabled, and anon holds no privilege on any of them;
--   * every function in public and private has a fixed search_path (proconfig carries search_path=...);
--   * every policy names its role (never the default `to public`) and reads auth.*() through a scalar
--     subquery, `(select auth.uid())`, which PostgreSQL prints as `( SELECT auth.uid() AS uid)`: evaluated
--     once per statement instead of once per row;
--   * the functions our policies call are stable (or immutable), security definer, and outside public,
--     so the Data API does not expose them as /rest/v1/rpc endpoints.
-- Each query lists the offenders, so a failure names them. Objects that belong to an extension (e.g. PostGIS's
-- spatial_ref_sys on a Supabase project) and policies in Supabase's own schemas are not ours and are left out.
begin;
select plan(7);

select is_empty(
  $$select c.oid::regclass::text
      from pg_catalog.pg_class c
     where c.relnamespace = 'public'::regnamespace
       and c.relkind in ('r', 'p')
       and not c.relrowsecurity
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')$$,
  'every table in public has row-level security enabled');

select isnt_empty(
  $$select 1 from pg_catalog.pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')$$,
  'there are tables in public to check (the check above is not vacuous)');

select is_empty(
  $$select c.oid::regclass::text
      from pg_catalog.pg_class c
     where c.relnamespace = 'public'::regnamespace
       and c.relkind in ('r', 'p', 'v', 'm', 'f')
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
       and (pg_catalog.has_table_privilege('anon', c.oid, 'select, insert, update, delete, truncate, references, trigger')
            or pg_catalog.has_any_column_privilege('anon', c.oid, 'select, insert, update, references'))$$,
  'anon holds no privilege on any table or view in public');

select is_empty(
  $$select p.oid::regprocedure::text
      from pg_catalog.pg_proc p
     where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
       and p.prokind in ('f', 'p')
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
       and not exists (select 1 from pg_catalog.unnest(p.proconfig) as setting where setting like 'search\_path=%')
       -- On purpose (20261203140100): inlined per row into the history writers and the verifier, which a SET
       -- clause would prevent; every name in them is schema-qualified.
       and p.oid not in ('private.status_history_pseudonym(uuid)'::regprocedure,
                         'private.status_history_proof(bytea, bigint, uuid, public.mentor_status, public.mentor_status, timestamptz, text, bytea, bytea, text)'::regprocedure)$$,
  'every function in public and private has a fixed search_path');

select is_empty(
  $$select format('%s on %I.%I', policyname, schemaname, tablename)
      from pg_catalog.pg_policies
     where schemaname in ('public', 'private')
       and 'public' = any (roles)$$,
  'every policy is written `to <role>` (none applies to public, i.e. every role)');

select is_empty(
  $$select format('%s on %I.%I', policyname, schemaname, tablename)
      from pg_catalog.pg_policies
     where schemaname in ('public', 'private')
       and pg_catalog.regexp_replace(coalesce(qual, '') || ' ' || coalesce(with_check, ''),
                                     '\( SELECT auth\.(\w+)\(\) AS \1\)', '', 'g')
           ~ 'auth\.\w+\('$$,
  'every policy calls auth.uid() (and auth.*()) wrapped as (select auth.uid()), never bare');

select is_empty(
  $$select format('%s (used by %s on %s)', p.oid::regprocedure, pol.polname, pol.polrelid::regclass)
      from pg_catalog.pg_policy pol
      join pg_catalog.pg_class c on c.oid = pol.polrelid
      join pg_catalog.pg_depend d
        on d.classid = 'pg_catalog.pg_policy'::regclass and d.objid = pol.oid and d.refclassid = 'pg_catalog.pg_proc'::regclass
      join pg_catalog.pg_proc p on p.oid = d.refobjid
     where c.relnamespace in ('public'::regnamespace, 'private'::regnamespace)
       and p.pronamespace not in ('auth'::regnamespace, 'pg_catalog'::regnamespace)
       and (p.provolatile = 'v' or not p.prosecdef or p.pronamespace = 'public'::regnamespace)$$,
  'every helper a policy calls is stable, security definer and outside the exposed public schema');

select * from finish();
rollback;
