-- An UPDATE that leaves status unchanged writes no history: neither an update of other columns
-- (certification_expires_at) nor one that sets status to the value it already has, whoever makes it.
-- A reason-only update is not such an update: status_reason changes only together with a status change, so it
-- is refused (PM104) and changes neither the row nor the history.
begin;
select plan(8);

select tests.create_mentor(tests.create_user('nora'));
select tests.create_mentor(tests.create_user('nils'), 'paused');

update public.peer_mentors set certification_expires_at = now() + interval '3 years' where id = tests.uuid('mentor:' || tests.uuid('nora'));
select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('nora'))),
  1,
  'updating certification_expires_at only writes no history row'
);

select throws_ok(
  $$ update public.peer_mentors set status_reason = 'just a note' where id = tests.uuid('mentor:' || tests.uuid('nora')) $$,
  'PM104', null,
  'updating status_reason only (as the owner) is refused with PM104'
);
select results_eq(
  $$ select pm.status, pm.status_reason,
            (select count(*)::integer from public.peer_mentor_status_history h where h.mentor_id = pm.id)
       from public.peer_mentors pm where pm.id = tests.uuid('mentor:' || tests.uuid('nora')) $$,
  $$ values ('active'::public.mentor_status, null::text, 1) $$,
  'the refused reason-only update changed neither the row (status, status_reason) nor its history'
);

update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('nora'));
select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('nora'))),
  1,
  'setting status to its current value writes no history row'
);

update public.peer_mentors set status = status, certification_expires_at = now() + interval '2 years'
 where id in (tests.uuid('mentor:' || tests.uuid('nora')), tests.uuid('mentor:' || tests.uuid('nils')));
select is(
  (select count(*)::integer from public.peer_mentor_status_history
    where mentor_id in (tests.uuid('mentor:' || tests.uuid('nora')), tests.uuid('mentor:' || tests.uuid('nils')))),
  2,
  'a bulk update of other columns (status = status) writes no history row'
);

-- The same, as the mentor herself through the API role.
select tests.authenticate_as(tests.uuid('nils'));
select results_eq(
  $$ update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('nils')) returning status $$,
  $$ values ('paused'::public.mentor_status) $$,
  'a signed-in mentor re-setting its own status updates its row (so a missing history row is not a refused update)'
);
select throws_ok(
  $$ update public.peer_mentors set status = 'paused', status_reason = 'back in May' where id = tests.uuid('mentor:' || tests.uuid('nils')) $$,
  'PM104', null,
  'a signed-in mentor re-setting its own status with a new reason is refused with PM104'
);
select tests.clear_authentication();
select results_eq(
  $$ select pm.status, pm.status_reason,
            (select count(*)::integer from public.peer_mentor_status_history h where h.mentor_id = pm.id)
       from public.peer_mentors pm where pm.id = tests.uuid('mentor:' || tests.uuid('nils')) $$,
  $$ values ('paused'::public.mentor_status, null::text, 1) $$,
  'the signed-in mentor''s updates wrote no history row, and its refused reason changed nothing'
);

select * from finish();
rollback;
