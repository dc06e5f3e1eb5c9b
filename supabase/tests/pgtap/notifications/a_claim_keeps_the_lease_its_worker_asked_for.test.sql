-- Dispatcher API: a claim lasts for the lease its own worker asked for. A worker asking for a short lease must not
-- take over a live claim made with a longer one (that would deliver it twice while its claim is live), and a
-- crashed worker's short claim is handed out again once it lapses, whatever lease the next worker asks for.
begin;
select plan(2);

-- Set aside pending notifications outside this file's fixtures (rolled back at the end).
update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('lease nordic'), 'lease oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('lease cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('lease mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('lease mia'));
  perform tests.add_membership(v_oslo, tests.create_user('lease max'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('lease max'));
end;
$$;

-- A slow worker claims Mia's notification with a one-hour lease; ten minutes later it is still working on it.
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('lease mia');
select tests.authenticate_as_service_role();
create temporary table slow_claim on commit drop as
  select * from public.claim_coordinator_notifications(10, '1 hour');
select tests.clear_authentication();
update public.coordinator_notifications set claimed_at = claimed_at - interval '10 minutes'
 where id in (select id from slow_claim);

select tests.authenticate_as_service_role();
select is_empty(
  $$ select * from public.claim_coordinator_notifications(10, '5 minutes') $$,
  'a worker with a five-minute lease does not take over a claim whose one-hour lease is still running'
);

-- A fast worker claims Max's notification with a one-minute lease and crashes; two minutes pass.
update public.coordinator_notifications set dispatched_at = '2000-01-01' where id in (select id from slow_claim);
select tests.clear_authentication();
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('lease max');
select tests.authenticate_as_service_role();
create temporary table crashed_claim on commit drop as
  select * from public.claim_coordinator_notifications(10, '1 minute');
select tests.clear_authentication();
update public.coordinator_notifications set claimed_at = claimed_at - interval '2 minutes'
 where id in (select id from crashed_claim);

select tests.authenticate_as_service_role();
select set_eq(
  $$ select id from public.claim_coordinator_notifications(10, '1 hour') $$,
  $$ select id from crashed_claim $$,
  'a claim whose one-minute lease has run out is handed out again, even to a worker asking for a one-hour lease'
);

select * from finish();
rollback;
