-- Advisor (Performance, "multiple permissive policies"): two permissive policies for the same table, role and
-- action are OR-ed and both evaluated for every row; the house style is one policy per operation and role.
-- `for all` policies count for each action, and a policy `to public` counts for every role.
begin;
select plan(1);

select is_empty(
  $$with expanded as (
      select p.schemaname, p.tablename, p.policyname, r.role, a.action
        from pg_catalog.pg_policies p
        cross join lateral pg_catalog.unnest(
          case when 'public' = any (p.roles) then array['anon', 'authenticated', 'service_role']::name[] else p.roles end) as r (role)
        cross join lateral pg_catalog.unnest(
          case p.cmd when 'ALL' then array['SELECT', 'INSERT', 'UPDATE', 'DELETE'] else array[p.cmd] end) as a (action)
       where p.schemaname in ('public', 'private') and p.permissive = 'PERMISSIVE'
    )
    select format('%I.%I: %s for %s (%s)', schemaname, tablename, action, role,
                  pg_catalog.string_agg(policyname::text, ', ' order by policyname))
      from expanded
     group by schemaname, tablename, role, action
    having count(*) > 1$$,
  'no table has two permissive policies for the same role and action');

select * from finish();
rollback;
