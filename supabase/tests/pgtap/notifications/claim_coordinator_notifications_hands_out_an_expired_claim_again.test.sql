-- Dispatcher API: a claim never confirmed within its lease is handed out again (at-least-once delivery) under a
-- new token, with attempts counted; from then on only the new claim can confirm it, not the worker that let
-- its lease lapse.
begin;
select plan(5);

-- Set aside pending notifications outside this file's fixtures (rolled back at the end).
update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('expired nordic'), 'expired oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('expired cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('expired colin'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('expired mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('expired mia'));
end;
$$;

update public.peer_mentors set status = 'paused' where user_id = tests.uuid('expired mia');

select tests.authenticate_as_service_role();
create temporary table crashed_claim on commit drop as
  select * from public.claim_coordinator_notifications(10, '5 minutes');
select tests.clear_authentication();

-- The worker crashed; six minutes pass (backdated, so the test does not wait on the clock).
update public.coordinator_notifications set claimed_at = claimed_at - interval '6 minutes'
 where id in (select id from crashed_claim);

select tests.authenticate_as_service_role();
create temporary table second_claim on commit drop as
  select * from public.claim_coordinator_notifications(10, '5 minutes');

select set_eq(
  $$ select id from second_claim $$,
  $$ select id from crashed_claim $$,
  'the notifications of a claim whose lease ran out are handed out again'
);

select ok(
  (select bool_and(s.attempts = 2 and s.claim_token <> c.claim_token)
     from second_claim s join crashed_claim c on c.id = s.id),
  'the new claim has its own token and counts the second attempt'
);

select is(
  public.complete_coordinator_notifications(array(select id from crashed_claim), (select claim_token from crashed_claim limit 1)),
  0,
  'the worker whose lease ran out cannot confirm them any more'
);

select is(
  public.complete_coordinator_notifications(array(select id from second_claim), (select claim_token from second_claim limit 1)),
  2,
  'the new claim confirms them'
);

select is_empty(
  $$ select * from public.claim_coordinator_notifications(10, '1 microsecond') $$,
  'once confirmed they are never handed out again, however short the lease'
);

select * from finish();
rollback;
