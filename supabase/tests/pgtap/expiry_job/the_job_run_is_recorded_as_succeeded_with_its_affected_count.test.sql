-- Each run leaves a job_runs row: job_name certification_expiry, finished as succeeded, with affected_count
-- the number of mentors it paused and no error.
begin;
select plan(3);

select tests.create_mentor(tests.create_user('cnt-' || n), 'active', '2000-06-01 00:00:00+00') from generate_series(1, 4) as n;
select tests.create_mentor(tests.create_user('cnt-paused'), 'paused', '2000-06-01 00:00:00+00');

create temporary table job_run (attempt integer primary key, id uuid not null) on commit drop;
grant insert on job_run to service_role;
select tests.authenticate_as_service_role();
insert into job_run select 1, public.run_certification_expiry_job('2001-01-01 00:00:00+00');
select tests.clear_authentication();

select results_eq(
  $$ select job_name, status, affected_count, error from public.job_runs where id = (select id from job_run where attempt = 1) $$,
  $$ values ('certification_expiry'::text, 'succeeded'::text, 4, null::text) $$,
  'the run is recorded as a succeeded certification_expiry run that paused 4 mentors'
);

select ok(
  (select finished_at >= started_at from public.job_runs where id = (select id from job_run where attempt = 1)),
  'the run has a finish time, not before its start'
);

select is(
  (select affected_count from public.job_runs where id = (select id from job_run where attempt = 1)),
  (select count(*)::integer from public.peer_mentor_status_history where job_run_id = (select id from job_run where attempt = 1)),
  'affected_count equals the number of history rows the run wrote'
);

select * from finish();
rollback;
