-- status_reason holds at most 500 characters (check status_reason_is_short): 501, set with a status change, is
-- refused with 23514 for a signed-in mentor and for the service role; exactly 500 is accepted. A reason-only
-- update is refused with PM104 whatever its length (status_reason changes only together with a status change,
-- and that rule runs before the check).
begin;
select plan(8);

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
  $$ update public.peer_mentors set status = 'paused', status_reason = repeat('é', 501)
      where id = tests.uuid('mentor:' || tests.uuid('rita')) $$,
  '23514',
  null,
  'the limit counts characters: 501 two-byte characters with a status change are refused'
);
select throws_ok(
  $$ update public.peer_mentors set status_reason = repeat('é', 501)
      where id = tests.uuid('mentor:' || tests.uuid('rita')) $$,
  'PM104',
  null,
  'a reason-only update with a 501-character reason is refused with PM104 (a reason changes only with its status)'
);
select results_eq(
  $$ update public.peer_mentors set status = 'paused', status_reason = repeat('é', 500)
      where id = tests.uuid('mentor:' || tests.uuid('rita')) returning char_length(status_reason) $$,
  $$ values (500) $$,
  'a 500-character reason is accepted'
);

select tests.authenticate_as_service_role();
select throws_ok(
  $$ update public.peer_mentors set status = 'active', status_reason = repeat('x', 501)
      where id = tests.uuid('mentor:' || tests.uuid('rita')) $$,
  '23514',
  null,
  'the service role cannot store a 501-character reason with a status change either'
);
select throws_ok(
  $$ update public.peer_mentors set status_reason = repeat('x', 501)
      where id = tests.uuid('mentor:' || tests.uuid('rita')) $$,
  'PM104',
  null,
  'the service role''s reason-only update with a 501-character reason is refused with PM104 too'
);
select tests.clear_authentication();

select results_eq(
  $$ select status, char_length(status_reason) from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('rita')) $$,
  $$ values ('paused'::public.mentor_status, 500) $$,
  'the mentor row holds only the accepted change'
);
select is(
  (select char_length(reason) from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('rita')) and previous_status is not null),
  500,
  'only the accepted change reached the history'
);

select * from finish();
rollback;
