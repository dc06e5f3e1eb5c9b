-- Outbox: an UPDATE that leaves the status as it is (e.g. a new reason on a paused mentor) is no change and
-- queues nothing, even though the mentor is paused.
begin;
select plan(1);

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

update public.peer_mentors set status = 'paused', status_reason = 'still on holiday'
 where user_id = tests.uuid('same mia');

select is_empty(
  $$ select n.id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('same mia')::text) $$,
  'paused -> paused (only the reason changed) queues no notification'
);

select * from finish();
rollback;
