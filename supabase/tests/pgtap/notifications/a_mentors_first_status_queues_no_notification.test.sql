-- Outbox: a new mentor's first history row (previous_status null) is not a change, even when the mentor is
-- created paused or inactive: it queues nothing.
begin;
select plan(2);

do $$
declare
  v_org uuid := tests.create_organization('first nordic');
  v_oslo uuid := tests.create_chapter(v_org, 'first oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('first cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('first mia'), 'peer_mentor');
  perform tests.add_membership(v_oslo, tests.create_user('first max'), 'peer_mentor');
end;
$$;

insert into public.peer_mentors (user_id, status, status_reason)
values (tests.uuid('first mia'), 'paused', 'starts after the summer'),
       (tests.uuid('first max'), 'inactive', 'not yet certified');

select is(
  (select count(*) from public.peer_mentor_status_history h
     join public.peer_mentors pm on pm.id = h.mentor_id
    where pm.user_id in (tests.uuid('first mia'), tests.uuid('first max')) and h.previous_status is null),
  2::bigint,
  'fixture: each new mentor has its first history row'
);

select is_empty(
  $$ select n.id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
       join public.peer_mentors pm on pm.id = h.mentor_id
      where pm.user_id in (tests.uuid('first mia'), tests.uuid('first max')) $$,
  'a mentor created paused or inactive queues no notification'
);

select * from finish();
rollback;
