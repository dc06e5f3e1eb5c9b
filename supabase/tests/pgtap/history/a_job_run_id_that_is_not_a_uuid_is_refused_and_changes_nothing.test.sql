-- app.job_run_id that is not a uuid is a clear error (PM001), and the statement changes nothing: no status
-- change, no history row, no new mentor.
begin;
select plan(6);

select tests.create_mentor(tests.create_user('nadia'));
select tests.create_user('noel');

select set_config('app.job_run_id', 'nightly-run-42', true);

select throws_ok(
  $$ update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('nadia')) $$,
  'PM001',
  'app.job_run_id must be a uuid (got ''nightly-run-42'')',
  'a status change under a non-uuid app.job_run_id is refused with PM001'
);

select throws_ok(
  $$ insert into public.peer_mentors (id, user_id) values (tests.uuid('mentor:noel'), tests.uuid('noel')) $$,
  'PM001',
  'app.job_run_id must be a uuid (got ''nightly-run-42'')',
  'inserting a mentor under a non-uuid app.job_run_id is refused with PM001'
);

select set_config('app.job_run_id', '', true);

select is(
  (select status from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('nadia'))),
  'active'::public.mentor_status,
  'the refused update left the status unchanged'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('nadia'))),
  1,
  'the refused update wrote no history row'
);

select is_empty(
  $$ select 1 from public.peer_mentors where id = tests.uuid('mentor:noel') $$,
  'the refused insert created no mentor'
);

select is_empty(
  $$ select 1 from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:noel') $$,
  'the refused insert wrote no history row'
);

select * from finish();
rollback;
