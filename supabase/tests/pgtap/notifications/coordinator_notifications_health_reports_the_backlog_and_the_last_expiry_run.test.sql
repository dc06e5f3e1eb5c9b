-- The health function an operator or an alert reads (service role only): pending count, when the oldest pending
-- notification was queued and how long it has waited, the retrying and dead counts, and the last
-- certification-expiry run with its status and counts.
begin;
select plan(6);

-- A known outbox and job history: everything outside this file's fixtures set aside (rolled back at the end).
update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;
delete from public.job_runs;

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('health nordic'), 'health oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('health cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('health colin'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('health carl'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('health mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('health mia'), 'active', '2000-01-01');
end;
$$;

select tests.authenticate_as_service_role();
select public.run_certification_expiry_job('2001-01-01');
select tests.clear_authentication();

-- Three notifications (one per coordinator): Cora's queued an hour ago, Colin's dead, Carl's failed once.
update public.coordinator_notifications set created_at = now() - interval '1 hour' where coordinator_id = tests.uuid('health cora');
update public.coordinator_notifications set dead_at = now(), last_error = 'gone' where coordinator_id = tests.uuid('health colin');
update public.coordinator_notifications set attempts = 1, last_failed_at = now(), last_error = '503', next_attempt_at = now() + interval '1 minute'
 where coordinator_id = tests.uuid('health carl');

select tests.authenticate_as_service_role();
create temporary table health on commit drop as select * from public.coordinator_notifications_health();
select tests.clear_authentication();

select results_eq(
  $$ select pending_count, oldest_pending_created_at, retrying_count, dead_count from pg_temp.health $$,
  $$ select 2::bigint, now() - interval '1 hour', 1::bigint, 1::bigint $$,
  'two pending (the dead one is not), the oldest queued an hour ago, one retrying, one dead');
select ok((select oldest_pending_age between interval '1 hour' and interval '1 hour 1 minute' from pg_temp.health),
  'the oldest pending notification has waited about an hour');
select results_eq(
  $$ select h.last_expiry_job_run_id, h.last_expiry_job_status, h.last_expiry_job_affected_count, h.last_expiry_job_skipped_count, h.last_expiry_job_error
       from pg_temp.health h $$,
  $$ select r.id, 'succeeded'::text, 1, 0, null::text from public.job_runs r where r.job_name = 'certification_expiry' $$,
  'the last expiry-job run: its id, succeeded, one paused, none skipped, no error');

-- A later failed run is the one reported.
insert into public.job_runs (job_name, status, started_at, finished_at, affected_count, error)
values ('certification_expiry', 'failed', now() + interval '1 second', now() + interval '2 seconds', 0, 'lock timeout');
select tests.authenticate_as_service_role();
select results_eq(
  $$ select last_expiry_job_status, last_expiry_job_error from public.coordinator_notifications_health() $$,
  $$ values ('failed'::text, 'lock timeout'::text) $$,
  'the latest run is reported, here a failed one with its error');

select tests.authenticate_as(tests.uuid('health cora'));
select throws_ok($$ select * from public.coordinator_notifications_health() $$, '42501', null,
  'a signed-in coordinator cannot read the health report');
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.coordinator_notifications_health() $$, '42501', null, 'anon cannot read the health report');

select * from finish();
rollback;
