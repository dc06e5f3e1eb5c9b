-- app.job_run_id must name a running job run: an unknown id, or a run that has already finished, is refused
-- with PM002 and the statement changes nothing.
begin;
select plan(5);

select tests.create_mentor(tests.create_user('pia'));
insert into public.job_runs (id, job_name, status, finished_at, affected_count)
values (tests.uuid('job:done'), 'certification_expiry', 'succeeded', now(), 0),
       (tests.uuid('job:broken'), 'certification_expiry', 'failed', now(), 0);

select set_config('app.job_run_id', tests.uuid('job:never-started')::text, true);
select throws_ok(
  $$ update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('pia')) $$,
  'PM002',
  'app.job_run_id ' || tests.uuid('job:never-started') || ' names no running job run',
  'a uuid naming no job run is refused with PM002'
);

select set_config('app.job_run_id', tests.uuid('job:done')::text, true);
select throws_ok(
  $$ update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('pia')) $$,
  'PM002',
  'app.job_run_id ' || tests.uuid('job:done') || ' names no running job run',
  'a job run that has succeeded cannot be attributed more changes (PM002)'
);

select set_config('app.job_run_id', tests.uuid('job:broken')::text, true);
select throws_ok(
  $$ update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('pia')) $$,
  'PM002',
  'app.job_run_id ' || tests.uuid('job:broken') || ' names no running job run',
  'a job run that has failed cannot be attributed more changes (PM002)'
);

select set_config('app.job_run_id', '', true);

select is(
  (select status from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('pia'))),
  'active'::public.mentor_status,
  'the refused updates left the status unchanged'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('pia'))),
  1,
  'the refused updates wrote no history row'
);

select * from finish();
rollback;
