-- Only a coordinator or a system caller may lift inactive: a mentor moving itself out of inactive, to active
-- or to paused, is refused with PM101, and nothing changes.
begin;
select plan(4);

select tests.create_mentor(tests.create_user('lars'), 'inactive');

select tests.authenticate_as(tests.uuid('lars'));
select throws_ok(
  $$ update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('lars')) $$,
  'PM101',
  null,
  'an inactive mentor cannot make itself active'
);
select throws_ok(
  $$ update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('lars')) $$,
  'PM101',
  null,
  'an inactive mentor cannot make itself paused'
);
select tests.clear_authentication();

select is(
  (select status from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('lars'))),
  'inactive'::public.mentor_status,
  'the mentor stays inactive'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('lars'))),
  1,
  'no history row was written'
);

select * from finish();
rollback;
