-- Bad input: every foreign key refuses an id that names nothing with 23503 (foreign_key_violation), whoever
-- writes it, and nothing changes.
begin;
select plan(10);

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
select throws_ok($$ insert into public.chapters (organization_id, name) values (tests.uuid('no such org'), 'x') $$,
  '23503', null, 'a chapter of an unknown organisation gets 23503');
select throws_ok($$ insert into public.users (id, full_name) values (tests.uuid('no such auth user'), 'x') $$,
  '23503', null, 'a profile without its auth user gets 23503');
select throws_ok(
  $$ insert into public.chapter_memberships (chapter_id, user_id, role)
      values (tests.uuid('no such chapter'), tests.uuid('bad input mia'), 'peer_mentor') $$,
  '23503', null, 'a membership of an unknown chapter gets 23503');
select throws_ok(
  $$ insert into public.chapter_memberships (chapter_id, user_id, role)
      values (tests.uuid('chapter:bad input chapter'), tests.uuid('no such user'), 'peer_mentor') $$,
  '23503', null, 'a membership of an unknown user gets 23503');
select throws_ok($$ insert into public.peer_mentors (user_id) values (tests.uuid('no such user')) $$,
  '23503', null, 'a mentor for an unknown user gets 23503');
select throws_ok($$ update public.peer_mentors set user_id = tests.uuid('no such user') where user_id = tests.uuid('bad input mia') $$,
  '23503', null, 'moving a mentor to an unknown user gets 23503');

select tests.clear_authentication();
-- The table's own checks, as a backfill would meet them: only the owner's explicit opt-in reaches them (PM202 otherwise).
select set_config('app.history_backfill', txid_current()::text, true);
select throws_ok(
  $$ insert into public.peer_mentor_status_history (mentor_id, new_status) values (tests.uuid('no such mentor'), 'active') $$,
  '23503', null, 'a history row for an unknown mentor gets 23503');
select throws_ok(
  $$ insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, job_run_id, changed_at)
      values (tests.uuid('mentor:' || tests.uuid('bad input mia')), 'active', 'paused', tests.uuid('no such run'), '2099-01-01') $$,
  '23503', null, 'a history row naming an unknown job run gets 23503');
select set_config('app.history_backfill', '', true);
select throws_ok(
  $$ insert into public.coordinator_notifications (history_id, coordinator_id)
      values (-1, tests.uuid('bad input cora')) $$,
  '23503', null, 'a notification about an unknown history row gets 23503');

select tests.clear_authentication();
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select * from finish();
rollback;
