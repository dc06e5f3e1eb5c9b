-- changed_by is ON DELETE SET NULL: deleting the user who made a change (here a coordinator) keeps the
-- history row, with changed_by null and everything else as it was.
begin;
select plan(3);

select tests.create_chapter(tests.create_organization('Erasure Org'), 'Erasure Town');
select tests.create_user('dora');
select tests.create_user('dag');
select tests.add_membership(tests.uuid('chapter:Erasure Town'), tests.uuid('dora'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Erasure Town'), tests.uuid('dag'), 'coordinator');
select tests.create_mentor(tests.uuid('dora'));

select tests.authenticate_as(tests.uuid('dag'));
update public.peer_mentors set status = 'inactive', status_reason = 'left the programme'
 where id = tests.uuid('mentor:' || tests.uuid('dora'));
select tests.clear_authentication();

create temporary table original on commit drop as
select * from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('dora'));

select is(
  (select count(*)::integer from original where changed_by = tests.uuid('dag')),
  1,
  'fixture: the coordinator''s change records the coordinator'
);

-- Deleting the auth user deletes the profile (public.users), which sets changed_by null.
delete from auth.users where id = tests.uuid('dag');

select set_eq(
  $$ select id, mentor_id, previous_status, new_status, changed_at, reason, job_run_id
       from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('dora')) $$,
  $$ select id, mentor_id, previous_status, new_status, changed_at, reason, job_run_id from original $$,
  'the history rows are kept, unchanged but for changed_by'
);

select is_empty(
  $$ select 1 from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('dora')) and changed_by is not null $$,
  'the deleted user''s change now has changed_by null'
);

select * from finish();
rollback;
