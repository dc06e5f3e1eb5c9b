-- Outbox: the coordinator who pauses (or deactivates) a mentor is not told about it; the mentor's other
-- coordinators are.
begin;
select plan(3);

do $$
declare
  v_org uuid := tests.create_organization('actor nordic');
  v_oslo uuid := tests.create_chapter(v_org, 'actor oslo');
  v_bergen uuid := tests.create_chapter(v_org, 'actor bergen');
begin
  perform tests.add_membership(v_oslo, tests.create_user('actor cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('actor colin'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('actor carl'), 'coordinator');
  perform tests.add_membership(v_bergen, tests.create_user('actor bea'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('actor mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('actor mia'));
  perform tests.add_membership(v_oslo, tests.create_user('actor max'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('actor max'));
  -- Bea is Bergen's only coordinator and Ben's only coordinator.
  perform tests.add_membership(v_bergen, tests.create_user('actor ben'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('actor ben'));
end;
$$;

select tests.authenticate_as(tests.uuid('actor cora'));
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('actor mia');
update public.peer_mentors set status = 'inactive' where user_id = tests.uuid('actor max');
select tests.authenticate_as(tests.uuid('actor bea'));
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('actor ben');
select tests.clear_authentication();

select bag_eq(
  $$ select n.coordinator_id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('actor mia')::text)
        and h.changed_by = tests.uuid('actor cora') $$,
  array[tests.uuid('actor colin'), tests.uuid('actor carl')],
  'Cora pauses Mia: Colin and Carl are notified, Cora is not'
);

select bag_eq(
  $$ select n.coordinator_id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('actor max')::text)
        and h.changed_by = tests.uuid('actor cora') $$,
  array[tests.uuid('actor colin'), tests.uuid('actor carl')],
  'Cora sets Max inactive: Colin and Carl are notified, Cora is not'
);

select is_empty(
  $$ select n.id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('actor ben')::text) $$,
  'a change by the mentor''s only coordinator queues nothing'
);

select * from finish();
rollback;
