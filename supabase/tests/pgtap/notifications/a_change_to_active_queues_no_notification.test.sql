-- Outbox: only changes to paused or inactive are news for coordinators; a change back to active queues nothing.
begin;
select plan(2);

do $$
declare
  v_org uuid := tests.create_organization('active nordic');
  v_oslo uuid := tests.create_chapter(v_org, 'active oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('active cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('active mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('active mia'), 'paused');
  perform tests.add_membership(v_oslo, tests.create_user('active max'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('active max'), 'inactive');
end;
$$;

update public.peer_mentors set status = 'active'
 where user_id in (tests.uuid('active mia'), tests.uuid('active max'));

select is(
  (select count(*) from public.peer_mentor_status_history h
     join public.peer_mentors pm on pm.id = h.mentor_id
    where pm.user_id in (tests.uuid('active mia'), tests.uuid('active max')) and h.new_status = 'active'),
  2::bigint,
  'fixture: both mentors changed to active (one history row each)'
);

select is_empty(
  $$ select n.id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
       join public.peer_mentors pm on pm.id = h.mentor_id
      where pm.user_id in (tests.uuid('active mia'), tests.uuid('active max')) $$,
  'paused -> active and inactive -> active queue no notification'
);

select * from finish();
rollback;
