-- History is append-only even for the table owner (the role running migrations and jobs): UPDATE, DELETE
-- and TRUNCATE (directly, or cascading from peer_mentors) are refused with PM201, and the rows stay as they were.
begin;
select plan(8);

select tests.create_mentor(tests.create_user('otto'));
update public.peer_mentors set status = 'paused', status_reason = 'original reason' where id = tests.uuid('mentor:' || tests.uuid('otto'));

create temporary table original on commit drop as
select * from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('otto'));

select throws_ok(
  $$ update public.peer_mentor_status_history set reason = 'rewritten'
      where mentor_id = tests.uuid('mentor:' || tests.uuid('otto')) $$,
  'PM201',
  null,
  'the owner cannot rewrite a history row''s reason'
);

select throws_ok(
  $$ update public.peer_mentor_status_history set new_status = 'inactive'
      where mentor_id = tests.uuid('mentor:' || tests.uuid('otto')) and new_status = 'paused' $$,
  'PM201',
  null,
  'the owner cannot rewrite a history row''s status'
);

select throws_ok(
  $$ update public.peer_mentor_status_history set changed_at = changed_at - interval '1 day'
      where mentor_id = tests.uuid('mentor:' || tests.uuid('otto')) $$,
  'PM201',
  null,
  'the owner cannot backdate a history row'
);

select throws_ok(
  $$ delete from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('otto')) $$,
  'PM201',
  null,
  'the owner cannot delete history rows of an existing mentor'
);

-- A plain TRUNCATE is stopped earlier by coordinator_notifications' foreign key; with CASCADE nothing but
-- the append-only rule stands in the way.
select throws_ok(
  $$ truncate public.peer_mentor_status_history cascade $$,
  'PM201',
  'peer_mentor_status_history is append-only: TRUNCATE is not allowed',
  'the owner cannot truncate the history'
);

select throws_ok(
  $$ truncate public.peer_mentor_status_history restart identity cascade $$,
  'PM201',
  null,
  'nor truncate it restarting its identity'
);

select throws_ok(
  $$ truncate public.peer_mentors cascade $$,
  'PM201',
  'peer_mentor_status_history is append-only: TRUNCATE is not allowed',
  'nor wipe it by truncating the mentors with CASCADE (not a foreign key action)'
);

select set_eq(
  $$ select * from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('otto')) $$,
  $$ select * from original $$,
  'the history rows are unchanged'
);

select * from finish();
rollback;
