-- Post-migration smoke test for peer_mentor_status_history: exactly the five checks of the planning card
-- (epic-peer-mentor-pause-foundation-task-002, "Testing Requirements").
--
-- Runs against ANY database that has the migrations (a throwaway one under `npm test`, staging or production
-- through `npm run smoke -- <database-url>`), so it is self-contained:
--   * no `tests` helper schema: its own fixtures, with fixed uuids, created inside the transaction;
--   * pgTAP is created here if the database lacks it (CREATE EXTENSION is transactional: rolled back below);
--   * everything ends in ROLLBACK: it leaves no rows behind (scripts/smoke.ts compares row counts to prove it).
--     The one non-transactional effect is that identity values used here are not handed out again.
-- Run it as the database owner (postgres): it writes the history directly, as only a backfill may: it opts in
-- below (app.history_backfill, transaction-local, so the opt-in ends with the rollback).
begin;
create extension if not exists pgtap with schema extensions;
-- pgTAP lives in `extensions` (Supabase's layout); don't depend on the connecting role's search_path.
set local search_path = public, extensions;
-- On a live database, give up quickly rather than queue behind (and so block) the app's own traffic.
set local lock_timeout = '5s';
set local statement_timeout = '60s';
-- Writing history directly is refused (PM202) unless the owner opts in for its transaction.
select set_config('app.history_backfill', txid_current()::text, true);

select plan(5);

-- Fixtures. The auth users carry only id and email; on a Supabase project a trigger on auth.users may
-- already have made the profile rows, hence `on conflict do nothing`.
insert into auth.users (id, email) values
  ('5e0c7e57-0000-4000-8000-000000000001', 'smoke-mentor-a@smoke-test.invalid'),
  ('5e0c7e57-0000-4000-8000-000000000002', 'smoke-mentor-b@smoke-test.invalid'),
  ('5e0c7e57-0000-4000-8000-000000000003', 'smoke-coordinator@smoke-test.invalid');
insert into public.users (id, full_name, email) values
  ('5e0c7e57-0000-4000-8000-000000000001', 'Smoke Mentor A', 'smoke-mentor-a@smoke-test.invalid'),
  ('5e0c7e57-0000-4000-8000-000000000002', 'Smoke Mentor B', 'smoke-mentor-b@smoke-test.invalid'),
  ('5e0c7e57-0000-4000-8000-000000000003', 'Smoke Coordinator', 'smoke-coordinator@smoke-test.invalid')
on conflict (id) do nothing;
-- Each insert also writes the mentor's first history row through the trigger (previous_status null,
-- reason null); the checks below tell their own rows apart by reason.
insert into public.peer_mentors (id, user_id) values
  ('5e0c7e57-0000-4000-8000-0000000000a1', '5e0c7e57-0000-4000-8000-000000000001'),
  ('5e0c7e57-0000-4000-8000-0000000000b1', '5e0c7e57-0000-4000-8000-000000000002');

-- (1) A history row with all the card's fields is stored and can be read back.
insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_by, changed_at, reason)
values ('5e0c7e57-0000-4000-8000-0000000000a1', 'active', 'paused', '5e0c7e57-0000-4000-8000-000000000003',
        '2099-01-05 09:00:00+00', 'smoke check 1: all fields');
select results_eq(
  $$
    select mentor_id, previous_status, new_status, changed_by, changed_at, reason
      from public.peer_mentor_status_history
     where mentor_id = '5e0c7e57-0000-4000-8000-0000000000a1' and reason = 'smoke check 1: all fields'
  $$,
  $$
    values ('5e0c7e57-0000-4000-8000-0000000000a1'::uuid, 'active'::public.mentor_status, 'paused'::public.mentor_status,
            '5e0c7e57-0000-4000-8000-000000000003'::uuid, '2099-01-05 09:00:00+00'::timestamptz,
            'smoke check 1: all fields'::text)
  $$,
  '(1) a history row with mentor_id, previous_status, new_status, changed_by, changed_at and reason reads back as written'
);

-- (2) changed_by may be null: a system action (service role, job, migration).
select lives_ok(
  $$
    insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_by, changed_at, reason)
    values ('5e0c7e57-0000-4000-8000-0000000000a1', 'paused', 'active', null,
            '2099-01-05 10:00:00+00', 'smoke check 2: system action')
  $$,
  '(2) a history row with changed_by null (a system action) is accepted'
);

-- (3) Deleting the mentor deletes its history (mentor_id ON DELETE CASCADE: GDPR erasure). Mentor A has
-- three rows here: its first row from the trigger and the rows of checks 1 and 2.
delete from public.peer_mentors where id = '5e0c7e57-0000-4000-8000-0000000000a1';
select is_empty(
  $$ select id from public.peer_mentor_status_history where mentor_id = '5e0c7e57-0000-4000-8000-0000000000a1' $$,
  '(3) deleting the peer_mentors row deletes its history rows (ON DELETE CASCADE)'
);

-- (4) Deleting the user who made a change keeps the row and clears changed_by (ON DELETE SET NULL).
insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_by, changed_at, reason)
values ('5e0c7e57-0000-4000-8000-0000000000b1', 'active', 'paused', '5e0c7e57-0000-4000-8000-000000000003',
        '2099-01-05 11:00:00+00', 'smoke check 4: changed by a user who is then deleted');
delete from public.users where id = '5e0c7e57-0000-4000-8000-000000000003';
select results_eq(
  $$
    select mentor_id, new_status, changed_by
      from public.peer_mentor_status_history
     where reason = 'smoke check 4: changed by a user who is then deleted'
  $$,
  $$ values ('5e0c7e57-0000-4000-8000-0000000000b1'::uuid, 'paused'::public.mentor_status, null::uuid) $$,
  '(4) deleting the changed_by user keeps the history row and sets its changed_by to null (ON DELETE SET NULL)'
);

-- (5) The mentor timeline query is an index scan on the composite index, with no Sort node.
-- The query is prepared with a $1 parameter and planned generically, as the app's parameterised call is.
-- Sequential and bitmap scans are switched off for this one plan, because the plan the planner picks
-- depends on statistics, not only on the index: on a small or never-analysed table (a fresh staging
-- database; these fixtures) it honestly prefers a seq scan, and where a mentor's rows are scattered over many
-- pages it may prefer a bitmap scan of this same index plus a Sort of those few rows. With both off, the only
-- plan without a Sort is an index scan that returns the rows in changed_at order, and the summary below shows
-- whether mentor_id is its index condition: what this check proves about the deployed schema. Neither setting
-- forces the index: without it the plan is a (disabled) Seq Scan under a Sort, an index on mentor_id alone
-- needs a Sort, and an index on changed_at alone shows mentor_id as a Filter. (That mentor_id is the leading
-- key is pinned by schema/history_timeline_index_is_mentor_id_then_changed_at_descending.)
-- The plan at realistic size, with no planner settings changed, is measured by the benchmark (npm run bench).
set local enable_seqscan = off;
set local enable_bitmapscan = off;
set local plan_cache_mode = force_generic_plan;
prepare smoke_mentor_timeline(uuid) as
  select * from public.peer_mentor_status_history where mentor_id = $1 order by changed_at desc;
do $$
declare
  v_plan json;
begin
  execute 'explain (format json) execute smoke_mentor_timeline(''5e0c7e57-0000-4000-8000-0000000000b1'')' into v_plan;
  perform pg_catalog.set_config('smoke.timeline_plan', v_plan::text, true);
end
$$;
deallocate smoke_mentor_timeline;
-- The plan, summarised node by node: type, index, index condition and any filter. An index that only
-- supplies the order (e.g. on changed_at alone) would show mentor_id as a Filter instead of an Index Cond.
select is(
  (select string_agg(node ->> 'Node Type'
                     || coalesce(' using ' || (node ->> 'Index Name'), '')
                     || coalesce(' cond ' || (node ->> 'Index Cond'), '')
                     || coalesce(' filter ' || (node ->> 'Filter'), ''),
                     ' -> ' order by n)
     from jsonb_path_query(current_setting('smoke.timeline_plan')::jsonb, 'strict $.** ? (exists (@."Node Type"))')
          with ordinality as p(node, n)),
  'Index Scan using peer_mentor_status_history_mentor_timeline_idx cond (mentor_id = $1)',
  '(5) where mentor_id = $1 order by changed_at desc is one Index Scan on peer_mentor_status_history_mentor_timeline_idx, by mentor_id, with no Sort'
);

select * from finish();
rollback;
