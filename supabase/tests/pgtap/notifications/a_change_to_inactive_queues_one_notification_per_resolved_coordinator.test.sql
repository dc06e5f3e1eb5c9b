-- Outbox: a change to inactive (from active or from paused) queues one row per resolved coordinator.
begin;
select plan(2);

do $$
declare
  v_org uuid := tests.create_organization('inactive nordic');
  v_oslo uuid := tests.create_chapter(v_org, 'inactive oslo');
  v_bergen uuid := tests.create_chapter(v_org, 'inactive bergen');
begin
  perform tests.add_membership(v_oslo, tests.create_user('inactive cora'), 'coordinator');
  perform tests.add_membership(v_bergen, tests.create_user('inactive colin'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('inactive mia'), 'peer_mentor');
  perform tests.add_membership(v_bergen, tests.uuid('inactive mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('inactive mia'));
  perform tests.add_membership(v_oslo, tests.create_user('inactive max'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('inactive max'), 'paused');
end;
$$;

-- The service role (a system caller) sets both inactive in one statement.
select tests.authenticate_as_service_role();
update public.peer_mentors set status = 'inactive', status_reason = 'left the programme'
 where user_id in (tests.uuid('inactive mia'), tests.uuid('inactive max'));
select tests.clear_authentication();

select bag_eq(
  $$ select n.coordinator_id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('inactive mia')::text)
        and h.previous_status = 'active' and h.new_status = 'inactive' $$,
  array[tests.uuid('inactive cora'), tests.uuid('inactive colin')],
  'active -> inactive queues one notification per coordinator of the mentor''s chapters'
);

select bag_eq(
  $$ select n.coordinator_id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('inactive max')::text)
        and h.previous_status = 'paused' and h.new_status = 'inactive' $$,
  array[tests.uuid('inactive cora')],
  'paused -> inactive queues one notification per coordinator'
);

select * from finish();
rollback;
