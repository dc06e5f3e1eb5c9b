-- No signed-in user may change certification_expires_at or status_changed_at: a mentor on its own row and a
-- coordinator on its mentor's row both get 42501 (they hold UPDATE on status and status_reason only), even
-- alongside an allowed status change.
begin;
select plan(7);

select tests.create_chapter(tests.create_organization('Column Org'), 'Column Town');
select tests.create_user('colm');  -- coordinator
select tests.create_user('mara');  -- mentor
select tests.add_membership(tests.uuid('chapter:Column Town'), tests.uuid('colm'), 'coordinator');
select tests.add_membership(tests.uuid('chapter:Column Town'), tests.uuid('mara'), 'peer_mentor');
select tests.create_mentor(tests.uuid('mara'), 'active', '2030-01-01 00:00:00+00');

select tests.authenticate_as(tests.uuid('mara'));
select throws_ok(
  $$ update public.peer_mentors set certification_expires_at = '2099-01-01 00:00:00+00'
      where id = tests.uuid('mentor:' || tests.uuid('mara')) $$,
  '42501', null, 'a mentor cannot extend its own certification');
select throws_ok(
  $$ update public.peer_mentors set status_changed_at = '2000-01-01 00:00:00+00'
      where id = tests.uuid('mentor:' || tests.uuid('mara')) $$,
  '42501', null, 'a mentor cannot set its own status_changed_at');
select throws_ok(
  $$ update public.peer_mentors set status = 'paused', certification_expires_at = '2099-01-01 00:00:00+00'
      where id = tests.uuid('mentor:' || tests.uuid('mara')) $$,
  '42501', null, 'a mentor cannot slip a certification change into a status change');

select tests.authenticate_as(tests.uuid('colm'));
select throws_ok(
  $$ update public.peer_mentors set certification_expires_at = '2099-01-01 00:00:00+00'
      where id = tests.uuid('mentor:' || tests.uuid('mara')) $$,
  '42501', null, 'a coordinator cannot change a mentor''s certification');
select throws_ok(
  $$ update public.peer_mentors set status_changed_at = '2000-01-01 00:00:00+00'
      where id = tests.uuid('mentor:' || tests.uuid('mara')) $$,
  '42501', null, 'a coordinator cannot set a mentor''s status_changed_at');
select tests.clear_authentication();

select results_eq(
  $$ select status, certification_expires_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('mara')) $$,
  $$ values ('active'::public.mentor_status, '2030-01-01 00:00:00+00'::timestamptz) $$,
  'the mentor''s status and certification are unchanged'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('mara'))),
  1,
  'no history row was written'
);

select * from finish();
rollback;
