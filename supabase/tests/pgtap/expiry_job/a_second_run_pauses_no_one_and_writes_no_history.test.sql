-- Running the job again with nothing newly expired pauses no one and writes no history; its own run is still
-- recorded, as succeeded with affected_count 0.
begin;
select plan(4);

select tests.create_mentor(tests.create_user('again-' || n), 'active', '2000-06-01 00:00:00+00') from generate_series(1, 2) as n;
select tests.create_mentor(tests.create_user('again-later'), 'active', '2005-01-01 00:00:00+00');

create temporary table job_run (attempt integer primary key, id uuid not null) on commit drop;
grant insert on job_run to service_role;
select tests.authenticate_as_service_role();
insert into job_run select 1, public.run_certification_expiry_job('2001-01-01 00:00:00+00');
insert into job_run select 2, public.run_certification_expiry_job('2001-01-01 00:00:00+00');
select tests.clear_authentication();

select is(
  (select affected_count from public.job_runs where id = (select id from job_run where attempt = 1)),
  2,
  'fixture: the first run paused the two expired mentors'
);

select results_eq(
  $$ select status, affected_count from public.job_runs where id = (select id from job_run where attempt = 2) $$,
  $$ values ('succeeded'::text, 0) $$,
  'the second run succeeds with affected_count 0'
);

select is_empty(
  $$ select 1 from public.peer_mentor_status_history where job_run_id = (select id from job_run where attempt = 2) $$,
  'the second run writes no history'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history
    where mentor_id in (select pm.id from public.peer_mentors pm join public.users u on u.id = pm.user_id
                         where u.full_name like 'again-%')),
  5,
  'the mentors have only their first rows and the first run''s two pauses'
);

select * from finish();
rollback;
