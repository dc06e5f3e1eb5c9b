-- An UPDATE that leaves status unchanged writes no history: neither an update of other columns
-- (status_reason only, certification_expires_at) nor one that sets status to the value it already has,
-- whoever makes it.
begin;
select plan(5);

select tests.create_mentor(tests.create_user('nora'));
select tests.create_mentor(tests.create_user('nils'), 'paused');

update public.peer_mentors set status_reason = 'just a note' where id = tests.uuid('mentor:' || tests.uuid('nora'));
select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('nora'))),
  1,
  'updating status_reason only writes no history row'
);

update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('nora'));
select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('nora'))),
  1,
  'setting status to its current value writes no history row'
);

update public.peer_mentors set status = status, status_reason = 'still paused', certification_expires_at = now() + interval '2 years'
 where id in (tests.uuid('mentor:' || tests.uuid('nora')), tests.uuid('mentor:' || tests.uuid('nils')));
select is(
  (select count(*)::integer from public.peer_mentor_status_history
    where mentor_id in (tests.uuid('mentor:' || tests.uuid('nora')), tests.uuid('mentor:' || tests.uuid('nils')))),
  2,
  'a bulk update of other columns writes no history row'
);

-- The same, as the mentor herself through the API role.
select tests.authenticate_as(tests.uuid('nils'));
update public.peer_mentors set status = 'paused', status_reason = 'back in May' where id = tests.uuid('mentor:' || tests.uuid('nils'));
select tests.clear_authentication();
select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('nils'))),
  1,
  'a signed-in mentor re-setting its own status (with a new reason) writes no history row'
);

select is(
  (select status_reason from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('nils'))),
  'back in May',
  'that update did take effect (so the missing row is not a refused update)'
);

select * from finish();
rollback;
