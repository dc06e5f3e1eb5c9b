-- Outbox: an UPDATE that leaves the status as it is (e.g. a new certification date on a paused mentor) is no
-- change and queues nothing, even though the mentor is paused. A new reason alone is not such an update: a
-- reason changes only together with a status, so it is refused (PM104) and queues nothing either.
begin;
select plan(3);

do $$
declare
  v_org uuid := tests.create_organization('same nordic');
  v_oslo uuid := tests.create_chapter(v_org, 'same oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('same cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('same mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('same mia'), 'paused');
end;
$$;

update public.peer_mentors set status = 'paused', certification_expires_at = now() + interval '2 years'
 where user_id = tests.uuid('same mia');

select is_empty(
  $$ select n.id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('same mia')::text) $$,
  'paused -> paused (only another column changed) queues no notification'
);

select throws_ok(
  $$ update public.peer_mentors set status = 'paused', status_reason = 'still on holiday'
      where user_id = tests.uuid('same mia') $$,
  'PM104', null,
  'paused -> paused with a new reason is refused with PM104 (a reason changes only with its status)'
);

select results_eq(
  $$ select pm.status, pm.status_reason,
            (select count(*)::integer from public.peer_mentor_status_history h where h.mentor_id = pm.id),
            (select count(*)::integer
               from public.coordinator_notifications n
               join public.peer_mentor_status_history h on h.id = n.history_id
              where h.mentor_id = pm.id)
       from public.peer_mentors pm where pm.user_id = tests.uuid('same mia') $$,
  $$ values ('paused'::public.mentor_status, null::text, 1, 0) $$,
  'the refused reason-only update queued no notification and changed neither the row nor its history'
);

select * from finish();
rollback;
