-- Scheduling (migration 20261201150000): where pg_cron is installed, the nightly certification expiry job is
-- scheduled under the name certification-expiry at 02:15 UTC, running public.run_certification_expiry_job() as
-- postgres (a system caller) in this database. Without pg_cron (e.g. PostgreSQL 17 from npm) it is skipped.
-- cron.* is only named inside strings, so this file also parses where there is no cron schema.
begin;
select plan(3);

select case
  when not exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron')
    then skip('pg_cron is not installed on this server', 3)
  else collect_tap(
    results_eq(
      $$select schedule collate "C", command collate "C", active from cron.job where jobname = 'certification-expiry'$$,
      $$values ('15 2 * * *'::text collate "C", 'select public.run_certification_expiry_job()'::text collate "C", true)$$,
      'certification-expiry runs public.run_certification_expiry_job() every night at 02:15 UTC'),
    results_eq(
      $$select username collate "C", database collate "C" from cron.job where jobname = 'certification-expiry'$$,
      $$values ('postgres'::text collate "C", pg_catalog.current_database()::text collate "C")$$,
      'as postgres (a system caller), in this database'),
    is((select pg_catalog.has_function_privilege('postgres', 'public.run_certification_expiry_job(timestamptz)', 'execute')), true,
      'postgres may run the job function')
  )
end;

select * from finish();
rollback;
