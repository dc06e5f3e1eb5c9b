-- Advisor (Security, "RLS disabled in public"): every table in a schema the Data API exposes has row-level
-- security enabled, so a table added without it cannot be read or written wholesale through /rest/v1.
-- Exposed schemas are supabase/config.toml's [api] schemas (public, graphql_public). Tables that belong to an
-- extension are not ours and are left out. The query lists the offenders, so a failure names them.
begin;
select plan(2);

select is_empty(
  $$select c.oid::regclass::text
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('public', 'graphql_public')
       and c.relkind in ('r', 'p')
       and not c.relrowsecurity
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')$$,
  'every table in an exposed schema has row-level security enabled');

select cmp_ok(
  (select count(*)::integer from pg_catalog.pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')),
  '>=', 8,
  'the check covers the project''s tables in public (it is not vacuous)');

select * from finish();
rollback;
