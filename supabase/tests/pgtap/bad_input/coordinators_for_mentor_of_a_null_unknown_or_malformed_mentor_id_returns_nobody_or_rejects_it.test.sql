-- Bad input: coordinators_for_mentor(null) and of an id that names no mentor return the empty set (not an
-- error, not everyone); an id that is not a uuid is 22P02. It changes nothing.
begin;
select plan(5);

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

select tests.authenticate_as_service_role();
select isnt_empty($$ select * from public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('bad input mia'))) $$,
  'the fixture mentor has a coordinator (the empty results below are not vacuous)');
select is_empty($$ select * from public.coordinators_for_mentor(null) $$, 'a null mentor id returns nobody');
select is_empty($$ select * from public.coordinators_for_mentor(tests.uuid('no such mentor')) $$, 'an unknown mentor id returns nobody');
select throws_ok($$ select * from public.coordinators_for_mentor('mentor-1') $$,
  '22P02', null, 'a mentor id that is not a uuid gets 22P02');

select tests.clear_authentication();
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select * from finish();
rollback;
