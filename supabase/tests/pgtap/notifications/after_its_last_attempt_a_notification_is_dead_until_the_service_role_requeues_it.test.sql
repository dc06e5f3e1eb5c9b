-- Bounded delivery: after app.notification_max_attempts failed attempts a notification is dead: kept, never
-- claimed again (however long one waits), visible to the service role with its last error; a claim that lapses
-- on the last attempt (the worker died) is set aside the same way. Only the service role re-queues it, with a
-- fresh set of attempts; then it is handed out again.
begin;
select plan(12);

-- Set aside pending notifications outside this file's fixtures (rolled back at the end).
update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('dead nordic'), 'dead oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('dead cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('dead colin'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('dead mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('dead mia'));
end;
$$;
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('dead mia');
select set_config('app.notification_max_attempts', '2', true);
select set_config('app.notification_retry_delay', '1 microsecond', true);

create temporary table claims (attempt integer, id bigint, coordinator_id uuid, claim_token uuid) on commit drop;
grant insert, select on claims to service_role;
create function pg_temp.cora() returns bigint language sql stable
as $$ select id from public.coordinator_notifications where coordinator_id = tests.uuid('dead cora') $$;
create function pg_temp.colin() returns bigint language sql stable
as $$ select id from public.coordinator_notifications where coordinator_id = tests.uuid('dead colin') $$;
-- New functions are executable by their owner only (20261203130100): the roles acting below call these.
grant execute on function pg_temp.cora(), pg_temp.colin() to service_role, authenticated;

-- Attempt 1: Cora's send fails; Colin's worker dies (its claim lapses unconfirmed).
select tests.authenticate_as_service_role();
insert into claims select 1, c.id, c.coordinator_id, c.claim_token from public.claim_coordinator_notifications(10, '5 minutes') c;
select is((select count(*) from pg_temp.claims where attempt = 1), 2::bigint, 'fixture: both notifications claimed');
select is(
  (select f.dead_at from public.fail_coordinator_notifications(array[pg_temp.cora()], (select claim_token from pg_temp.claims limit 1), 'smtp: mailbox unavailable') f),
  null, 'after the first of two attempts Cora''s notification is not dead');
select tests.clear_authentication();
update public.coordinator_notifications set claimed_at = claimed_at - interval '6 minutes' where id = pg_temp.colin();
select pg_sleep(0.001);

-- Attempt 2: both claimed again; Cora's fails again (dead); Colin's worker dies again (dead at the next claim).
select tests.authenticate_as_service_role();
insert into claims select 2, c.id, c.coordinator_id, c.claim_token from public.claim_coordinator_notifications(10, '5 minutes') c;
select set_eq($$ select id, attempt from pg_temp.claims where attempt = 2 $$, $$ values (pg_temp.cora(), 2), (pg_temp.colin(), 2) $$,
  'the second attempt hands out both again');
select isnt(
  (select f.dead_at from public.fail_coordinator_notifications(array[pg_temp.cora()], (select claim_token from pg_temp.claims where attempt = 2 limit 1), 'smtp: mailbox unavailable (again)') f),
  null, 'the failure of the last attempt makes Cora''s notification dead');
select tests.clear_authentication();
update public.coordinator_notifications set claimed_at = claimed_at - interval '6 minutes' where id = pg_temp.colin();
-- A long time passes: no backoff is left anywhere.
update public.coordinator_notifications set next_attempt_at = null, last_failed_at = last_failed_at - interval '1 year'
 where id in (pg_temp.cora(), pg_temp.colin());

select tests.authenticate_as_service_role();
select is_empty($$ select id from public.claim_coordinator_notifications(10, '5 minutes') $$,
  'neither is handed out again: Cora''s is dead, and Colin''s lapsed last attempt is set aside as dead');
select is_empty($$ select id from public.claim_coordinator_notifications(10, '5 minutes') $$,
  'and they stay that way');
select set_eq(
  $$ select id, attempts, last_error, dispatched_at is null and dead_at is not null from public.coordinator_notifications
      where id in (pg_temp.cora(), pg_temp.colin()) $$,
  $$ values (pg_temp.cora(), 2, 'smtp: mailbox unavailable (again)', true),
            (pg_temp.colin(), 2, 'claim lapsed unconfirmed after 2 attempt(s): the worker stopped or exceeded its lease', true) $$,
  'the service role sees both, kept, dead and undispatched, with their last error');

-- Only the service role re-queues.
select tests.authenticate_as(tests.uuid('dead cora'));
select throws_ok($$ select public.requeue_coordinator_notifications(array[pg_temp.cora()]) $$, '42501', null,
  'a coordinator cannot re-queue its dead notification');
select tests.authenticate_as_anon();
select throws_ok($$ select public.requeue_coordinator_notifications(array[1::bigint]) $$, '42501', null, 'anon cannot re-queue');

select tests.authenticate_as_service_role();
select is(public.requeue_coordinator_notifications(array[pg_temp.cora(), pg_temp.colin(), -1]), 2,
  'the service role re-queues both dead notifications (an unknown id is ignored)');
insert into claims select 3, c.id, c.coordinator_id, c.claim_token from public.claim_coordinator_notifications(10, '5 minutes') c;
select set_eq($$ select id, attempt from pg_temp.claims where attempt = 3 $$, $$ values (pg_temp.cora(), 3), (pg_temp.colin(), 3) $$,
  'once re-queued, both are handed out again');
select is(public.requeue_coordinator_notifications(array[pg_temp.cora()]), 0,
  're-queueing a notification that is not dead changes nothing');
select tests.clear_authentication();

select * from finish();
rollback;
