-- Advisor (Performance, "auth RLS initplan"): a policy that calls auth.uid() (or any auth.*() or
-- current_setting()) bare re-evaluates it for every row; wrapped as `(select auth.uid())` it is an initPlan,
-- evaluated once per statement. PostgreSQL prints the wrapped form as `( SELECT auth.uid() AS uid)`; this strips
-- every wrapped call and fails on any bare call left, naming the policy.
begin;
select plan(2);

select is_empty(
  $$select format('%s on %I.%I', policyname, schemaname, tablename)
      from pg_catalog.pg_policies
     where schemaname in ('public', 'private')
       and pg_catalog.regexp_replace(
             coalesce(qual, '') || ' ' || coalesce(with_check, ''),
             '\( SELECT (auth\.(\w+)\(\) AS \2|current_setting\([^()]*\) AS current_setting)\)', '', 'g')
           ~* '(auth\.\w+\(|current_setting\()'$$,
  'every policy wraps auth.*() and current_setting() calls as (select ...), none is called per row');

select isnt_empty(
  $$select 1 from pg_catalog.pg_policies
     where schemaname = 'public' and (coalesce(qual, '') || coalesce(with_check, '')) like '%( SELECT auth.uid() AS uid)%'$$,
  'some policies do call auth.uid() (the check is not vacuous)');

select * from finish();
rollback;
