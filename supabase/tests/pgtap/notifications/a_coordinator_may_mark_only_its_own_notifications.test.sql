-- Outbox privacy: a signed-in coordinator may set read_at on its own notifications only (dispatched_at is the
-- dispatcher's: only_the_dispatcher_marks_a_notification_dispatched), and
-- nothing else about them (no re-addressing, no deleting, no inserting).
begin;
select plan(7);

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('mark nordic'), 'mark oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('mark cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('mark colin'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('mark mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('mark mia'));
end;
$$;

update public.peer_mentors set status = 'paused' where user_id = tests.uuid('mark mia');

select tests.authenticate_as(tests.uuid('mark cora'));
-- No WHERE: the policy alone must keep Colin's row out of reach.
update public.coordinator_notifications set read_at = '2030-01-01';

select throws_ok(
  $$ update public.coordinator_notifications set coordinator_id = tests.uuid('mark colin') $$,
  '42501', null,
  'a coordinator cannot re-address a notification (no column privilege on coordinator_id)'
);
select throws_ok(
  $$ delete from public.coordinator_notifications $$,
  '42501', null,
  'a coordinator cannot delete notifications'
);
select throws_ok(
  $$ insert into public.coordinator_notifications (history_id, coordinator_id)
     select history_id, tests.uuid('mark cora') from public.coordinator_notifications $$,
  '42501', null,
  'a coordinator cannot insert notifications'
);

select tests.authenticate_as(tests.uuid('mark mia'));
update public.coordinator_notifications set read_at = '2031-01-01';
select tests.clear_authentication();

select results_eq(
  $$ select read_at, dispatched_at from public.coordinator_notifications where coordinator_id = tests.uuid('mark cora') $$,
  $$ values ('2030-01-01'::timestamptz, null::timestamptz) $$,
  'Cora marked her own notification read (and it is still undispatched)'
);

select results_eq(
  $$ select read_at, dispatched_at from public.coordinator_notifications where coordinator_id = tests.uuid('mark colin') $$,
  $$ values (null::timestamptz, null::timestamptz) $$,
  'Colin''s notification was touched neither by Cora nor by the mentor'
);

select is(
  (select count(*) from public.coordinator_notifications n
     join public.peer_mentor_status_history h on h.id = n.history_id
    where h.mentor_id = tests.uuid('mentor:' || tests.uuid('mark mia')::text)),
  2::bigint,
  'both notifications still exist, each addressed as queued'
);

select is(
  (select coordinator_id from public.coordinator_notifications
    where coordinator_id = tests.uuid('mark cora') and read_at = '2030-01-01'),
  tests.uuid('mark cora'),
  'Cora''s notification is still addressed to Cora'
);

select * from finish();
rollback;
