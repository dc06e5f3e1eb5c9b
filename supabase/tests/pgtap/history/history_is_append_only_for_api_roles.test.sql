-- The API roles hold no write privilege on the history at all: INSERT, UPDATE, DELETE and TRUNCATE are
-- refused with 42501 for the service role, signed-in users (even on their own history) and anon.
-- The history is written by the database's triggers only.
begin;
select plan(13);

select tests.create_mentor(tests.create_user('avery'));

select tests.authenticate_as_service_role();
select throws_ok(
  $$ insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status)
     values (tests.uuid('mentor:' || tests.uuid('avery')), 'active', 'paused') $$,
  '42501', null, 'the service role cannot insert history rows');
select throws_ok(
  $$ update public.peer_mentor_status_history set reason = 'edited' where mentor_id = tests.uuid('mentor:' || tests.uuid('avery')) $$,
  '42501', null, 'the service role cannot update history rows');
select throws_ok(
  $$ delete from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('avery')) $$,
  '42501', null, 'the service role cannot delete history rows');
select throws_ok(
  $$ truncate public.peer_mentor_status_history cascade $$,
  '42501', null, 'the service role cannot truncate the history');

select tests.authenticate_as(tests.uuid('avery'));
select throws_ok(
  $$ insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status)
     values (tests.uuid('mentor:' || tests.uuid('avery')), 'active', 'paused') $$,
  '42501', null, 'a signed-in mentor cannot insert into its own history');
select throws_ok(
  $$ update public.peer_mentor_status_history set reason = 'edited' where mentor_id = tests.uuid('mentor:' || tests.uuid('avery')) $$,
  '42501', null, 'a signed-in mentor cannot update its own history');
select throws_ok(
  $$ delete from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('avery')) $$,
  '42501', null, 'a signed-in mentor cannot delete its own history');
select throws_ok(
  $$ truncate public.peer_mentor_status_history cascade $$,
  '42501', null, 'a signed-in mentor cannot truncate the history');

select tests.authenticate_as_anon();
select throws_ok(
  $$ insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status)
     values (tests.uuid('mentor:' || tests.uuid('avery')), 'active', 'paused') $$,
  '42501', null, 'anon cannot insert history rows');
select throws_ok(
  $$ update public.peer_mentor_status_history set reason = 'edited' $$,
  '42501', null, 'anon cannot update history rows');
select throws_ok(
  $$ delete from public.peer_mentor_status_history $$,
  '42501', null, 'anon cannot delete history rows');
select throws_ok(
  $$ truncate public.peer_mentor_status_history cascade $$,
  '42501', null, 'anon cannot truncate the history');
select tests.clear_authentication();

select results_eq(
  $$ select previous_status, new_status, reason from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('avery')) $$,
  $$ values (null::public.mentor_status, 'active'::public.mentor_status, null::text) $$,
  'the mentor''s history is still its one untouched row'
);

select * from finish();
rollback;
