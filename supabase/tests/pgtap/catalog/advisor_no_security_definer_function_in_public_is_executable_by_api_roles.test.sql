-- Advisor (Security, "security definer function executable by anon/authenticated"): a security definer function
-- in public is an /rest/v1/rpc endpoint that runs with its owner's rights. None may be executable by anon or
-- authenticated unless it is listed below with the reason it is safe. The list is empty: the definer functions
-- in public (coordinators_for_mentor, run_certification_expiry_job, claim_/complete_coordinator_notifications)
-- are granted to service_role only, and the policy helpers live in schema private.
-- To allow one, add (signature, reason) to `allowed`, e.g. ('public.f(uuid)', 'returns only the caller''s own row').
begin;
select plan(2);

select is_empty(
  $$with allowed (signature, reason) as (
      select * from (values (null::text, null::text)) a where false
    )
    select format('%s executable by %s', p.oid::regprocedure, r.rolname)
      from pg_catalog.pg_proc p
      cross join (values ('anon'), ('authenticated')) as r (rolname)
     where p.pronamespace = 'public'::regnamespace
       and p.prosecdef
       and pg_catalog.has_function_privilege(r.rolname, p.oid, 'execute')
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
       and p.oid::regprocedure::text not in (select signature from allowed)$$,
  'no security definer function in public is executable by anon or authenticated (allow-list: empty)');

select isnt_empty(
  $$select 1 from pg_catalog.pg_proc p where p.pronamespace = 'public'::regnamespace and p.prosecdef$$,
  'there are security definer functions in public to check (the check is not vacuous)');

select * from finish();
rollback;
