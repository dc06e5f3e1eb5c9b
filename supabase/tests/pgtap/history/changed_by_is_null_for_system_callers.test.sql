-- changed_by is null for system actions: the service role (a JWT with no subject) and the database owner.
begin;
select plan(3);

select tests.create_mentor(tests.create_user('sam'));

select tests.authenticate_as_service_role();
update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('sam'));
select tests.clear_authentication();

select is(
  (select changed_by from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('sam')) and new_status = 'paused'),
  null,
  'a change by the service role has no changed_by'
);

-- The owner (the session user of this test), with no JWT claims at all.
update public.peer_mentors set status = 'inactive' where id = tests.uuid('mentor:' || tests.uuid('sam'));

select is(
  (select changed_by from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('sam')) and new_status = 'inactive'),
  null,
  'a change by the database owner has no changed_by'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('sam'))),
  3,
  'both system changes were recorded (so the null is not a missing row)'
);

select * from finish();
rollback;
