-- chapter_status_at: per mentor, the row in force is the last with changed_at <= the instant, ties broken by the
-- higher id; and "every mentor of a chapter" means its active peer_mentor memberships, so a former member does not
-- show up in the chapter's past. Kills two mutants of issue 18's mutation pass (no id tie-break; is_active
-- ignored). Run as the service role, which sees every row: RLS cannot hide the former member here.
begin;
select plan(3);

do $$
declare
  v_chapter uuid := tests.create_chapter(tests.create_organization('csa org'), 'csa chapter');
begin
  perform tests.add_membership(v_chapter, tests.create_user('csa mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('csa mia'));
  perform tests.add_membership(v_chapter, tests.create_user('csa former'), 'peer_mentor', false);
  perform tests.create_mentor(tests.uuid('csa former'));
end;
$$;

-- Two rows at one changed_at (only a backfill could write them; the trigger keeps changed_at strictly increasing
-- per mentor). Written by the owner opting in, as such a backfill would; the second (higher id) is in force.
select set_config('app.history_backfill', txid_current()::text, true);
insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
values (tests.uuid('mentor:' || tests.uuid('csa mia')), 'active', 'paused', '2030-01-01T00:00:00Z', 'first of the tie');
insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
values (tests.uuid('mentor:' || tests.uuid('csa mia')), 'paused', 'active', '2030-01-01T00:00:00Z', 'second of the tie');
select set_config('app.history_backfill', '', true);

select tests.authenticate_as_service_role();
select results_eq(
  $$ select status, reason from public.chapter_status_at(tests.uuid('chapter:csa chapter'), '2030-06-01T00:00:00Z')
      where mentor_id = tests.uuid('mentor:' || tests.uuid('csa mia')) $$,
  $$ values ('active'::public.mentor_status, 'second of the tie'::text) $$,
  'of two rows at one changed_at, the higher id is in force');
select is_empty(
  $$ select 1 from public.chapter_status_at(tests.uuid('chapter:csa chapter'), '2030-06-01T00:00:00Z')
      where mentor_id = tests.uuid('mentor:' || tests.uuid('csa former')) $$,
  'a former member (inactive membership) is not among the chapter''s mentors');
select results_eq(
  $$ select count(*) from public.chapter_status_at(tests.uuid('chapter:csa chapter'), '2030-06-01T00:00:00Z') $$,
  $$ values (1::bigint) $$,
  'the chapter has exactly its one current mentor');

select * from finish();
rollback;
