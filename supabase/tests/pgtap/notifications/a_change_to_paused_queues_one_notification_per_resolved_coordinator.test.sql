-- Outbox: a change to paused queues, in the same transaction, one coordinator_notifications row per coordinator
-- that coordinators_for_mentor resolves: chapter coordinators (each once for a multi-chapter mentor) or the
-- organisation fallback; whether the mentor pauses itself or a bulk UPDATE pauses several mentors at once.
begin;
select plan(4);

do $$
declare
  v_org uuid := tests.create_organization('paused nordic');
  v_oslo uuid := tests.create_chapter(v_org, 'paused oslo');
  v_bergen uuid := tests.create_chapter(v_org, 'paused bergen');
  v_tromso uuid := tests.create_chapter(v_org, 'paused tromso');
  v_multi uuid := tests.create_user('paused multi mentor');
begin
  perform tests.add_membership(v_oslo, tests.create_user('paused cora'), 'coordinator');
  perform tests.add_membership(v_bergen, tests.uuid('paused cora'), 'coordinator');
  perform tests.add_membership(v_bergen, tests.create_user('paused colin'), 'coordinator');
  -- Mia: Oslo. Max: Oslo + Bergen. Tor: Tromsø, which has no coordinator (organisation fallback: Cora, Colin).
  perform tests.add_membership(v_oslo, tests.create_user('paused mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('paused mia'));
  perform tests.add_membership(v_oslo, v_multi, 'peer_mentor');
  perform tests.add_membership(v_bergen, v_multi, 'peer_mentor');
  perform tests.create_mentor(v_multi);
  perform tests.add_membership(v_tromso, tests.create_user('paused tor'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('paused tor'));
end;
$$;

-- Mia pauses herself, signed in.
select tests.authenticate_as(tests.uuid('paused mia'));
update public.peer_mentors set status = 'paused', status_reason = 'holiday'
 where id = tests.uuid('mentor:' || tests.uuid('paused mia')::text);
select tests.clear_authentication();

select set_eq(
  $$ select n.coordinator_id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('paused mia')::text)
        and h.new_status = 'paused' and h.previous_status = 'active' $$,
  array[tests.uuid('paused cora')],
  'a mentor pausing itself queues a notification for its chapter''s coordinator, tied to that change'
);

-- One bulk UPDATE pauses Max and Tor (a system caller: the table owner).
update public.peer_mentors set status = 'paused'
 where id in (tests.uuid('mentor:' || tests.uuid('paused multi mentor')::text),
              tests.uuid('mentor:' || tests.uuid('paused tor')::text));

select bag_eq(
  $$ select n.coordinator_id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('paused multi mentor')::text) $$,
  array[tests.uuid('paused cora'), tests.uuid('paused colin')],
  'a multi-chapter mentor''s pause queues one notification per coordinator (Cora coordinates both chapters: once)'
);

select bag_eq(
  $$ select n.coordinator_id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('paused tor')::text) $$,
  array[tests.uuid('paused cora'), tests.uuid('paused colin')],
  'a pause in a chapter without a coordinator queues notifications for the organisation''s coordinators'
);

select is(
  (select count(*) from public.coordinator_notifications n
     join public.peer_mentor_status_history h on h.id = n.history_id
     join public.peer_mentors pm on pm.id = h.mentor_id
    where pm.user_id in (tests.uuid('paused mia'), tests.uuid('paused multi mentor'), tests.uuid('paused tor'))),
  5::bigint,
  'three pauses queue five notifications in all, undispatched'
);

select * from finish();
rollback;
