-- Bad input: claim_coordinator_notifications takes a limit in 1..10000 (else PM301) and a positive lease (else
-- PM302); malformed argument text is the type's own error. A refused claim claims nothing: no claimed_at,
-- claim_token or attempts change on any notification.
begin;
select plan(9);

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
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('bad input mia');

-- Everything a refused statement could touch, fingerprinted before and compared at the end.
create temporary table state_before on commit drop as select * from tests.table_fingerprints();

select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.claim_coordinator_notifications(0) $$,
  'PM301', null, 'a limit of 0 gets PM301');
select throws_ok($$ select * from public.claim_coordinator_notifications(10001) $$,
  'PM301', null, 'a limit of 10001 gets PM301');
select throws_ok($$ select * from public.claim_coordinator_notifications(null) $$,
  'PM301', null, 'a null limit gets PM301');
select throws_ok($$ select * from public.claim_coordinator_notifications(10, interval '0') $$,
  'PM302', null, 'a zero lease gets PM302');
select throws_ok($$ select * from public.claim_coordinator_notifications(10, interval '-1 second') $$,
  'PM302', null, 'a negative lease gets PM302');
select throws_ok($$ select * from public.claim_coordinator_notifications(10, null) $$,
  'PM302', null, 'a null lease gets PM302');
select throws_ok($$ select * from public.claim_coordinator_notifications(10, 'a while') $$,
  '22007', null, 'a lease that is not an interval gets 22007');
select isnt_empty($$ select 1 from public.coordinator_notifications where dispatched_at is null and claimed_at is null $$,
  'there was something to claim (the refusals were not vacuous)');

select tests.clear_authentication();
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select * from finish();
rollback;
