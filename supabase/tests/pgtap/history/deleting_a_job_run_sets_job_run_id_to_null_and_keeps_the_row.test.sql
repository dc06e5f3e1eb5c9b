-- job_run_id is ON DELETE SET NULL: deleting a job run keeps the history rows it wrote, with job_run_id null
-- and everything else as it was.
begin;
select plan(3);

select tests.create_mentor(tests.create_user('kai'));

insert into public.job_runs (id, job_name) values (tests.uuid('job:cleanup'), 'cleanup');
select set_config('app.job_run_id', tests.uuid('job:cleanup')::text, true);
update public.peer_mentors set status = 'paused', status_reason = 'cleanup' where id = tests.uuid('mentor:' || tests.uuid('kai'));
select set_config('app.job_run_id', '', true);

create temporary table original on commit drop as
select * from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('kai'));

select is(
  (select count(*)::integer from original where job_run_id = tests.uuid('job:cleanup')),
  1,
  'fixture: the job run''s change records the job run'
);

select tests.authenticate_as_service_role();
delete from public.job_runs where id = tests.uuid('job:cleanup');
select tests.clear_authentication();

select set_eq(
  $$ select id, mentor_id, previous_status, new_status, changed_by, changed_at, reason
       from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('kai')) $$,
  $$ select id, mentor_id, previous_status, new_status, changed_by, changed_at, reason from original $$,
  'the history rows are kept, unchanged but for job_run_id'
);

select is_empty(
  $$ select 1 from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('kai')) and job_run_id is not null $$,
  'the deleted job run''s change now has job_run_id null'
);

select * from finish();
rollback;
