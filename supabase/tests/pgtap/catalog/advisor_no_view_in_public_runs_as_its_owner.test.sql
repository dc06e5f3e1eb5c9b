-- Advisor (Security, "security definer view"): a view runs its query with its owner's rights unless it is
-- created `with (security_invoker = true)` (PostgreSQL 15), bypassing the RLS of the tables it reads. No view in
-- an exposed schema may do that. (There are no views yet; this guards the next one.)
begin;
select plan(1);

select is_empty(
  $$select c.oid::regclass::text
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('public', 'graphql_public')
       and c.relkind in ('v', 'm')
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
       and not coalesce('security_invoker=true' = any (c.reloptions) or 'security_invoker=on' = any (c.reloptions), false)$$,
  'every view in an exposed schema is security_invoker (none reads as its owner)');

select * from finish();
rollback;
