-- The set-null exception of the append-only rule is only the foreign keys' own action: clearing changed_by
-- while that user still exists, or job_run_id while that job run still exists, is refused with PM201
-- (for the owner, who holds the privilege).
begin;
select plan(3);

select tests.create_mentor(tests.create_user('gus'));
insert into public.job_runs (id, job_name) values (tests.uuid('job:gus'), 'review');
select set_config('app.job_run_id', tests.uuid('job:gus')::text, true);
update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('gus'));
select set_config('app.job_run_id', '', true);

select tests.authenticate_as(tests.uuid('gus'));
update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('gus'));
select tests.clear_authentication();

select throws_ok(
  $$ update public.peer_mentor_status_history set changed_by = null
      where mentor_id = tests.uuid('mentor:' || tests.uuid('gus')) and changed_by = tests.uuid('gus') $$,
  'PM201',
  null,
  'changed_by cannot be cleared while its user exists'
);

select throws_ok(
  $$ update public.peer_mentor_status_history set job_run_id = null
      where mentor_id = tests.uuid('mentor:' || tests.uuid('gus')) and job_run_id = tests.uuid('job:gus') $$,
  'PM201',
  null,
  'job_run_id cannot be cleared while its job run exists'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('gus'))
      and (changed_by = tests.uuid('gus') or job_run_id = tests.uuid('job:gus'))),
  2,
  'both attributions are still there'
);

select * from finish();
rollback;
