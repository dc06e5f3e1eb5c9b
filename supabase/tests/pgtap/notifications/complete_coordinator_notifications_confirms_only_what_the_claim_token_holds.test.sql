-- Dispatcher API: complete_coordinator_notifications(ids, token) marks dispatched the given notifications that
-- the token's claim holds, and returns how many; a wrong token (or an id outside the claim) marks nothing;
-- confirming twice marks nothing the second time.
begin;
select plan(6);

-- Set aside pending notifications outside this file's fixtures (rolled back at the end).
update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('complete nordic'), 'complete oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('complete cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('complete colin'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('complete carl'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('complete mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('complete mia'));
end;
$$;

update public.peer_mentors set status = 'paused' where user_id = tests.uuid('complete mia');

select tests.authenticate_as_service_role();
create temporary table my_claim on commit drop as
  select * from public.claim_coordinator_notifications(2, '5 minutes');
create temporary table other_claim on commit drop as
  select * from public.claim_coordinator_notifications(10, '5 minutes');

select is(
  public.complete_coordinator_notifications(array(select id from my_claim), tests.uuid('not a claim token')),
  0,
  'a wrong token confirms nothing'
);

select is(
  public.complete_coordinator_notifications(array(select id from other_claim), (select claim_token from my_claim limit 1)),
  0,
  'a token confirms nothing of another claim'
);

select is(
  public.complete_coordinator_notifications(array(select id from my_claim), (select claim_token from my_claim limit 1)),
  2,
  'the right token confirms its claim''s notifications and returns how many'
);

select is(
  public.complete_coordinator_notifications(array(select id from my_claim), (select claim_token from my_claim limit 1)),
  0,
  'confirming again marks nothing more'
);

select tests.clear_authentication();
select results_eq(
  $$ select n.id, n.dispatched_at is not null
       from public.coordinator_notifications n
      where n.id in (select id from my_claim union all select id from other_claim)
      order by n.id $$,
  $$ select id, true from my_claim union all select id, false from other_claim order by 1 $$,
  'exactly the confirmed claim''s notifications are dispatched; the other claim''s are still pending'
);

select ok(
  (select bool_and(n.dispatched_at >= n.claimed_at) from public.coordinator_notifications n where n.id in (select id from my_claim)),
  'dispatched_at is the confirmation time, after the claim'
);

select * from finish();
rollback;
