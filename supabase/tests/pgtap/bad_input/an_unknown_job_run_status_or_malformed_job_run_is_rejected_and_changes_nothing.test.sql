-- Bad input: job_runs.status is one of running, succeeded, failed (status_is_known), job_name is not empty
-- (job_name_is_named) and affected_count is not negative (affected_count_is_not_negative): anything else is
-- 23514, and nothing changes.
begin;
select plan(6);

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
insert into public.job_runs (id, job_name) values (tests.uuid('bad input run'), 'certification_expiry');

-- Everything a refused statement could touch, fingerprinted before and compared at the end.
create temporary table state_before on commit drop as select * from tests.table_fingerprints();

select tests.authenticate_as_service_role();
select throws_ok($$ insert into public.job_runs (job_name, status) values ('certification_expiry', 'done') $$,
  '23514', null, 'a job run with status done gets 23514');
select throws_ok($$ update public.job_runs set status = 'Succeeded' where id = tests.uuid('bad input run') $$,
  '23514', null, 'finishing a job run as Succeeded (wrong case) gets 23514');
select throws_ok($$ insert into public.job_runs (job_name) values ('') $$,
  '23514', null, 'a job run with an empty job_name gets 23514');
select throws_ok($$ update public.job_runs set affected_count = -1 where id = tests.uuid('bad input run') $$,
  '23514', null, 'a negative affected_count gets 23514');
select throws_ok($$ update public.job_runs set affected_count = 3000000000 where id = tests.uuid('bad input run') $$,
  '22003', null, 'an affected_count beyond integer gets 22003 (numeric_value_out_of_range)');

select tests.clear_authentication();
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select * from finish();
rollback;
