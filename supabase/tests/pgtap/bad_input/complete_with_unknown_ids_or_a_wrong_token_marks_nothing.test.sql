-- Bad input: complete_coordinator_notifications with ids that name nothing, a null id list, a token that holds
-- no claim or a null token confirms nothing (returns 0) and changes nothing; a token that is not a uuid is 22P02.
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
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('bad input mia');
select tests.authenticate_as_service_role();
select count(*) from public.claim_coordinator_notifications(10000);
select tests.clear_authentication();

-- Everything a refused statement could touch, fingerprinted before and compared at the end.
create temporary table state_before on commit drop as select * from tests.table_fingerprints();

select tests.authenticate_as_service_role();
select is(public.complete_coordinator_notifications(array[-1, -2]::bigint[],
            (select claim_token from public.coordinator_notifications where coordinator_id = tests.uuid('bad input cora') limit 1)),
  0, 'unknown ids confirm nothing');
select is(public.complete_coordinator_notifications(
            (select array_agg(id) from public.coordinator_notifications where coordinator_id = tests.uuid('bad input cora')),
            tests.uuid('not the claim token')),
  0, 'the right ids with a token that holds no claim confirm nothing');
select is(public.complete_coordinator_notifications(null, tests.uuid('not the claim token')), 0, 'a null id list confirms nothing');
select is(public.complete_coordinator_notifications(
            (select array_agg(id) from public.coordinator_notifications where coordinator_id = tests.uuid('bad input cora')), null),
  0, 'a null token confirms nothing');
select throws_ok($$ select public.complete_coordinator_notifications('{1}', 'token-1') $$,
  '22P02', null, 'a token that is not a uuid gets 22P02');

select tests.clear_authentication();
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select * from finish();
rollback;
