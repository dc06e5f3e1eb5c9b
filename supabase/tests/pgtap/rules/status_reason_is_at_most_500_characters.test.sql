-- status_reason holds at most 500 characters (check status_reason_is_short): 501 is refused with 23514 for a
-- signed-in mentor and for the service role; exactly 500 is accepted.
begin;
select plan(5);

select tests.create_mentor(tests.create_user('rita'));

select tests.authenticate_as(tests.uuid('rita'));
select throws_ok(
  $$ update public.peer_mentors set status = 'paused', status_reason = repeat('x', 501)
      where id = tests.uuid('mentor:' || tests.uuid('rita')) $$,
  '23514',
  null,
  'a mentor cannot pause itself with a 501-character reason'
);
select throws_ok(
  $$ update public.peer_mentors set status_reason = repeat('é', 501)
      where id = tests.uuid('mentor:' || tests.uuid('rita')) $$,
  '23514',
  null,
  'the limit counts characters, and applies to a reason-only update'
);
select results_eq(
  $$ update public.peer_mentors set status = 'paused', status_reason = repeat('é', 500)
      where id = tests.uuid('mentor:' || tests.uuid('rita')) returning char_length(status_reason) $$,
  $$ values (500) $$,
  'a 500-character reason is accepted'
);

select tests.authenticate_as_service_role();
select throws_ok(
  $$ update public.peer_mentors set status_reason = repeat('x', 501)
      where id = tests.uuid('mentor:' || tests.uuid('rita')) $$,
  '23514',
  null,
  'the service role cannot store a 501-character reason either'
);
select tests.clear_authentication();

select is(
  (select char_length(reason) from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('rita')) and previous_status is not null),
  500,
  'only the accepted change reached the history'
);

select * from finish();
rollback;
