-- changed_by is auth.uid() of the signed-in caller: the mentor for its own change, the coordinator for a
-- change made to a mentor of its chapter.
begin;
select plan(3);

select tests.create_chapter(tests.create_organization('Changers'), 'Changers North');
select tests.create_user('cato');
select tests.create_user('cleo');
select tests.add_membership(tests.uuid('chapter:Changers North'), tests.uuid('cato'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Changers North'), tests.uuid('cleo'), 'coordinator');
select tests.create_mentor(tests.uuid('cato'));

select tests.authenticate_as(tests.uuid('cato'));
update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('cato'));
select tests.clear_authentication();

select is(
  (select changed_by from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('cato')) and new_status = 'paused'),
  tests.uuid('cato'),
  'a mentor''s own change records the mentor''s user id'
);

select tests.authenticate_as(tests.uuid('cleo'));
update public.peer_mentors set status = 'inactive' where id = tests.uuid('mentor:' || tests.uuid('cato'));
select tests.clear_authentication();

select is(
  (select changed_by from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('cato')) and new_status = 'inactive'),
  tests.uuid('cleo'),
  'a coordinator''s change records the coordinator''s user id'
);

select is(
  (select changed_by from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('cato')) and previous_status is null),
  null,
  'the first row, written when the owner created the mentor, has no changed_by'
);

select * from finish();
rollback;
