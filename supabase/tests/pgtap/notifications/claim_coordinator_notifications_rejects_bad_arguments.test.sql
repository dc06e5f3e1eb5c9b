-- Dispatcher API: a claim limit outside 1..10000 is PM301 and a lease that is not a positive interval is PM302;
-- a refused claim claims nothing.
begin;
select plan(8);

-- Set aside pending notifications outside this file's fixtures (rolled back at the end).
update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('args nordic'), 'args oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('args cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('args mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('args mia'));
end;
$$;
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('args mia');

select tests.authenticate_as_service_role();

select throws_ok($$ select * from public.claim_coordinator_notifications(0, '5 minutes') $$,
  'PM301', null, 'a limit of 0 is refused (PM301)');
select throws_ok($$ select * from public.claim_coordinator_notifications(-1, '5 minutes') $$,
  'PM301', null, 'a negative limit is refused (PM301)');
select throws_ok($$ select * from public.claim_coordinator_notifications(10001, '5 minutes') $$,
  'PM301', null, 'a limit over 10000 is refused (PM301)');
select throws_ok($$ select * from public.claim_coordinator_notifications(null, '5 minutes') $$,
  'PM301', null, 'a null limit is refused (PM301)');
select throws_ok($$ select * from public.claim_coordinator_notifications(10, '0 seconds') $$,
  'PM302', null, 'a zero lease is refused (PM302)');
select throws_ok($$ select * from public.claim_coordinator_notifications(10, '-5 minutes') $$,
  'PM302', null, 'a negative lease is refused (PM302)');
select throws_ok($$ select * from public.claim_coordinator_notifications(10, null) $$,
  'PM302', null, 'a null lease is refused (PM302)');

select tests.clear_authentication();
select is(
  (select count(*) from public.coordinator_notifications where claimed_at is not null and dispatched_at is null),
  0::bigint,
  'the refused claims claimed nothing'
);

select * from finish();
rollback;
