-- A mentor's id keys its history and cannot change: the owner and the service role get PM103; signed-in
-- users hold no privilege on the column (42501).
begin;
select plan(5);

select tests.create_mentor(tests.create_user('idris'));

select throws_ok(
  $$ update public.peer_mentors set id = tests.uuid('another id') where id = tests.uuid('mentor:' || tests.uuid('idris')) $$,
  'PM103',
  'a peer mentor''s id cannot change (it keys the status history)',
  'the owner cannot change a mentor''s id'
);

select throws_ok(
  $$ update public.peer_mentors set id = tests.uuid('another id'), status = 'paused'
      where id = tests.uuid('mentor:' || tests.uuid('idris')) $$,
  'PM103',
  null,
  'not even together with a status change'
);

select tests.authenticate_as_service_role();
select throws_ok(
  $$ update public.peer_mentors set id = tests.uuid('another id') where id = tests.uuid('mentor:' || tests.uuid('idris')) $$,
  'PM103',
  null,
  'the service role cannot change a mentor''s id'
);

select tests.authenticate_as(tests.uuid('idris'));
select throws_ok(
  $$ update public.peer_mentors set id = tests.uuid('another id') where id = tests.uuid('mentor:' || tests.uuid('idris')) $$,
  '42501',
  null,
  'a signed-in mentor cannot change its id (no column privilege)'
);
select tests.clear_authentication();

select results_eq(
  $$ select id, status from public.peer_mentors where user_id = tests.uuid('idris') $$,
  $$ values (tests.uuid('mentor:' || tests.uuid('idris')), 'active'::public.mentor_status) $$,
  'the mentor keeps its id and status'
);

select * from finish();
rollback;
