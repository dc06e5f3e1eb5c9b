-- Bad input: run_certification_expiry_job(null) is 22004 (null_value_not_allowed) before anything happens:
-- no job_runs row (not even a failed one), no pause, no history, no notification.
begin;
select plan(4);

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
update public.peer_mentors set certification_expires_at = now() - interval '1 day'
 where user_id = tests.uuid('bad input mia');

-- Everything a refused statement could touch, fingerprinted before and compared at the end.
create temporary table state_before on commit drop as select * from tests.table_fingerprints();

select tests.authenticate_as_service_role();
select throws_ok($$ select public.run_certification_expiry_job(null) $$,
  '22004', 'run_certification_expiry_job: p_as_of must not be null', 'run_certification_expiry_job(null) gets 22004');
select throws_ok($$ select public.run_certification_expiry_job('yesterday-ish') $$,
  '22007', null, 'a p_as_of that is not a timestamp gets 22007 (invalid_datetime_format)');

select tests.clear_authentication();
select is((select status from public.peer_mentors where user_id = tests.uuid('bad input mia')), 'active'::public.mentor_status,
  'the expired mentor is still active');

select tests.clear_authentication();
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select * from finish();
rollback;
