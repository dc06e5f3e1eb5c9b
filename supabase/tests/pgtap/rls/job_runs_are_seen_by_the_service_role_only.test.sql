-- job_runs: invisible to every API role but the service role. authenticated holds no privilege on the table
-- (and RLS is on with no policy for it), so any read or write is refused with 42501.
begin;
select plan(21);

-- The RLS fixture (tests.create_rls_fixture, in the setup file; rolled back with the test):
--
--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
--   outsider: signed in, no memberships.
select tests.create_rls_fixture();

insert into public.job_runs (id, job_name, status, finished_at, affected_count)
values (tests.uuid('rls:job one'), 'rls job', 'succeeded', now(), 0),
       (tests.uuid('rls:job two'), 'rls job', 'running', null, null);

select tests.authenticate_as_anon();
select throws_ok($$select id from public.job_runs$$, '42501', null, 'anon cannot read job runs');
select throws_ok($$insert into public.job_runs (job_name) values ('anon job')$$, '42501', null, 'anon cannot insert a job run');

select tests.rls_sign_in('mentor-self');
select throws_ok($$select id from public.job_runs$$, '42501', null, 'mentor self cannot read job runs');
select tests.rls_sign_in('mentor-other');
select throws_ok($$select id from public.job_runs$$, '42501', null, 'mentor other cannot read job runs');
select tests.rls_sign_in('mentor-multi');
select throws_ok($$select id from public.job_runs$$, '42501', null, 'a multi-chapter mentor cannot read job runs');
select tests.rls_sign_in('coord-north');
select throws_ok($$select id from public.job_runs$$, '42501', null, 'the same-chapter coordinator cannot read job runs');
select tests.rls_sign_in('coord-west');
select throws_ok($$select id from public.job_runs$$, '42501', null, 'the other-chapter coordinator cannot read job runs');
select tests.rls_sign_in('coord-multi');
select throws_ok($$select id from public.job_runs$$, '42501', null, 'the multi-chapter coordinator cannot read job runs');
select tests.rls_sign_in('coord-idle');
select throws_ok($$select id from public.job_runs$$, '42501', null, 'the idle coordinator cannot read job runs');
select tests.rls_sign_in('outsider');
select throws_ok($$select id from public.job_runs$$, '42501', null, 'the outsider cannot read job runs');

select tests.rls_sign_in('coord-multi');
select throws_ok($$insert into public.job_runs (job_name) values ('coordinator job')$$, '42501', null,
  'a coordinator cannot insert a job run');
select throws_ok(format($$update public.job_runs set status = 'failed' where id = %L$$, tests.uuid('rls:job two')),
  '42501', null, 'a coordinator cannot update a job run');
select throws_ok(format($$delete from public.job_runs where id = %L$$, tests.uuid('rls:job one')),
  '42501', null, 'a coordinator cannot delete a job run');

select tests.rls_sign_in('mentor-self');
select throws_ok(format($$update public.job_runs set status = 'succeeded' where id = %L$$, tests.uuid('rls:job two')),
  '42501', null, 'a mentor cannot update a job run');
select throws_ok($$delete from public.job_runs$$, '42501', null, 'a mentor cannot delete job runs');

select tests.authenticate_as_service_role();
select set_eq($$select id from public.job_runs where job_name = 'rls job'$$,
  array[tests.uuid('rls:job one'), tests.uuid('rls:job two')],
  'the service role reads every job run');
select results_eq(
  $$insert into public.job_runs (id, job_name) values (tests.uuid('rls:job three'), 'rls job') returning status$$,
  $$values ('running')$$,
  'the service role inserts a job run');
select results_eq(
  format($$update public.job_runs set status = 'failed', error = 'boom', finished_at = now() where id = %L returning status$$,
         tests.uuid('rls:job two')),
  $$values ('failed')$$,
  'the service role updates a job run');
select results_eq(
  format($$delete from public.job_runs where id = %L returning id$$, tests.uuid('rls:job one')),
  format($$values (%L::uuid)$$, tests.uuid('rls:job one')),
  'the service role deletes a job run');

select tests.clear_authentication();
select set_eq($$select id, status from public.job_runs where job_name = 'rls job'$$,
  $$values (tests.uuid('rls:job two'), 'failed'), (tests.uuid('rls:job three'), 'running')$$,
  'as owner: only the service role''s changes went through');

-- The timeline a mentor reads names a job run it cannot open: the id only.
select tests.authenticate_as_service_role();
do $$
begin
  perform set_config('app.job_run_id', tests.uuid('rls:job three')::text, true);
  update public.peer_mentors set status = 'paused', status_reason = 'certification_expired' where id = tests.rls_mentor('mentor-self');
  perform set_config('app.job_run_id', '', true);
end;
$$;
select tests.rls_sign_in('mentor-self');
select results_eq(
  $$select job_run_id from public.peer_mentor_status_history where new_status = 'paused'$$,
  $$values (tests.uuid('rls:job three'))$$,
  'mentor self reads the job run id on its history row (but not the job run itself)');

select * from finish();
rollback;
