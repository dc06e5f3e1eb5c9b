-- The claim sets aside as dead only lapsed claims that used their last attempt, never a live one: a worker
-- holding a notification on its last attempt (lease still running) confirms it when another dispatcher claims in
-- between. Kills the mutant "the set-aside step ignores the lease" (issue 18's mutation pass).
begin;
select plan(3);

update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;
do $$
declare
  v_chapter uuid := tests.create_chapter(tests.create_organization('live org'), 'live chapter');
begin
  perform tests.add_membership(v_chapter, tests.create_user('live cora'), 'coordinator');
  perform tests.add_membership(v_chapter, tests.create_user('live mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('live mia'));
end;
$$;
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('live mia');
select set_config('app.notification_max_attempts', '2', true);
-- One attempt already failed (and its backoff is over).
update public.coordinator_notifications set attempts = 1, last_failed_at = now() - interval '1 hour'
 where coordinator_id = tests.uuid('live cora');

select tests.authenticate_as_service_role();
create temporary table first_claim on commit drop as select * from public.claim_coordinator_notifications(10, '5 minutes');
select is((select attempts from pg_temp.first_claim), 2, 'fixture: worker 1 holds it on its last attempt');
-- Another dispatcher claims while worker 1's lease runs.
select is_empty($$ select * from public.claim_coordinator_notifications(10, '5 minutes') $$,
  'another dispatcher gets nothing (the live claim is not handed out, nor set aside)');
select is(
  public.complete_coordinator_notifications(array(select id from pg_temp.first_claim), (select claim_token from pg_temp.first_claim)),
  1, 'worker 1 then confirms its delivery');

select * from finish();
rollback;
