-- A signed-in mentor may move its own status between active and paused, and set status_reason with it; a
-- reason alone is refused (PM104: status_reason changes only together with a status change) and changes nothing.
begin;
select plan(7);

select tests.create_mentor(tests.create_user('mona'));

select tests.authenticate_as(tests.uuid('mona'));

select results_eq(
  $$ update public.peer_mentors set status = 'paused', status_reason = 'exams until June'
      where id = tests.uuid('mentor:' || tests.uuid('mona'))
     returning status, status_reason $$,
  $$ values ('paused'::public.mentor_status, 'exams until June'::text) $$,
  'a mentor may pause itself with a reason'
);

select throws_ok(
  $$ update public.peer_mentors set status_reason = 'exams until July'
      where id = tests.uuid('mentor:' || tests.uuid('mona')) $$,
  'PM104', null,
  'a mentor may not change its reason alone (PM104)'
);
select results_eq(
  $$ select status, status_reason from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('mona')) $$,
  $$ values ('paused'::public.mentor_status, 'exams until June'::text) $$,
  'the refused reason-only update left the row as it was'
);

select results_eq(
  $$ update public.peer_mentors set status = 'active', status_reason = null
      where id = tests.uuid('mentor:' || tests.uuid('mona'))
     returning status, status_reason $$,
  $$ values ('active'::public.mentor_status, null::text) $$,
  'a mentor may resume (paused -> active) and clear its reason'
);

select tests.clear_authentication();

select results_eq(
  $$ select status, status_reason from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('mona')) $$,
  $$ values ('active'::public.mentor_status, null::text) $$,
  'the changes are stored'
);

select results_eq(
  $$ select previous_status, new_status, changed_by, reason
       from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('mona')) and previous_status is not null
      order by changed_at, id $$,
  $$ values ('active'::public.mentor_status, 'paused'::public.mentor_status, tests.uuid('mona'), 'exams until June'::text),
            ('paused'::public.mentor_status, 'active'::public.mentor_status, tests.uuid('mona'), null::text) $$,
  'and recorded as the mentor''s own two changes'
);

select tests.authenticate_as(tests.uuid('mona'));
select results_eq(
  $$ update public.peer_mentors set status = 'paused'
      where id = tests.uuid('mentor:' || tests.uuid('mona'))
     returning status $$,
  $$ values ('paused'::public.mentor_status) $$,
  'and may pause again'
);
select tests.clear_authentication();

select * from finish();
rollback;
