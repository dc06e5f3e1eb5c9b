-- A person's change is never a job's (contract, "How history is written"): an authenticated caller whose
-- session carries a non-empty app.job_run_id (a pooled connection, server code impersonating a user) gets
-- PM003 and changes nothing, even when the id names a running job run. System callers still attribute
-- their changes to the run.
begin;
select plan(6);

select tests.create_organization('Attribution');
select tests.create_chapter(tests.uuid('org:Attribution'), 'Attribution One');
select tests.create_user('amir');   -- mentor
select tests.create_user('alva');   -- coordinator
select tests.add_membership(tests.uuid('chapter:Attribution One'), tests.uuid('amir'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Attribution One'), tests.uuid('alva'), 'coordinator');
select tests.create_mentor(tests.uuid('amir'));
insert into public.job_runs (id, job_name) values (tests.uuid('job:attribution'), 'certification_expiry');
select set_config('app.job_run_id', tests.uuid('job:attribution')::text, true);

select tests.authenticate_as(tests.uuid('amir'));
select throws_ok(
  $$ update public.peer_mentors set status = 'paused', status_reason = 'x' where user_id = tests.uuid('amir') $$,
  'PM003', null,
  'a mentor pausing itself under a running job run''s id gets PM003'
);
select tests.authenticate_as(tests.uuid('alva'));
select throws_ok(
  $$ update public.peer_mentors set status = 'inactive', status_reason = 'x' where user_id = tests.uuid('amir') $$,
  'PM003', null,
  'a coordinator setting a mentor inactive under it gets PM003'
);
select tests.clear_authentication();
select results_eq(
  $$ select status, (select count(*)::integer from public.peer_mentor_status_history h where h.mentor_id = pm.id)
       from public.peer_mentors pm where user_id = tests.uuid('amir') $$,
  $$ values ('active'::public.mentor_status, 1) $$,
  'nothing changed: still active, only the first history row'
);

-- With the setting cleared, the same change goes through, attributed to the person.
select set_config('app.job_run_id', '', true);
select tests.authenticate_as(tests.uuid('amir'));
update public.peer_mentors set status = 'paused', status_reason = 'Exams' where user_id = tests.uuid('amir');
select tests.clear_authentication();
select results_eq(
  $$ select changed_by, job_run_id from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('amir')) and new_status = 'paused' $$,
  $$ values (tests.uuid('amir'), null::uuid) $$,
  'cleared: the change is the mentor''s, with no job run'
);

-- The service role under the running job run is a system caller: attributed to the run.
select set_config('app.job_run_id', tests.uuid('job:attribution')::text, true);
select tests.authenticate_as_service_role();
select lives_ok(
  $$ update public.peer_mentors set status = 'active', status_reason = null where user_id = tests.uuid('amir') $$,
  'the service role may change a mentor under a running job run'
);
select tests.clear_authentication();
select results_eq(
  $$ select changed_by, job_run_id from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('amir')) and previous_status = 'paused' $$,
  $$ values (null::uuid, tests.uuid('job:attribution')) $$,
  'and the history row carries the job run, no person'
);

select * from finish();
rollback;
