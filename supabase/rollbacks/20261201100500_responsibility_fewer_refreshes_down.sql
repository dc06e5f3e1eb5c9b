-- Rollback of 20261201100500_responsibility_fewer_refreshes.sql: the memberships' maintenance trigger function
-- goes back to 20261201100400's definition (verbatim). Run it with:
--   npm run db:rollback -- 20261201100500
set lock_timeout = '3s';
set statement_timeout = '10min';

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
