-- Bounded delivery: the dispatcher reports a failed send with fail_coordinator_notifications; the error is
-- stored, the claim is released, and the notification is not handed out again before its backoff has passed:
-- app.notification_retry_delay after the first failure, twice that after the second (exponential).
begin;
select plan(9);

-- Set aside pending notifications outside this file's fixtures (rolled back at the end).
update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('retry nordic'), 'retry oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('retry cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('retry mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('retry mia'));
end;
$$;
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('retry mia');
select set_config('app.notification_retry_delay', '10 minutes', true);

create temporary table claims (attempt integer, id bigint, claim_token uuid) on commit drop;
grant insert, select on claims to service_role;

select tests.authenticate_as_service_role();
insert into claims select 1, c.id, c.claim_token from public.claim_coordinator_notifications(10, '5 minutes') c;
select results_eq(
  $$ select f.attempts, f.dead_at, f.last_error
       from public.fail_coordinator_notifications(array(select id from pg_temp.claims), (select claim_token from pg_temp.claims), 'POST https://hooks.invalid answered 503') f $$,
  $$ values (1, null::timestamptz, 'POST https://hooks.invalid answered 503'::text) $$,
  'the failure report returns what it recorded: first attempt, not dead, the error');
select tests.clear_authentication();

select results_eq(
  $$ select last_error, claim_token, claimed_at, next_attempt_at - last_failed_at, dispatched_at from public.coordinator_notifications
      where coordinator_id = tests.uuid('retry cora') $$,
  $$ values ('POST https://hooks.invalid answered 503'::text, null::uuid, null::timestamptz, interval '10 minutes', null::timestamptz) $$,
  'the error is stored, the claim released, and the next attempt waits the retry delay');

select tests.authenticate_as_service_role();
select is_empty($$ select id from public.claim_coordinator_notifications(10, '5 minutes') $$,
  'before its next attempt is due it is not handed out');
select is(
  (select public.complete_coordinator_notifications(array(select id from pg_temp.claims), (select claim_token from pg_temp.claims))),
  0, 'the failed claim cannot confirm it any more');
select tests.clear_authentication();

-- Ten minutes pass (backdated, so the test does not wait on the clock).
update public.coordinator_notifications set next_attempt_at = next_attempt_at - interval '10 minutes', last_failed_at = last_failed_at - interval '10 minutes'
 where coordinator_id = tests.uuid('retry cora');

select tests.authenticate_as_service_role();
insert into claims select 2, c.id, c.claim_token from public.claim_coordinator_notifications(10, '5 minutes') c;
select results_eq($$ select c.attempts from public.claim_coordinator_notifications(1, '1 second') c $$, $$ select 1 where false $$,
  'once due, it went to exactly one claim');
select is((select count(*) from pg_temp.claims where attempt = 2), 1::bigint, 'once due it is claimed again');
select is(
  (select f.next_attempt_at - pg_catalog.now() > interval '19 minutes'
     from public.fail_coordinator_notifications(array(select id from pg_temp.claims where attempt = 2),
                                                (select claim_token from pg_temp.claims where attempt = 2), 'timeout') f),
  true, 'the second failure waits twice as long (20 minutes)');
select tests.clear_authentication();

select results_eq(
  $$ select attempts, last_error, next_attempt_at - last_failed_at from public.coordinator_notifications where coordinator_id = tests.uuid('retry cora') $$,
  $$ values (2, 'timeout'::text, interval '20 minutes') $$,
  'attempts 2, the latest error stored, backoff doubled');

select set_config('app.notification_retry_delay', '', true);
select tests.authenticate_as_service_role();
insert into claims select 3, c.id, c.claim_token from public.claim_coordinator_notifications(10, '5 minutes') c;
select tests.clear_authentication();
select is((select count(*) from pg_temp.claims where attempt = 3), 0::bigint, 'still backing off: not handed out');

select * from finish();
rollback;
