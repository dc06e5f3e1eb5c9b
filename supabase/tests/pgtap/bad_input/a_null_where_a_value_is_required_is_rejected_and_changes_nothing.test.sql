-- Bad input: null in a column that requires a value is 23502 (not_null_violation) on every table, for the
-- service role and the owner alike, and changes nothing.
begin;
select plan(14);

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
select throws_ok($$ insert into public.organizations (name) values (null) $$,
  '23502', null, 'organizations.name cannot be null');
select throws_ok($$ insert into public.chapters (organization_id, name) values (null, 'x') $$,
  '23502', null, 'chapters.organization_id cannot be null');
select throws_ok($$ update public.chapters set name = null where id = tests.uuid('chapter:bad input chapter') $$,
  '23502', null, 'chapters.name cannot be set to null');
select throws_ok($$ update public.users set created_at = null where id = tests.uuid('bad input mia') $$,
  '23502', null, 'users.created_at cannot be set to null');
select throws_ok(
  $$ insert into public.chapter_memberships (chapter_id, user_id, role)
      values (tests.uuid('chapter:bad input chapter'), tests.uuid('bad input mia'), null) $$,
  '23502', null, 'chapter_memberships.role cannot be null');
select throws_ok($$ update public.chapter_memberships set is_active = null where user_id = tests.uuid('bad input mia') $$,
  '23502', null, 'chapter_memberships.is_active cannot be set to null');
select throws_ok($$ insert into public.peer_mentors (user_id) values (null) $$,
  '23502', null, 'peer_mentors.user_id cannot be null');
select throws_ok($$ update public.peer_mentors set status = null where user_id = tests.uuid('bad input mia') $$,
  '23502', null, 'peer_mentors.status cannot be set to null by the service role');
select throws_ok($$ insert into public.job_runs (job_name) values (null) $$,
  '23502', null, 'job_runs.job_name cannot be null');
select throws_ok($$ insert into public.job_runs (job_name, status) values ('x', null) $$,
  '23502', null, 'job_runs.status cannot be null');

select tests.authenticate_as(tests.uuid('bad input mia'));
select throws_ok($$ update public.peer_mentors set status = null where user_id = tests.uuid('bad input mia') $$,
  '23502', null, 'peer_mentors.status cannot be set to null by the mentor itself');

select tests.clear_authentication();
-- The table's own checks, as a backfill would meet them: only the owner's explicit opt-in reaches them (PM202 otherwise).
select set_config('app.history_backfill', txid_current()::text, true);
select throws_ok(
  $$ insert into public.peer_mentor_status_history (mentor_id, new_status, changed_at)
      values (tests.uuid('mentor:' || tests.uuid('bad input mia')), null, '2099-01-01') $$,
  '23502', null, 'peer_mentor_status_history.new_status cannot be null');
select set_config('app.history_backfill', '', true);
select throws_ok(
  $$ insert into public.coordinator_notifications (history_id, coordinator_id)
      select h.id, null from public.peer_mentor_status_history h limit 1 $$,
  '23502', null, 'coordinator_notifications.coordinator_id cannot be null');

select tests.clear_authentication();
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select * from finish();
rollback;
