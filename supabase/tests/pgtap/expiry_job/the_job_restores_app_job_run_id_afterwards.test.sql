-- The job sets app.job_run_id for its own update and restores the caller's value afterwards (after a
-- succeeded and after a failed run), so the caller's later changes in the same transaction are attributed as
-- before: to no job run, or to the caller's own running job run.
begin;
select plan(7);

select tests.create_mentor(tests.create_user('restore-expired'), 'active', '2000-06-01 00:00:00+00');
select tests.create_mentor(tests.create_user('restore-other'), 'active', '2030-01-01 00:00:00+00');

select tests.authenticate_as_service_role();
select public.run_certification_expiry_job('2001-01-01 00:00:00+00');
select is(
  coalesce(current_setting('app.job_run_id', true), ''),
  '',
  'after a run, an app.job_run_id that was unset is unset again'
);
select lives_ok(
  $$ update public.peer_mentors set status = 'paused' where user_id = tests.uuid('restore-other') $$,
  'a later change in the same transaction is not refused as belonging to the finished run'
);
select tests.clear_authentication();
select is(
  (select job_run_id from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('restore-other')) and new_status = 'paused'),
  null,
  'and is attributed to no job run'
);

-- An outer job run that calls the expiry job as one of its steps.
select tests.authenticate_as_service_role();
insert into public.job_runs (id, job_name) values (tests.uuid('job:outer'), 'nightly');
select set_config('app.job_run_id', tests.uuid('job:outer')::text, true);
select public.run_certification_expiry_job('2001-01-01 00:00:00+00');
select is(
  current_setting('app.job_run_id', true),
  tests.uuid('job:outer')::text,
  'after a run, the caller''s own app.job_run_id is back'
);
update public.peer_mentors set status = 'active' where user_id = tests.uuid('restore-other');
select tests.clear_authentication();
select is(
  (select job_run_id from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('restore-other')) and previous_status = 'paused'),
  tests.uuid('job:outer'),
  'and the caller''s later change is attributed to its own job run'
);

-- A failed run: the update fails (a check on status_reason, in this transaction only).
alter table public.peer_mentors add constraint no_expiry_reason_here check (status_reason is distinct from 'certification_expired') not valid;
update public.peer_mentors set status = 'active', status_reason = null where user_id = tests.uuid('restore-expired');
set local client_min_messages = error; -- the job reports its failure as a WARNING, expected here
select tests.authenticate_as_service_role();
select set_config('app.job_run_id', tests.uuid('job:outer')::text, true);
select public.run_certification_expiry_job('2001-01-01 00:00:00+00');
select is(
  current_setting('app.job_run_id', true),
  tests.uuid('job:outer')::text,
  'after a failed run, the caller''s app.job_run_id is back too'
);
select tests.clear_authentication();
select is(
  (select count(*)::integer from public.job_runs
    where job_name = 'certification_expiry' and status = 'failed' and started_at >= now()),
  1,
  'fixture: that run did fail'
);

select * from finish();
rollback;
