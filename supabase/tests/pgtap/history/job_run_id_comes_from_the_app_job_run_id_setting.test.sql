-- job_run_id is the session setting app.job_run_id, set transaction-locally with
-- set_config('app.job_run_id', id, true) by a job that has inserted its running job_runs row.
begin;
select plan(4);

select tests.create_mentor(tests.create_user('jona'));
select tests.create_user('jules');

select tests.authenticate_as_service_role();
insert into public.job_runs (id, job_name) values (tests.uuid('job:import'), 'mentor_import');
select set_config('app.job_run_id', tests.uuid('job:import')::text, true);

update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('jona'));
insert into public.peer_mentors (id, user_id) values (tests.uuid('mentor:jules'), tests.uuid('jules'));
select tests.clear_authentication();

select is(
  (select job_run_id from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('jona')) and new_status = 'paused'),
  tests.uuid('job:import'),
  'a status change made under app.job_run_id records that job run'
);

select is(
  (select job_run_id from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:jules')),
  tests.uuid('job:import'),
  'a mentor inserted under app.job_run_id records that job run on its first row'
);

select is(
  (select job_run_id from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('jona')) and previous_status is null),
  null,
  'the row written before the setting was made has no job run'
);

select set_config('app.job_run_id', '', true);
update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('jona'));

select is(
  (select job_run_id from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('jona')) and new_status = 'active' and previous_status = 'paused'),
  null,
  'once the setting is cleared, changes carry no job run again'
);

select * from finish();
rollback;
