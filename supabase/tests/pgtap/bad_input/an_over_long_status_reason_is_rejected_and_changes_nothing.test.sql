-- Bad input: a status_reason over 500 characters is 23514 (status_reason_is_short) for every caller, with a
-- status change or on insert, and the history refuses an over-long reason too (reason_is_short); a reason-only
-- update is PM104 whatever its length (the status rule runs before the check); nothing changes.
begin;
select plan(7);

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

select tests.authenticate_as(tests.uuid('bad input mia'));
select throws_ok(
  $$ update public.peer_mentors set status = 'paused', status_reason = repeat('x', 501)
      where user_id = tests.uuid('bad input mia') $$,
  '23514', null, 'a mentor pausing itself with a 501-character reason gets 23514');

select tests.authenticate_as(tests.uuid('bad input cora'));
select throws_ok(
  $$ update public.peer_mentors set status = 'inactive', status_reason = repeat('é', 501)
      where user_id = tests.uuid('bad input mia') $$,
  '23514', null, 'a coordinator setting inactive with a 501-character reason (multi-byte characters count once) gets 23514');
select throws_ok(
  $$ update public.peer_mentors set status_reason = repeat('é', 501) where user_id = tests.uuid('bad input mia') $$,
  'PM104', null, 'a coordinator''s reason-only update with a 501-character reason gets PM104 (a reason changes only with its status)');

select tests.authenticate_as_service_role();
select throws_ok(
  $$ insert into public.peer_mentors (user_id, status_reason) values (tests.uuid('bad input cora'), repeat('x', 10000)) $$,
  '23514', null, 'inserting a mentor with a 10000-character reason gets 23514');

select tests.clear_authentication();
-- The table's own checks, as a backfill would meet them: only the owner's explicit opt-in reaches them (PM202 otherwise).
select set_config('app.history_backfill', txid_current()::text, true);
select throws_ok(
  $$ insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, reason, changed_at)
      values (tests.uuid('mentor:' || tests.uuid('bad input mia')), 'active', 'paused', repeat('x', 501), '2099-01-01') $$,
  '23514', null, 'even the owner cannot write a history row with a 501-character reason (23514)');
select set_config('app.history_backfill', '', true);

select lives_ok(
  $$ select 1 from public.peer_mentors where status_reason = repeat('x', 501) $$,
  'reading with an over-long value is not an error (only storing one is)');

select tests.clear_authentication();
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select * from finish();
rollback;
