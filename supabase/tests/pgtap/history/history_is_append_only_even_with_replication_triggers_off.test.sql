-- The append-only rule must hold for the owner even under session_replication_role = replica (what data
-- restores and logical replication use), where ordinary ENABLEd triggers do not fire: the append-only
-- triggers are ENABLE ALWAYS (the foreign keys' own actions still pass: the trigger lets them through).
begin;
select plan(3);

select tests.create_mentor(tests.create_user('rex'));
update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('rex'));

select set_config('session_replication_role', 'replica', true);

select throws_ok(
  $$ update public.peer_mentor_status_history set reason = 'rewritten' where mentor_id = tests.uuid('mentor:' || tests.uuid('rex')) $$,
  'PM201', null, 'in replica mode the owner still cannot rewrite history');
select throws_ok(
  $$ delete from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('rex')) and previous_status is not null $$,
  'PM201', null, 'in replica mode the owner still cannot delete history');
select throws_ok(
  $$ truncate public.peer_mentor_status_history cascade $$,
  'PM201', null, 'in replica mode the owner still cannot truncate history');

select set_config('session_replication_role', 'origin', true);

select * from finish();
rollback;
