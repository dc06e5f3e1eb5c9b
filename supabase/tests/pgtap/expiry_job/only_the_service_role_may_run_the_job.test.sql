-- run_certification_expiry_job is for the service role (and the owner, e.g. pg_cron): signed-in users and
-- anon are refused with 42501, and their attempts pause no one.
begin;
select plan(6);

select tests.create_mentor(tests.create_user('priv-expired'), 'active', '2000-06-01 00:00:00+00');

select is_definer('public', 'run_certification_expiry_job', array['timestamp with time zone'],
  'the job runs as its owner, a system caller');

select tests.authenticate_as(tests.uuid('priv-expired'));
select throws_ok(
  $$ select public.run_certification_expiry_job('2001-01-01 00:00:00+00') $$,
  '42501', null, 'a signed-in user cannot run the job');

select tests.authenticate_as_anon();
select throws_ok(
  $$ select public.run_certification_expiry_job('2001-01-01 00:00:00+00') $$,
  '42501', null, 'anon cannot run the job');
select tests.clear_authentication();

select is(
  (select status from public.peer_mentors where user_id = tests.uuid('priv-expired')),
  'active'::public.mentor_status,
  'the refused attempts paused no one'
);

select tests.authenticate_as_service_role();
select lives_ok(
  $$ select public.run_certification_expiry_job('2001-01-01 00:00:00+00') $$,
  'the service role can run the job');
select tests.clear_authentication();

select is(
  (select status from public.peer_mentors where user_id = tests.uuid('priv-expired')),
  'paused'::public.mentor_status,
  'and its run paused the expired mentor'
);

select * from finish();
rollback;
