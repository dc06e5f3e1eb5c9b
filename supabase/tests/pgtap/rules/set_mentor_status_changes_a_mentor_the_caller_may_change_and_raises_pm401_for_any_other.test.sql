-- set_mentor_status (issue 17) is the caller's own UPDATE, made diagnosable: it returns the changed row, and where
-- a direct update would quietly change 0 rows (a mentor the caller may not see, or no such mentor) it raises
-- PM401, the same error for both, and changes nothing. The status rules still apply (PM101). Only authenticated
-- and service_role may execute it.
begin;
select plan(9);

select tests.create_chapter(tests.create_organization('Setter Org'), 'Setter Town');
select tests.create_user('sally');  -- mentor
select tests.create_user('sven');   -- another mentor in the same chapter
select tests.create_user('cecil');  -- their coordinator
select tests.add_membership(tests.uuid('chapter:Setter Town'), tests.uuid('sally'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Setter Town'), tests.uuid('sven'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Setter Town'), tests.uuid('cecil'), 'coordinator');
select tests.create_mentor(tests.uuid('sally'));
select tests.create_mentor(tests.uuid('sven'));

select function_privs_are('public', 'set_mentor_status', array['uuid', 'mentor_status', 'text'], 'anon', array[]::text[],
  'anon may not execute set_mentor_status');
select function_privs_are('public', 'set_mentor_status', array['uuid', 'mentor_status', 'text'], 'authenticated', array['EXECUTE'],
  'authenticated may execute set_mentor_status');

select tests.authenticate_as(tests.uuid('sally'));
select results_eq(
  $$ select id, status, status_reason from public.set_mentor_status(tests.uuid('mentor:' || tests.uuid('sally')), 'paused', 'exams') $$,
  $$ values (tests.uuid('mentor:' || tests.uuid('sally')), 'paused'::public.mentor_status, 'exams'::text) $$,
  'a mentor pausing itself gets its row back as it now is'
);
select throws_ok(
  $$ select public.set_mentor_status(tests.uuid('mentor:' || tests.uuid('sven')), 'paused', 'paused by a peer') $$,
  'PM401', null,
  'a mentor setting another mentor''s status gets PM401, not a quiet 0 rows'
);
select throws_ok(
  $$ select public.set_mentor_status(tests.uuid('no such mentor'), 'paused', null) $$,
  'PM401', null,
  'an unknown mentor id gets the same PM401'
);
select throws_ok(
  $$ select public.set_mentor_status(tests.uuid('mentor:' || tests.uuid('sally')), 'inactive', null) $$,
  'PM101', null,
  'the status rules still apply: a mentor cannot set itself inactive'
);

select tests.authenticate_as(tests.uuid('cecil'));
select results_eq(
  $$ select status, status_reason from public.set_mentor_status(tests.uuid('mentor:' || tests.uuid('sven')), 'inactive', 'moved away') $$,
  $$ values ('inactive'::public.mentor_status, 'moved away'::text) $$,
  'a coordinator sets a mentor it is responsible for inactive'
);
select tests.clear_authentication();

select results_eq(
  $$ select status, status_reason from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('sven')) $$,
  $$ values ('inactive'::public.mentor_status, 'moved away'::text) $$,
  'the refused calls changed nothing: the other mentor has only the coordinator''s change'
);
select results_eq(
  $$ select previous_status, new_status, reason, changed_by from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('sven')) and previous_status is not null $$,
  $$ values ('active'::public.mentor_status, 'inactive'::public.mentor_status, 'moved away'::text, tests.uuid('cecil')) $$,
  'and its history has one row for it, written by the trigger with the coordinator as changed_by'
);

select * from finish();
rollback;
