-- Bad input: app.job_run_id must name a job run that is still running. An unknown uuid or a finished run is
-- PM002 (the history's job_run_id would otherwise point at nothing, or at a run that has already reported its
-- affected_count); nothing changes.
begin;
select plan(3);

-- A chapter with a coordinator (cora) and an active mentor (mia).
do $$
declare
  v_chapter uuid := tests.create_chapter(tests.create_organization('bad input org'), 'bad input chapter');
begin
  perform tests.add_membership(v_chapter, tests.create_user('bad input cora'), 'coordinator');
  perform tests.add_membership(v_chapter, tests.create_user('bad input mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('bad input mia'));
end;
$$;
insert into public.job_runs (id, job_name, status, finished_at, affected_count)
values (tests.uuid('bad input finished run'), 'certification_expiry', 'succeeded', now(), 0);

-- Everything a refused statement could touch, fingerprinted before and compared at the end.
create temporary table state_before on commit drop as select * from tests.table_fingerprints();

select tests.authenticate_as_service_role();
select set_config('app.job_run_id', tests.uuid('bad input no such run')::text, true);
select throws_ok(
  $$ update public.peer_mentors set status = 'paused' where user_id = tests.uuid('bad input mia') $$,
  'PM002', null, 'a status change attributed to an unknown job run gets PM002');

select set_config('app.job_run_id', tests.uuid('bad input finished run')::text, true);
select throws_ok(
  $$ update public.peer_mentors set status = 'paused' where user_id = tests.uuid('bad input mia') $$,
  'PM002', null, 'a status change attributed to a finished job run gets PM002');
select set_config('app.job_run_id', '', true);

select tests.clear_authentication();
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select * from finish();
rollback;
