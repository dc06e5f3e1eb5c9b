-- Bounded delivery: the delay before the next attempt doubles after each failure, at most 6 hours, whatever
-- app.notification_max_attempts allows. With 30 attempts allowed and a 1-minute base, the 20th failure waits
-- 6 hours (uncapped it would be 2^19 minutes, about a year). Kills the mutant "no 6-hour cap" (issue 18).
begin;
select plan(2);

update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;
do $$
declare
  v_chapter uuid := tests.create_chapter(tests.create_organization('cap org'), 'cap chapter');
begin
  perform tests.add_membership(v_chapter, tests.create_user('cap cora'), 'coordinator');
  perform tests.add_membership(v_chapter, tests.create_user('cap mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('cap mia'));
end;
$$;
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('cap mia');
-- It has failed 19 times already.
update public.coordinator_notifications set attempts = 19 where coordinator_id = tests.uuid('cap cora');
select set_config('app.notification_max_attempts', '30', true);
select set_config('app.notification_retry_delay', '1 minute', true);

select tests.authenticate_as_service_role();
create temporary table claimed on commit drop as select * from public.claim_coordinator_notifications(10, '5 minutes');
select is((select attempts from pg_temp.claimed), 20, 'fixture: the 20th attempt is claimed');
create temporary table failed on commit drop as
  select f.* from public.fail_coordinator_notifications(array(select id from pg_temp.claimed), (select claim_token from pg_temp.claimed), 'smtp: 451') f;
select tests.clear_authentication();
select is(
  (select n.next_attempt_at - n.last_failed_at from public.coordinator_notifications n where n.id = (select id from pg_temp.claimed)),
  interval '6 hours',
  'the 20th failure waits the 6-hour cap, not 2^19 minutes');

select * from finish();
rollback;
