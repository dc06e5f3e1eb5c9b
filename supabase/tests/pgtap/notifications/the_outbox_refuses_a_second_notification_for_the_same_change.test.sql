-- Outbox: never two rows for the same change and coordinator. The unique key (history_id, coordinator_id)
-- enforces it, so even the table owner writing directly gets unique_violation (23505).
begin;
select plan(3);

do $$
declare
  v_org uuid := tests.create_organization('dup nordic');
  v_oslo uuid := tests.create_chapter(v_org, 'dup oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('dup cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('dup mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('dup mia'));
end;
$$;

update public.peer_mentors set status = 'paused' where user_id = tests.uuid('dup mia');

select col_is_unique(
  'public', 'coordinator_notifications', array['history_id', 'coordinator_id'],
  'coordinator_notifications has a unique key on (history_id, coordinator_id)'
);

select is(
  (select count(*) from public.coordinator_notifications n
     join public.peer_mentor_status_history h on h.id = n.history_id
    where h.mentor_id = tests.uuid('mentor:' || tests.uuid('dup mia')::text)),
  1::bigint,
  'fixture: the pause queued one notification'
);

select throws_ok(
  $$ insert into public.coordinator_notifications (history_id, coordinator_id)
     select n.history_id, n.coordinator_id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('dup mia')::text) $$,
  '23505', null,
  'a second notification for the same change and coordinator is refused, even for the table owner'
);

select * from finish();
rollback;
