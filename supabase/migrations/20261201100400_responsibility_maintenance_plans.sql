-- Responsibility maintenance and the history policy: plans that do not depend on the statistics, and no work
-- where nothing can move (measured by `npm run bench`, (4b) and (8); bench/README.md).
--
--   * private.refresh_mentor_scopes drives from the mentor ids it is given (unnest of the array: the planner
--     knows a parameter array's length), joined in the written order (join_collapse_limit = 1) with index
--     nested loops only. Right after a bulk load, before ANALYZE, chapter_memberships was believed to hold
--     100 rows, so the plan started from all of them (37k rows, each checked against a 1,000-element array):
--     315 ms for a chapter of 1,000 mentors.
--   * A coordinator membership added, ended or deleted refreshes the mentors of its chapter only when the
--     chapter has at most one active coordinator before or after the statement: with two or more on both
--     sides, every mentor of the chapter has a coordinator other than itself either way, so no mentor's scopes
--     can move (the coordinator_scopes rows alone carry the change).
--   * The history policy's EXISTS gets OFFSET 0, which keeps the planner from converting it into a hashed set
--     of every mentor the caller may see (its choice before ANALYZE; 100k mentors for an organisation-fallback
--     coordinator): always one probe of the relation per history row read.
set lock_timeout = '3s';
set statement_timeout = '10min';

-- ALTER POLICY locks the history (ACCESS EXCLUSIVE, milliseconds); in the app's order, users first.
do $$
begin
  lock table public.users, public.peer_mentor_status_history in access exclusive mode;
end
$$;

create or replace function private.refresh_mentor_scopes(p_mentor_ids uuid[]) returns void
language plpgsql
volatile
security invoker -- called by the definer trigger functions
set search_path = ''
set enable_hashjoin = off
set enable_mergejoin = off
set join_collapse_limit = 1
as $$
begin
  if coalesce(pg_catalog.cardinality(p_mentor_ids), 0) = 0 then
    return;
  end if;
  execute 'delete from private.mentor_scopes s where s.mentor_id = any ($1)' using p_mentor_ids;
  -- From the ids, in this order, index nested loops only (see the migration's header): linear in the rows
  -- touched whatever the statistics say. "Another coordinator in this chapter" is one index probe into
  -- coordinator_scopes (refreshed first by the caller) per mentor chapter; a mentor is looked after through
  -- its chapters when any of them has one (bool_or over the mentor's rows), else through their organisations.
  execute $q$
    insert into private.mentor_scopes (mentor_id, via, scope_id, mentor_user_id)
    select distinct f.mentor_id,
           case when f.direct then 'chapter' else 'organisation' end::private.responsibility_via,
           case when f.direct then f.chapter_id else f.organization_id end,
           f.user_id
      from (
        select pm.id as mentor_id, pm.user_id, m.chapter_id, c.organization_id,
               pg_catalog.bool_or(exists (
                 select 1 from private.coordinator_scopes k
                  where k.via = 'chapter' and k.scope_id = m.chapter_id and k.coordinator_id <> pm.user_id
               )) over (partition by pm.id) as direct
          from (select distinct t.id from unnest($1::uuid[]) as t (id)) as t
          join public.peer_mentors pm on pm.id = t.id
          join public.chapter_memberships m on m.user_id = pm.user_id and m.role = 'peer_mentor' and m.is_active
          join public.chapters c on c.id = m.chapter_id
      ) as f
  $q$ using p_mentor_ids;
end;
$$;
comment on function private.refresh_mentor_scopes(uuid[]) is
  'Recomputes the mentor_scopes rows of the given mentors from committed data (index nested loops from the ids, whatever the statistics).';

create or replace function private.maintain_responsibility_on_membership_change() returns trigger
language plpgsql
volatile
security definer -- writes the private tables, which no API role can touch
set search_path = ''
set enable_hashjoin = off -- index nested loops only: see private.refresh_mentor_scopes
set enable_mergejoin = off
as $$
declare
  -- The rows the statement touched, before and after, over its transition tables.
  v_before text := case tg_op when 'INSERT' then 'select null::uuid as chapter_id, null::uuid as user_id, null::public.chapter_role as role, false as is_active where false'
                              else 'select chapter_id, user_id, role, is_active from old_rows' end;
  v_after text := case tg_op when 'DELETE' then 'select null::uuid as chapter_id, null::uuid as user_id, null::public.chapter_role as role, false as is_active where false'
                             else 'select chapter_id, user_id, role, is_active from new_rows' end;
  v_coord_chapters uuid[];
  v_coord_users uuid[];
  v_moved_chapters uuid[];
  v_mentors uuid[];
begin
  perform private.lock_responsibility();

  -- Coordinator memberships touched: their coordinator_scopes rows are recomputed.
  execute pg_catalog.format($q$
    select array_agg(t.chapter_id), array_agg(t.user_id)
      from (%s union %s) t where t.role = 'coordinator'
  $q$, v_before, v_after) into v_coord_chapters, v_coord_users;
  if v_coord_chapters is not null then
    perform private.refresh_coordinator_scopes(v_coord_chapters, v_coord_users);
    -- Chapters whose mentors may move: at most one active coordinator before or after the statement.
    -- After: coordinator_scopes now. Before: after, minus the touched coordinators active after, plus the
    -- touched coordinators active before.
    execute pg_catalog.format($q$
      with touched as (select distinct unnest($1::uuid[]) as chapter_id),
           before_rows as (%s), after_rows as (%s)
      select array_agg(t.chapter_id)
        from touched t
       cross join lateral (
         select (select pg_catalog.count(*) from private.coordinator_scopes k
                  where k.via = 'chapter' and k.scope_id = t.chapter_id) as now_n,
                (select pg_catalog.count(distinct a.user_id) from after_rows a
                  where a.chapter_id = t.chapter_id and a.role = 'coordinator' and a.is_active) as touched_after,
                (select pg_catalog.count(distinct b.user_id) from before_rows b
                  where b.chapter_id = t.chapter_id and b.role = 'coordinator' and b.is_active) as touched_before
       ) as n
       where least(n.now_n, n.now_n - n.touched_after + n.touched_before) <= 1
    $q$, v_before, v_after) into v_moved_chapters using v_coord_chapters;
  end if;

  -- The mentors whose scopes may have moved: the peer_mentor members touched, and every mentor of a chapter
  -- whose "another coordinator" may have changed.
  execute pg_catalog.format($q$
    select array_agg(distinct x.id) from (
      select pm.id from (%s union %s) t join public.peer_mentors pm on pm.user_id = t.user_id
       where t.role = 'peer_mentor'
      union all
      select pm.id
        from public.chapter_memberships m
        join public.peer_mentors pm on pm.user_id = m.user_id
       where m.chapter_id = any ($1) and m.role = 'peer_mentor' and m.is_active
    ) as x
  $q$, v_before, v_after) into v_mentors using coalesce(v_moved_chapters, '{}');
  perform private.refresh_mentor_scopes(v_mentors);
  return null;
end;
$$;
comment on function private.maintain_responsibility_on_membership_change() is
  'AFTER INSERT/UPDATE/DELETE statement trigger on chapter_memberships: refreshes the coordinator scopes of the coordinator memberships touched, and the mentor scopes of the peer_mentor members touched and of every mentor of a chapter left with, or coming from, at most one active coordinator.';

alter policy peer_mentor_status_history_select_visible on public.peer_mentor_status_history
  using (exists (select 1 from private.visible_mentors v where v.mentor_id = peer_mentor_status_history.mentor_id offset 0));
