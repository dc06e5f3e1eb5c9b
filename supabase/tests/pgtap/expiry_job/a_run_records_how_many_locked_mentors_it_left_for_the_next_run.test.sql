-- A run records in job_runs.skipped_count how many expired active mentors it could not lock (another
-- transaction held them; tests/a_locked_expired_mentor_is_skipped_by_the_expiry_job_and_paused_by_the_next_run.test.ts holds one from a second connection): 0 when it paused
-- them all. The job never waits long for a lock: it runs with its own bounded lock_timeout.
begin;
select plan(4);

select tests.create_mentor(tests.create_user('skip-' || n), 'active', '2000-06-01 00:00:00+00') from generate_series(1, 3) as n;

create temporary table job_run (id uuid not null) on commit drop;
grant insert on job_run to service_role;
select tests.authenticate_as_service_role();
insert into job_run select public.run_certification_expiry_job('2001-01-01 00:00:00+00');
select tests.clear_authentication();

select col_type_is('public', 'job_runs', 'skipped_count', 'integer', 'job_runs.skipped_count is an integer (additive, nullable)');
select results_eq(
  $$ select status, affected_count, skipped_count from public.job_runs where id = (select id from job_run) $$,
  $$ values ('succeeded'::text, 3, 0) $$,
  'an uncontended run pauses all three and skips none');
select ok(
  (select 'lock_timeout=10s' = any (p.proconfig) from pg_catalog.pg_proc p
    where p.oid = 'public.run_certification_expiry_job(timestamptz)'::regprocedure),
  'the job runs with its own bounded lock_timeout (10s)');
select throws_ok(
  $$ insert into public.job_runs (job_name, skipped_count) values ('certification_expiry', -1) $$,
  '23514', null, 'a negative skipped_count is refused');

select * from finish();
rollback;
