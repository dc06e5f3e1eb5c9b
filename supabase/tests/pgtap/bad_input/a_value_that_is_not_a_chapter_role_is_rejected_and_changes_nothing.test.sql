-- Bad input: a membership role that is not one of chapter_role's values is 22P02 and changes nothing.
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

-- Everything a refused statement could touch, fingerprinted before and compared at the end.
create temporary table state_before on commit drop as select * from tests.table_fingerprints();

select tests.authenticate_as_service_role();
select throws_ok(
  $$ insert into public.chapter_memberships (chapter_id, user_id, role)
      values (tests.uuid('chapter:bad input chapter'), tests.uuid('bad input cora'), 'admin') $$,
  '22P02', null, 'a membership with an unknown role gets 22P02');
select throws_ok(
  $$ update public.chapter_memberships set role = 'mentor' where user_id = tests.uuid('bad input mia') $$,
  '22P02', null, 'changing a membership to an unknown role gets 22P02');

select tests.clear_authentication();
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select * from finish();
rollback;
