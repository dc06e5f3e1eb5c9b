-- Dispatcher API: while a claim's lease is running, its notifications are not handed out again (not even to
-- the same worker): one delivery per claim, whether or not it is ever confirmed.
begin;
select plan(3);

-- Set aside pending notifications outside this file's fixtures (rolled back at the end).
update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('live nordic'), 'live oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('live cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('live colin'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('live mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('live mia'));
end;
$$;

update public.peer_mentors set status = 'paused' where user_id = tests.uuid('live mia');

select tests.authenticate_as_service_role();
create temporary table first_claim on commit drop as
  select * from public.claim_coordinator_notifications(10, '5 minutes');

select is(
  (select count(*) from first_claim),
  2::bigint,
  'fixture: the first claim gets both notifications'
);

select is_empty(
  $$ select * from public.claim_coordinator_notifications(10, '5 minutes') $$,
  'a second claim within the lease gets nothing'
);

-- Half-way through the lease.
select tests.clear_authentication();
update public.coordinator_notifications set claimed_at = claimed_at - interval '4 minutes'
 where id in (select id from first_claim);
select tests.authenticate_as_service_role();

select is_empty(
  $$ select * from public.claim_coordinator_notifications(10, '5 minutes') $$,
  'a claim made four minutes ago with a five-minute lease is still not handed out'
);

select * from finish();
rollback;
