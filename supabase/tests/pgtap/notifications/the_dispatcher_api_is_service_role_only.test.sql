-- Dispatcher API: claim_coordinator_notifications and complete_coordinator_notifications hand out and confirm
-- every coordinator's notifications, so only the service role may call them: a signed-in coordinator and anon
-- get insufficient_privilege (42501).
begin;
select plan(7);

-- Set aside pending notifications outside this file's fixtures (rolled back at the end).
update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('api nordic'), 'api oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('api cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('api mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('api mia'));
end;
$$;
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('api mia');

select tests.authenticate_as(tests.uuid('api cora'));
select throws_ok($$ select * from public.claim_coordinator_notifications(10, '5 minutes') $$,
  '42501', null, 'a signed-in coordinator cannot claim notifications, not even its own');
select throws_ok(
  $$ select public.complete_coordinator_notifications(array(select id from public.coordinator_notifications), tests.uuid('x')) $$,
  '42501', null, 'a signed-in coordinator cannot confirm notifications');

select tests.authenticate_as_anon();
select throws_ok($$ select * from public.claim_coordinator_notifications(10, '5 minutes') $$,
  '42501', null, 'anon cannot claim notifications');
select throws_ok($$ select public.complete_coordinator_notifications(array[1::bigint], tests.uuid('x')) $$,
  '42501', null, 'anon cannot confirm notifications');

select tests.clear_authentication();
select is(
  (select count(*) from public.coordinator_notifications
    where coordinator_id = tests.uuid('api cora') and claimed_at is not null),
  0::bigint,
  'the refused calls claimed nothing'
);

select tests.authenticate_as_service_role();
create temporary table service_claim on commit drop as
  select * from public.claim_coordinator_notifications(10, '5 minutes');
select is(
  (select count(*) from service_claim),
  1::bigint,
  'the service role claims the pending notification'
);
select is(
  public.complete_coordinator_notifications(array(select id from service_claim), (select claim_token from service_claim)),
  1,
  'the service role confirms it'
);

select * from finish();
rollback;
