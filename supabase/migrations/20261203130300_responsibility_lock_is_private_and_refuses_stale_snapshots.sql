-- The responsibility relation's lock: a row no API role can touch, and maintenance refused (PM601) where its
-- snapshot is older than a change it must build on. Issue 18, hole 2 and "the relation's lock".
--
-- 1. The lock. Maintenance was serialised by pg_advisory_xact_lock(20557, 1), which any role with raw SQL can
--    take too (pg_advisory_lock is executable by PUBLIC): a signed-in user holding it stalled every membership
--    change. Now it is the row of private.responsibility_guard, locked (and rewritten) by the maintenance
--    functions as their owner; the API roles have no privilege on that table, so they cannot lock it.
--
-- 2. Isolation levels. Maintenance recomputes mentors from what its snapshot shows. At READ COMMITTED every
--    statement takes a new snapshot after the lock is granted, so it sees every earlier maintainer's commit. At
--    REPEATABLE READ and SERIALIZABLE the snapshot is the transaction's first one: a maintainer that committed
--    after it (while this transaction waited for the lock, or before) is invisible, and the recomputation
--    was wrong (three extra pairs in the review's two-session race, and no serialization failure at
--    SERIALIZABLE). Exact means: no change the maintenance builds on committed after its snapshot. Detected:
--      * every maintainer rewrites the guard row (holder = its transaction id), once per transaction; a
--        transaction whose snapshot cannot see the latest version of that row (a maintainer committed after its
--        snapshot) gets a serialization failure when it locks it, turned into PM601;
--      * the one writer that does not take the lock, a sign-up (a new mentor whose user has no membership yet,
--        which locks only its users row), records its user in private.responsibility_user_marks (an upsert:
--        a new row version), and a maintainer at REPEATABLE READ / SERIALIZABLE upserts the marks of every user
--        whose memberships it touches, so a sign-up it cannot see is a serialization failure there too (PM601);
--      * at REPEATABLE READ / SERIALIZABLE a new mentor always takes the relation's lock (no sign-up shortcut:
--        its "does the user have a membership" check would read an old snapshot).
--    So maintenance at those levels is refused exactly when a change it must build on committed after its
--    snapshot, with PM601 and nothing changed; otherwise it runs and is exact. Retrying the transaction (or
--    running it at READ COMMITTED, as PostgREST and pg_cron do) succeeds.
--
-- New tables only, and function bodies: no lock on an existing table.
set lock_timeout = '3s';
set statement_timeout = '10min';

create table private.responsibility_guard (
  id boolean primary key default true,
  holder xid8,
  locked_at timestamptz,
  constraint responsibility_guard_is_one_row check (id)
);
comment on table private.responsibility_guard is
  'One row: the responsibility relation''s lock. Every maintainer locks and rewrites it (private.lock_responsibility()), so maintenance is serialised, and a REPEATABLE READ or SERIALIZABLE maintainer whose snapshot misses a newer version is refused (PM601). No API role may read or lock it.';
comment on column private.responsibility_guard.id is 'Always true: the table has one row.';
comment on column private.responsibility_guard.holder is 'The transaction that last maintained the relation (pg_current_xact_id()), so a transaction rewrites the row once, however many statements it runs.';
comment on column private.responsibility_guard.locked_at is 'When that transaction took the lock.';
insert into private.responsibility_guard (id) values (true);

create table private.responsibility_user_marks (
  user_id uuid primary key references public.users (id) on delete cascade,
  marked_at timestamptz not null default pg_catalog.clock_timestamp()
);
comment on table private.responsibility_user_marks is
  'A row per user whose mentor signed up without the relation''s lock (rewritten at each such sign-up) or whose memberships a REPEATABLE READ / SERIALIZABLE maintainer changed: the version a stale snapshot cannot see, so such a maintainer is refused (PM601) instead of missing the new mentor.';
comment on column private.responsibility_user_marks.user_id is 'The user (users.id); deleted with it.';
comment on column private.responsibility_user_marks.marked_at is 'When it was last marked.';

alter table private.responsibility_guard enable row level security;
alter table private.responsibility_user_marks enable row level security;
revoke all on table private.responsibility_guard, private.responsibility_user_marks from public, anon, authenticated, service_role;

create or replace function private.lock_responsibility() returns void
language plpgsql
volatile
security invoker -- called by the definer maintenance functions: runs as their owner, who alone may lock the row
set search_path = ''
as $$
declare
  v_holder xid8;
begin
  -- At REPEATABLE READ / SERIALIZABLE, a version of the row newer than this transaction's snapshot (a maintainer
  -- committed after it) is a serialization failure here, before anything is recomputed. (At READ COMMITTED the
  -- lock waits for the holder, then sees its commit.)
  select g.holder into v_holder from private.responsibility_guard g where g.id for no key update;
  if not found then
    -- A database built without the migration's row (e.g. from supabase/schemas/): made once, then locked.
    insert into private.responsibility_guard (id) values (true) on conflict (id) do nothing;
    select g.holder into v_holder from private.responsibility_guard g where g.id for no key update;
  end if;
  if v_holder is distinct from pg_catalog.pg_current_xact_id() then
    update private.responsibility_guard
       set holder = pg_catalog.pg_current_xact_id(), locked_at = pg_catalog.clock_timestamp()
     where id;
  end if;
exception when serialization_failure then
  raise exception 'the responsibility relation cannot be kept exact at % for this change: another transaction changed memberships or mentors after this transaction''s snapshot was taken',
      pg_catalog.upper(pg_catalog.current_setting('transaction_isolation'))
    using errcode = 'PM601',
          hint = 'retry the transaction, or run membership and mentor changes at READ COMMITTED (as PostgREST and pg_cron do); nothing was changed';
end;
$$;
comment on function private.lock_responsibility() is
  'Serialises the maintenance of the responsibility relation: locks and rewrites the row of private.responsibility_guard (once per transaction), which no API role can lock. At REPEATABLE READ or SERIALIZABLE, a snapshot older than the last maintainer''s commit is refused with PM601.';

create function private.check_responsibility_users(p_user_ids uuid[]) returns void
language plpgsql
volatile
security invoker -- called by the definer maintenance functions
set search_path = ''
as $$
begin
  if pg_catalog.current_setting('transaction_isolation') = 'read committed'
     or coalesce(pg_catalog.cardinality(p_user_ids), 0) = 0 then
    return;
  end if;
  begin
    -- A mark written after this snapshot (a sign-up this transaction cannot see) is a serialization failure.
    insert into private.responsibility_user_marks (user_id)
    select distinct u.id from unnest(p_user_ids) as u (id) where u.id is not null
    on conflict (user_id) do nothing;
  exception when serialization_failure then
    raise exception 'the responsibility relation cannot be kept exact at % for this change: a mentor signed up after this transaction''s snapshot was taken',
        pg_catalog.upper(pg_catalog.current_setting('transaction_isolation'))
      using errcode = 'PM601',
            hint = 'retry the transaction, or run membership and mentor changes at READ COMMITTED (as PostgREST and pg_cron do); nothing was changed';
  end;
end;
$$;
comment on function private.check_responsibility_users(uuid[]) is
  'At REPEATABLE READ or SERIALIZABLE: refuses (PM601) a maintainer whose snapshot cannot see a sign-up of one of these users (its mark in private.responsibility_user_marks is newer). A no-op at READ COMMITTED.';

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
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed'
     or (select pg_catalog.count(*) from new_rows) > 100 then
    -- A bulk import, or a snapshot that is not fresh: take the relation's lock before looking (PM601 when a
    -- maintainer committed after this snapshot).
    perform private.lock_responsibility();
  else
    -- A sign-up: lock the users rows FOR UPDATE first. That waits for (and then blocks) any transaction
    -- adding a membership for these users, whose foreign-key check holds FOR KEY SHARE on the same rows.
    -- Then, with a fresh snapshot, only users who have a membership (any role, active or not: one being
    -- changed right now is visible) need the relation's lock, so sign-ups never wait for membership
    -- maintenance, nor for a backfill. The mark tells a REPEATABLE READ maintainer that cannot see this
    -- mentor to refuse rather than miss it.
    execute 'select 1 from public.users u where u.id in (select n.user_id from new_rows n) order by u.id for update';
    execute $q$
      insert into private.responsibility_user_marks (user_id)
      select distinct n.user_id from new_rows n order by n.user_id
      on conflict (user_id) do update set marked_at = excluded.marked_at
    $q$;
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
  'AFTER INSERT statement trigger on peer_mentors: computes the scopes of new mentors that already have peer_mentor memberships, under the relation''s lock. A sign-up (at most 100 rows, READ COMMITTED) locks only its users rows, and marks them for REPEATABLE READ maintainers.';

-- 20261201100500's body, with the REPEATABLE READ / SERIALIZABLE check of the users it touches.
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
  v_users uuid[];
begin
  perform private.lock_responsibility();
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    -- A sign-up of one of these users after this snapshot would be missed: refused instead (PM601).
    execute pg_catalog.format($q$select array_agg(distinct t.user_id) from (%s union %s) t$q$, v_before, v_after)
       into v_users;
    perform private.check_responsibility_users(v_users);
  end if;

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

revoke all on function private.lock_responsibility(), private.check_responsibility_users(uuid[])
  from public, anon, authenticated, service_role;
