-- Only a coordinator or a system caller may set inactive: a mentor setting its own status to inactive is
-- refused with PM101, from active and from paused, and nothing changes.
begin;
select plan(4);

select tests.create_mentor(tests.create_user('ivo'));
select tests.create_mentor(tests.create_user('ivy'), 'paused');

select tests.authenticate_as(tests.uuid('ivo'));
select throws_ok(
  $$ update public.peer_mentors set status = 'inactive' where id = tests.uuid('mentor:' || tests.uuid('ivo')) $$,
  'PM101',
  'only a coordinator or a system caller may set or lift inactive (mentor '
    || tests.uuid('mentor:' || tests.uuid('ivo')) || ': active -> inactive)',
  'a mentor cannot set itself inactive from active: PM101, with a message naming the rule'
);

select tests.authenticate_as(tests.uuid('ivy'));
select throws_ok(
  $$ update public.peer_mentors set status = 'inactive', status_reason = 'quitting' where id = tests.uuid('mentor:' || tests.uuid('ivy')) $$,
  'PM101',
  null,
  'a mentor cannot set itself inactive from paused'
);
select tests.clear_authentication();

select set_eq(
  $$ select id, status, status_reason from public.peer_mentors
      where id in (tests.uuid('mentor:' || tests.uuid('ivo')), tests.uuid('mentor:' || tests.uuid('ivy'))) $$,
  $$ values (tests.uuid('mentor:' || tests.uuid('ivo')), 'active'::public.mentor_status, null::text),
            (tests.uuid('mentor:' || tests.uuid('ivy')), 'paused'::public.mentor_status, null::text) $$,
  'both mentors keep their status'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history
    where mentor_id in (tests.uuid('mentor:' || tests.uuid('ivo')), tests.uuid('mentor:' || tests.uuid('ivy')))),
  2,
  'no history row was written'
);

select * from finish();
rollback;
