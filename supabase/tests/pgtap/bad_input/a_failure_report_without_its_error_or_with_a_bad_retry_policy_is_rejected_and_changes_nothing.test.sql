-- Bad input to the outbox's failure path: a failure report without its error text (PM305), a retry policy setting
-- that is out of range or not a number (PM303) or not a positive interval (PM304), a report for unknown ids or
-- under a wrong token, and a coordinator or anon calling it (42501): each is refused or records nothing, and the
-- notification is as it was. A very long error is kept to its first 2000 characters.
begin;
select plan(13);

-- Set aside pending notifications outside this file's fixtures (rolled back at the end).
update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('failbad nordic'), 'failbad oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('failbad cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('failbad mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('failbad mia'));
end;
$$;
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('failbad mia');

create temporary table claim on commit drop as select 1::bigint as id, null::uuid as claim_token where false;
grant insert, select on claim to service_role, authenticated;
select tests.authenticate_as_service_role();
insert into claim select c.id, c.claim_token from public.claim_coordinator_notifications(10, '5 minutes') c;
select tests.clear_authentication();
create temporary table before on commit drop as select * from public.coordinator_notifications where id in (select id from claim);
create function pg_temp.unchanged() returns boolean language sql stable
as $$ select not exists (select * from public.coordinator_notifications where id in (select id from pg_temp.claim)
                         except select * from pg_temp.before) $$;

select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.fail_coordinator_notifications(array(select id from pg_temp.claim), (select claim_token from pg_temp.claim), null) $$,
  'PM305', null, 'a failure report with a null error text is refused (PM305)');
select throws_ok($$ select * from public.fail_coordinator_notifications(array(select id from pg_temp.claim), (select claim_token from pg_temp.claim), '   ') $$,
  'PM305', null, 'a failure report with a blank error text is refused (PM305)');

select set_config('app.notification_max_attempts', '0', true);
select throws_ok($$ select * from public.fail_coordinator_notifications(array(select id from pg_temp.claim), (select claim_token from pg_temp.claim), 'x') $$,
  'PM303', null, 'app.notification_max_attempts = 0 is refused (PM303)');
select set_config('app.notification_max_attempts', 'ten', true);
select throws_ok($$ select * from public.claim_coordinator_notifications(10, '5 minutes') $$,
  'PM303', null, 'app.notification_max_attempts = ten is refused at the claim too (PM303)');
select set_config('app.notification_max_attempts', '', true);
select set_config('app.notification_retry_delay', '-1 minute', true);
select throws_ok($$ select * from public.fail_coordinator_notifications(array(select id from pg_temp.claim), (select claim_token from pg_temp.claim), 'x') $$,
  'PM304', null, 'a negative app.notification_retry_delay is refused (PM304)');
select set_config('app.notification_retry_delay', 'soon', true);
select throws_ok($$ select * from public.fail_coordinator_notifications(array(select id from pg_temp.claim), (select claim_token from pg_temp.claim), 'x') $$,
  'PM304', null, 'app.notification_retry_delay = soon is refused (PM304)');
select set_config('app.notification_retry_delay', '', true);

select is_empty($$ select * from public.fail_coordinator_notifications(array(select id from pg_temp.claim), tests.uuid('wrong token'), 'x') $$,
  'a failure report under a wrong token records nothing');
select is_empty($$ select * from public.fail_coordinator_notifications(array[-1::bigint], (select claim_token from pg_temp.claim), 'x') $$,
  'a failure report for unknown ids records nothing');
select is_empty($$ select * from public.fail_coordinator_notifications(null, null, 'x') $$,
  'a failure report with null ids and token records nothing');

select tests.authenticate_as(tests.uuid('failbad cora'));
select throws_ok($$ select * from public.fail_coordinator_notifications(array(select id from pg_temp.claim), (select claim_token from pg_temp.claim), 'x') $$,
  '42501', null, 'a signed-in coordinator cannot report failures');
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.fail_coordinator_notifications(array[1::bigint], null, 'x') $$, '42501', null, 'anon cannot report failures');

select tests.clear_authentication();
select ok(pg_temp.unchanged(), 'the refused and empty reports changed nothing');

select tests.authenticate_as_service_role();
select is(
  (select pg_catalog.char_length(f.last_error)
     from public.fail_coordinator_notifications(array(select id from pg_temp.claim), (select claim_token from pg_temp.claim), repeat('é', 100000)) f),
  2000, 'a 100000-character error is stored as its first 2000 characters');
select tests.clear_authentication();

select * from finish();
rollback;
