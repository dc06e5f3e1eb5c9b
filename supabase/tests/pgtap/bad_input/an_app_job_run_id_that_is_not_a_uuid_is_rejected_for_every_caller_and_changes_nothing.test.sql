-- Bad input: the session setting app.job_run_id must be a uuid (or unset/empty). Anything else is PM001 for
-- every caller that changes a status or adds a mentor, naming the bad value; nothing changes.
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

-- Everything a refused statement could touch, fingerprinted before and compared at the end.
create temporary table state_before on commit drop as select * from tests.table_fingerprints();

select set_config('app.job_run_id', '42', true);
select tests.authenticate_as(tests.uuid('bad input mia'));
select throws_ok(
  $$ update public.peer_mentors set status = 'paused' where user_id = tests.uuid('bad input mia') $$,
  'PM001', 'app.job_run_id must be a uuid (got ''42'')', 'a mentor pausing itself under app.job_run_id = 42 gets PM001');

select tests.authenticate_as(tests.uuid('bad input cora'));
select throws_ok(
  $$ update public.peer_mentors set status = 'inactive' where user_id = tests.uuid('bad input mia') $$,
  'PM001', 'app.job_run_id must be a uuid (got ''42'')', 'a coordinator setting inactive under app.job_run_id = 42 gets PM001');

select set_config('app.job_run_id', '{00000000-0000-0000-0000-00000000000}', true);
select tests.authenticate_as_service_role();
select throws_ok(
  $$ update public.peer_mentors set status = 'paused' where user_id = tests.uuid('bad input mia') $$,
  'PM001', null, 'the service role under a malformed (35-digit) uuid gets PM001');

select set_config('app.job_run_id', 'null', true);
select throws_ok(
  $$ insert into public.peer_mentors (user_id) values (tests.uuid('bad input cora')) $$,
  'PM001', 'app.job_run_id must be a uuid (got ''null'')', 'adding a mentor under app.job_run_id = ''null'' (the word) gets PM001');

select set_config('app.job_run_id', '', true);
select tests.clear_authentication();
select throws_ok(
  $$ select set_config('app.job_run_id', 'x', true); update public.peer_mentors set status = 'paused' $$,
  'PM001', null, 'the owner under a non-uuid app.job_run_id gets PM001 too');

select tests.clear_authentication();
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select * from finish();
rollback;
