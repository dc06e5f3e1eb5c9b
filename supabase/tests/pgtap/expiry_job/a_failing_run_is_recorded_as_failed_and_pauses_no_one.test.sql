-- When the job's update fails, the run is recorded as failed with the error, and no mentor is paused: there
-- is no half-done run. The failure is simulated with a trigger (created in this transaction, rolled back)
-- that raises once the statement has paused a chosen mentor; it fires after every row is updated, so the
-- other mentor really was paused before the failure and must be rolled back.
begin;
select plan(5);

select tests.create_mentor(tests.create_user('fail-bystander'), 'active', '2000-06-01 00:00:00+00');
select tests.create_mentor(tests.create_user('fail-trigger'), 'active', '2000-06-01 00:00:00+00');

create function tests.fail_when_fail_trigger_is_paused() returns trigger
language plpgsql volatile set search_path = ''
as $$
begin
  if exists (select 1 from new_rows where id = tests.uuid('mentor:' || tests.uuid('fail-trigger')) and status = 'paused') then
    raise exception 'simulated failure pausing mentor %', tests.uuid('mentor:' || tests.uuid('fail-trigger'));
  end if;
  return null;
end;
$$;
create trigger simulate_expiry_failure
  after update on public.peer_mentors
  referencing new table as new_rows
  for each statement execute function tests.fail_when_fail_trigger_is_paused();

create temporary table job_run (attempt integer primary key, id uuid not null) on commit drop;
grant insert on job_run to service_role;
set local client_min_messages = error; -- the job reports its failure as a WARNING, expected here
select tests.authenticate_as_service_role();
insert into job_run select 1, public.run_certification_expiry_job('2001-01-01 00:00:00+00');
select tests.clear_authentication();

select results_eq(
  $$ select status, affected_count, error from public.job_runs where id = (select id from job_run where attempt = 1) $$,
  $$ values ('failed'::text, 0, 'simulated failure pausing mentor ' || tests.uuid('mentor:' || tests.uuid('fail-trigger'))) $$,
  'the run is recorded as failed, with the error text'
);

select isnt(
  (select finished_at from public.job_runs where id = (select id from job_run where attempt = 1)),
  null,
  'the failed run is finished'
);

select set_eq(
  $$ select pm.user_id, pm.status, pm.status_reason from public.peer_mentors pm
      where pm.user_id in (tests.uuid('fail-bystander'), tests.uuid('fail-trigger')) $$,
  $$ values (tests.uuid('fail-bystander'), 'active'::public.mentor_status, null::text),
            (tests.uuid('fail-trigger'), 'active'::public.mentor_status, null::text) $$,
  'no mentor is paused, not even the one the failing statement had already paused'
);

select is_empty(
  $$ select 1 from public.peer_mentor_status_history where job_run_id = (select id from job_run where attempt = 1) $$,
  'the failed run left no history'
);

drop trigger simulate_expiry_failure on public.peer_mentors;
select tests.authenticate_as_service_role();
insert into job_run select 2, public.run_certification_expiry_job('2001-01-01 00:00:00+00');
select tests.clear_authentication();

select results_eq(
  $$ select status, affected_count from public.job_runs where id = (select id from job_run where attempt = 2) $$,
  $$ values ('succeeded'::text, 2) $$,
  'once the cause is gone, the next run pauses both mentors'
);

select * from finish();
rollback;
