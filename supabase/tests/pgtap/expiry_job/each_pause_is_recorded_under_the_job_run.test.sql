-- Each pause the job makes is one history row carrying the job run id it returns: active -> paused, reason
-- certification_expired, changed_by null (a system action).
begin;
select plan(2);

select tests.create_mentor(tests.create_user('rec-' || n), 'active', '2000-06-01 00:00:00+00') from generate_series(1, 3) as n;

create temporary table job_run (attempt integer primary key, id uuid not null) on commit drop;
grant insert on job_run to service_role;
select tests.authenticate_as_service_role();
insert into job_run select 1, public.run_certification_expiry_job('2001-01-01 00:00:00+00');
select tests.clear_authentication();

select set_eq(
  $$ select mentor_id, previous_status, new_status, reason, changed_by, job_run_id
       from public.peer_mentor_status_history
      where mentor_id in (select tests.uuid('mentor:' || tests.uuid('rec-' || n)) from generate_series(1, 3) as n)
        and previous_status is not null $$,
  $$ select tests.uuid('mentor:' || tests.uuid('rec-' || n)) as mentor_id, 'active'::public.mentor_status as previous_status,
            'paused'::public.mentor_status as new_status, 'certification_expired'::text as reason, null::uuid as changed_by,
            (select id from job_run where attempt = 1) as job_run_id
       from generate_series(1, 3) as n $$,
  'one row per paused mentor, each attributed to the returned job run and to no user'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history where job_run_id = (select id from job_run where attempt = 1)),
  3,
  'the job run wrote no other history rows'
);

select * from finish();
rollback;
