-- With app.job_run_id unset or empty, a change records no job run (changes made by people).
begin;
select plan(3);

select tests.create_mentor(tests.create_user('enzo'));

-- Unset: this session has not set it (pg_prove runs each file in its own session); current_setting(..., true)
-- is null, or '' once a transaction-local value has been reset.
select ok(
  coalesce(current_setting('app.job_run_id', true), '') = '',
  'fixture: app.job_run_id is not set'
);
update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('enzo'));

select is(
  (select job_run_id from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('enzo')) and new_status = 'paused'),
  null,
  'a change with app.job_run_id unset records no job run'
);

select set_config('app.job_run_id', '', true);
update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('enzo'));

select is(
  (select job_run_id from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('enzo')) and previous_status = 'paused'),
  null,
  'a change with app.job_run_id set to the empty string records no job run'
);

select * from finish();
rollback;
