-- Bad input: a status that is not one of mentor_status's values is 22P02 (invalid_text_representation) for
-- every caller and every statement that takes one, and changes nothing.
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

select tests.authenticate_as(tests.uuid('bad input mia'));
select throws_ok(
  $$ update public.peer_mentors set status = 'on_leave' where user_id = tests.uuid('bad input mia') $$,
  '22P02', null, 'a mentor setting its status to an unknown value gets 22P02');

select tests.authenticate_as(tests.uuid('bad input cora'));
select throws_ok(
  $$ update public.peer_mentors set status = 'Paused' where user_id = tests.uuid('bad input mia') $$,
  '22P02', null, 'a coordinator setting a wrongly cased status gets 22P02 (enum values are case-sensitive)');

select tests.authenticate_as_service_role();
select throws_ok(
  $$ update public.peer_mentors set status = '' where user_id = tests.uuid('bad input mia') $$,
  '22P02', null, 'the service role setting an empty status gets 22P02');
select throws_ok(
  $$ insert into public.peer_mentors (user_id, status) values (tests.uuid('bad input cora'), 'retired') $$,
  '22P02', null, 'inserting a mentor with an unknown status gets 22P02');
select throws_ok(
  $$ select * from public.peer_mentors where status = any ('{active,sleeping}') $$,
  '22P02', null, 'filtering on an unknown status gets 22P02');

select tests.clear_authentication();
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select * from finish();
rollback;
