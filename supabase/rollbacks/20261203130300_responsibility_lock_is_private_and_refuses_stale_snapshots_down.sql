-- Rollback of 20261203130300_responsibility_lock_is_private_and_refuses_stale_snapshots.sql: maintenance goes back to the advisory lock (which any role can hold) and to READ COMMITTED-only exactness: the functions get 20261201100000's and 20261201100500's bodies back (verbatim), the guard and marks tables go. Run it with:
--   npm run db:rollback -- 20261203130300
set lock_timeout = '3s';
set statement_timeout = '10min';

-- Locks first, in the app's order. Dropping responsibility_user_marks also takes ACCESS EXCLUSIVE on users (its
-- foreign key's triggers live there); taken after the marks, as the drops would, it deadlocked with a sign-up
-- that holds its users row and then marks it (the rehearsal's lock-order drill, 2026-12-03).
do $$
begin
  lock table public.users in access exclusive mode;
  lock table private.responsibility_user_marks, private.responsibility_guard in access exclusive mode;
end
$$;

create or replace function private.lock_responsibility() returns void
language sql
volatile
security invoker
set search_path = ''
as $$
  -- One key for the whole relation: (class 'PM' in ASCII, 1). Transaction-scoped: released at commit/rollback.
  select pg_catalog.pg_advisory_xact_lock(20557, 1);
$$;
comment on function private.lock_responsibility() is
  'Serialises the maintenance of the responsibility relation (transaction-scoped advisory lock): two transactions changing memberships of the same chapter recompute one after the other, each from committed data.';

create or replace function private.maintain_responsibility_on_mentor_insert() returns trigger
language plpgsql
volatile
security definer -- writes the private tables, which no API role can touch
set search_path = ''
set enable_hashjoin = off -- index nested loops only: see private.refresh_mentor_scopes
set enable_mergejoin = off
as $$
declare
  v_mentors uuid[];
begin
  if (select pg_catalog.count(*) from new_rows) > 100 then
    -- A bulk import: take the relation's lock before looking.
    perform private.lock_responsibility();
  else
    -- A sign-up: lock the users rows FOR UPDATE first. That waits for (and then blocks) any transaction
    -- adding a membership for these users, whose foreign-key check holds FOR KEY SHARE on the same rows.
    -- Then, with a fresh snapshot, only users who have a membership (any role, active or not: one being
    -- changed right now is visible) need the relation's lock, so sign-ups never wait for membership
    -- maintenance, nor for a backfill.
    execute 'select 1 from public.users u where u.id in (select n.user_id from new_rows n) order by u.id for update';
  end if;
  execute $q$
    select array_agg(n.id) from new_rows n
     where exists (select 1 from public.chapter_memberships m where m.user_id = n.user_id)
  $q$ into v_mentors;
  if v_mentors is null then
    return null; -- nothing to look after them from yet
  end if;
  perform private.lock_responsibility();
  perform private.refresh_mentor_scopes(v_mentors);
  return null;
end;
$$;
comment on function private.maintain_responsibility_on_mentor_insert() is
  'AFTER INSERT statement trigger on peer_mentors: computes the scopes of new mentors that already have peer_mentor memberships.';

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
  v_coordinator_users uuid[];
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
    -- Chapters whose mentors may all move: no active coordinator before or after the statement.
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
       where least(n.now_n, n.now_n - n.touched_after + n.touched_before) = 0
    $q$, v_before, v_after) into v_moved_chapters using v_coord_chapters;
    -- Elsewhere only a coordinator of the chapter who is also one of its mentors can move (its "another
    -- coordinator" depends on who the others are): its users, before and after.
    execute pg_catalog.format($q$
      select array_agg(distinct u.user_id) from (
        select k.coordinator_id as user_id from private.coordinator_scopes k
         where k.via = 'chapter' and k.scope_id = any ($1)
        union all
        select t.user_id from (%s union %s) t where t.role = 'coordinator'
      ) as u
    $q$, v_before, v_after) into v_coordinator_users using v_coord_chapters;
  end if;

  -- The mentors whose scopes may have moved: the peer_mentor members touched, every mentor of a chapter that
  -- had or has no coordinator, and the chapters' coordinators that are mentors themselves.
  execute pg_catalog.format($q$
    select array_agg(distinct x.id) from (
      select pm.id from (%s union %s) t join public.peer_mentors pm on pm.user_id = t.user_id
       where t.role = 'peer_mentor'
      union all
      select pm.id
        from public.chapter_memberships m
        join public.peer_mentors pm on pm.user_id = m.user_id
       where m.chapter_id = any ($1) and m.role = 'peer_mentor' and m.is_active
      union all
      select pm.id from public.peer_mentors pm where pm.user_id = any ($2)
    ) as x
  $q$, v_before, v_after) into v_mentors using coalesce(v_moved_chapters, '{}'), coalesce(v_coordinator_users, '{}');
  perform private.refresh_mentor_scopes(v_mentors);
  return null;
end;
$$;
comment on function private.maintain_responsibility_on_membership_change() is
  'AFTER INSERT/UPDATE/DELETE statement trigger on chapter_memberships: refreshes the coordinator scopes of the coordinator memberships touched, and the mentor scopes of the peer_mentor members touched, of every mentor of a chapter left with, or coming from, no active coordinator, and of the chapters'' coordinators who are mentors themselves.';

drop function private.check_responsibility_users(uuid[]);
-- The guard and the marks are internal tables no client reads: dropping them is the rollback.
-- squawk-ignore ban-drop-table
drop table private.responsibility_user_marks;
-- the same for the guard
-- squawk-ignore ban-drop-table
drop table private.responsibility_guard;
