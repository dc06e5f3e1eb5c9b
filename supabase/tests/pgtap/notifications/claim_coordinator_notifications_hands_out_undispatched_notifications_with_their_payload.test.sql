-- Dispatcher API: claim_coordinator_notifications(p_limit, p_lease) hands out up to p_limit undispatched
-- notifications, oldest first, under one fresh claim token, with everything a message needs; dispatched
-- notifications are never handed out.
begin;
select plan(6);

-- The queue is shared by the whole database: set aside whatever is pending outside this file's fixtures
-- (rolled back at the end), so the claims below see exactly the notifications queued here.
update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('claim nordic'), 'claim oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('claim cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('claim colin'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('claim mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('claim mia'));
  perform tests.add_membership(v_oslo, tests.create_user('claim max'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('claim max'));
end;
$$;

-- Four notifications, oldest first: Mia's pause (by herself) -> Cora, Colin; Max set inactive (by the owner)
-- -> Cora, Colin. Colin's notification about Mia is already dispatched (Colin marked it in the app).
select tests.authenticate_as(tests.uuid('claim mia'));
update public.peer_mentors set status = 'paused', status_reason = 'exams' where user_id = tests.uuid('claim mia');
select tests.clear_authentication();
update public.peer_mentors set status = 'inactive' where user_id = tests.uuid('claim max');
update public.coordinator_notifications set dispatched_at = '2030-01-01'
 where coordinator_id = tests.uuid('claim colin')
   and history_id in (select id from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('claim mia')::text));

select tests.authenticate_as_service_role();
create temporary table first_claim on commit drop as
  select * from public.claim_coordinator_notifications(1, '5 minutes');
create temporary table second_claim on commit drop as
  select * from public.claim_coordinator_notifications(10, '5 minutes');
select tests.clear_authentication();

select results_eq(
  $$ select coordinator_id, coordinator_email, coordinator_name, mentor_id, mentor_name, previous_status, new_status,
            reason, changed_by, job_run_id, attempts
       from first_claim $$,
  $$ values (tests.uuid('claim cora'), 'claim cora@test.invalid', 'claim cora', tests.uuid('mentor:' || tests.uuid('claim mia')::text),
             'claim mia', 'active'::public.mentor_status, 'paused'::public.mentor_status, 'exams', tests.uuid('claim mia'),
             null::uuid, 1) $$,
  'a claim with limit 1 hands out the oldest undispatched notification (Cora''s about Mia) with its payload'
);

select bag_eq(
  $$ select coordinator_id, coordinator_email, mentor_id, mentor_name, previous_status, new_status, reason, changed_by, attempts
       from second_claim $$,
  $$ values (tests.uuid('claim cora'), 'claim cora@test.invalid', tests.uuid('mentor:' || tests.uuid('claim max')::text),
             'claim max', 'active'::public.mentor_status, 'inactive'::public.mentor_status, null::text, null::uuid, 1),
            (tests.uuid('claim colin'), 'claim colin@test.invalid', tests.uuid('mentor:' || tests.uuid('claim max')::text),
             'claim max', 'active'::public.mentor_status, 'inactive'::public.mentor_status, null::text, null::uuid, 1) $$,
  'the next claim hands out the rest, and neither the claimed nor the dispatched notification'
);

select ok(
  (select count(distinct claim_token) = 1 and bool_and(claim_token is not null)
          and bool_and(claim_token <> (select claim_token from first_claim))
     from second_claim),
  'a claim hands out all its rows under one token of its own'
);

select ok(
  (select bool_and(c.changed_at = h.changed_at and c.created_at = n.created_at)
     from (select * from first_claim union all select * from second_claim) c
     join public.coordinator_notifications n on n.id = c.id
     join public.peer_mentor_status_history h on h.id = n.history_id),
  'the payload carries the change''s time and the notification''s queue time'
);

select ok(
  (select max(id) from first_claim) < (select min(id) from second_claim),
  'claims hand out the queue oldest first (by id)'
);

select results_eq(
  $$ select n.claim_token, n.attempts, n.claimed_at is not null, n.dispatched_at is null
       from public.coordinator_notifications n join first_claim f on f.id = n.id $$,
  $$ select claim_token, 1, true, true from first_claim $$,
  'the claimed row records the claim (token, attempts, claimed_at) and stays undispatched until confirmed'
);

select * from finish();
rollback;
