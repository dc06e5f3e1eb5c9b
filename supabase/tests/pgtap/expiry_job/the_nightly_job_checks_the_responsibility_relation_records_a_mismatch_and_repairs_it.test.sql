-- The relation defends itself (issue 18): private.responsibility_differences() is part of the health report,
-- and the nightly job checks it before pausing anyone, records what it found in job_runs
-- (responsibility_differences, responsibility_repaired) and repairs it (private.rebuild_responsibility()), so the
-- notifications of that very run go to the right coordinators.
begin;
select plan(9);

select tests.create_organization('Nightly check');
select tests.create_chapter(tests.uuid('org:Nightly check'), 'Nightly One');
select tests.create_user(n) from unnest(array['nc-coordinator', 'nc-mentor']) n;
select tests.create_mentor(tests.uuid('nc-mentor'), 'active', now() - interval '1 day');

-- Loaded with the maintenance off (a restore): the relation misses the mentor's coordinator.
set local session_replication_role = replica;
insert into public.chapter_memberships (chapter_id, user_id, role) values
  (tests.uuid('chapter:Nightly One'), tests.uuid('nc-coordinator'), 'coordinator'),
  (tests.uuid('chapter:Nightly One'), tests.uuid('nc-mentor'), 'peer_mentor');
set local session_replication_role = origin;

select tests.authenticate_as_service_role();
select results_eq(
  $$ select responsibility_missing_count, responsibility_extra_count from public.coordinator_notifications_health() $$,
  $$ values (1::bigint, 0::bigint) $$,
  'the health report counts the pair the relation misses');

create temporary table run on commit drop as select public.run_certification_expiry_job() as id;
grant select on run to service_role;
select results_eq(
  $$ select status, affected_count, responsibility_differences, responsibility_repaired
       from public.job_runs where id = (select id from pg_temp.run) $$,
  $$ values ('succeeded'::text, 1, 1, true) $$,
  'the nightly run records the mismatch it found and that it repaired it');
select tests.clear_authentication();
select is_empty($$ select * from private.responsibility_differences() $$, 'after the run the relation equals its definition');
select set_eq(
  $$ select n.coordinator_id from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.job_run_id = (select id from pg_temp.run) $$,
  array[tests.uuid('nc-coordinator')],
  'the run''s pause is told to the coordinator the relation had missed (repaired before pausing)');

select tests.authenticate_as_service_role();
select results_eq(
  $$ select responsibility_missing_count, responsibility_extra_count,
            last_expiry_job_responsibility_differences, last_expiry_job_responsibility_repaired
       from public.coordinator_notifications_health() $$,
  $$ values (0::bigint, 0::bigint, 1, true) $$,
  'the health report then shows an exact relation and what the last run found and did');

truncate pg_temp.run;
insert into pg_temp.run select public.run_certification_expiry_job();
select results_eq(
  $$ select responsibility_differences, responsibility_repaired from public.job_runs where id = (select id from pg_temp.run) $$,
  $$ values (0, null::boolean) $$,
  'a run that finds the relation exact records 0 and repairs nothing');

select tests.authenticate_as(tests.uuid('nc-coordinator'));
select throws_ok($$ select * from private.responsibility_difference_counts() $$, '42501', null,
  'a signed-in user cannot compute the differences');
select throws_ok($$ select * from public.coordinator_notifications_health() $$, '42501', null,
  'nor read the health report');
select tests.clear_authentication();
select ok(
  pg_catalog.has_function_privilege('service_role', 'private.responsibility_difference_counts()', 'execute')
  and not pg_catalog.has_function_privilege('anon', 'private.responsibility_difference_counts()', 'execute'),
  'the counts are the service role''s (for the health report)');

select * from finish();
rollback;
