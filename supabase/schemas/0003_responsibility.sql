-- Responsibility: "which coordinators look after this mentor", one relation the database keeps current.
--
-- The contract ("Who may do what") defines it once: the coordinators responsible for a mentor are the users
-- other than the mentor itself with an active coordinator membership in a chapter where the mentor has an
-- active peer_mentor membership; where there are none, those (again other than the mentor) with an active
-- coordinator membership in any chapter of the organisations of those chapters; else nobody.
--
-- Stored in two small tables, joined by one view (the relation every reader uses):
--   private.mentor_scopes       (mentor, via, scope): where a mentor is looked after from. A mentor with a
--                                coordinator (other than itself) in one of its chapters has one row per active
--                                peer_mentor chapter (via 'chapter'); any other mentor one row per organisation
--                                of those chapters (via 'organisation', the fallback).
--   private.coordinator_scopes  (coordinator, via, scope, chapter): every active coordinator membership twice,
--                                once for its chapter and once for that chapter's organisation.
--   private.responsibilities    = mentor_scopes join coordinator_scopes on (via, scope), the mentor's own user
--                                excluded: (mentor, coordinator, via) pairs.
-- Why not one table of (mentor, coordinator) pairs: in an organisation whose chapters mostly have no
-- coordinator, every fallback mentor is paired with every coordinator of the organisation, so one coordinator
-- membership added or ended would rewrite ~100k pairs. Here it rewrites the scopes of that chapter's mentors
-- only, and the organisation's other fallback mentors follow through the join.
--
-- Kept current by statement-level triggers (set-based, transition tables) on chapter_memberships, chapters and
-- peer_mentors, in the same transaction as the change; users and organisations reach it through their
-- cascades. RLS (0008_rls.sql), the rules (0004_rules.sql), the outbox (0005_history.sql) and
-- coordinators_for_mentor read it, and only it. private.responsibility_differences() compares it with the
-- contract's definition computed from scratch.
--
-- Concurrency: maintenance recomputes the affected mentors from committed data, so two transactions that
-- change the same chapter must not interleave. Every maintaining trigger takes the relation's lock (the row of
-- private.responsibility_guard, which no API role can lock: private.lock_responsibility()) before it reads, then
-- reads with a fresh snapshot (READ COMMITTED, as Supabase runs); at REPEATABLE READ / SERIALIZABLE a snapshot
-- older than a change it builds on is refused (PM701, docs/responsibility-integrity.md). Membership changes are
-- administrative and short; status changes, the hot path, never take the lock. A new mentor whose user has no
-- memberships yet (sign-up) takes only a lock on its own users row (FOR UPDATE, which a concurrent membership
-- insert's foreign-key check conflicts with), and marks the user, so sign-ups never wait for membership
-- maintenance. TRUNCATE of any table the relation is computed from rebuilds it.

create table private.mentor_scopes (
  mentor_id uuid not null,
  via private.responsibility_via not null,
  scope_id uuid not null,
  mentor_user_id uuid not null,
  constraint mentor_scopes_pkey primary key (mentor_id, via, scope_id)
);
create index mentor_scopes_scope_idx on private.mentor_scopes (via, scope_id) include (mentor_id, mentor_user_id);
comment on table private.mentor_scopes is
  'Half of the responsibility relation: where each mentor is looked after from (its active peer_mentor chapters, or their organisations when none of them has another coordinator). Maintained by triggers; never written by hand.';
comment on column private.mentor_scopes.mentor_id is 'The mentor (peer_mentors.id). No foreign key: the peer_mentors triggers remove its rows.';
comment on column private.mentor_scopes.via is 'chapter: scope_id is a chapter; organisation: scope_id is an organisation (the fallback).';
comment on column private.mentor_scopes.scope_id is 'A chapter id or an organisation id, as via says.';
comment on column private.mentor_scopes.mentor_user_id is 'The mentor''s user id, so the relation can leave the mentor itself out (nobody coordinates itself).';

create table private.coordinator_scopes (
  via private.responsibility_via not null,
  scope_id uuid not null,
  coordinator_id uuid not null,
  chapter_id uuid not null,
  constraint coordinator_scopes_pkey primary key (via, scope_id, coordinator_id, chapter_id)
);
create index coordinator_scopes_coordinator_idx on private.coordinator_scopes (coordinator_id) include (via, scope_id);
create index coordinator_scopes_chapter_idx on private.coordinator_scopes (chapter_id, coordinator_id);
comment on table private.coordinator_scopes is
  'Half of the responsibility relation: every active coordinator membership twice, for its chapter (via chapter) and for that chapter''s organisation (via organisation). Maintained by triggers; never written by hand.';
comment on column private.coordinator_scopes.via is 'chapter or organisation, as in mentor_scopes.';
comment on column private.coordinator_scopes.scope_id is 'The membership''s chapter (via chapter) or that chapter''s organisation (via organisation).';
comment on column private.coordinator_scopes.coordinator_id is 'The coordinator (users.id).';
comment on column private.coordinator_scopes.chapter_id is 'The chapter of the coordinator membership this row comes from.';

-- Internal tables: RLS on with no policy, and no grants. Only the security definer functions below read them.
alter table private.mentor_scopes enable row level security;
alter table private.coordinator_scopes enable row level security;

-- The relation's lock (a row no API role can lock) and the marks of sign-ups that did not take it: see
-- private.lock_responsibility() and private.check_responsibility_users().
create table private.responsibility_guard (
  id boolean primary key default true,
  holder xid8,
  locked_at timestamptz,
  constraint responsibility_guard_is_one_row check (id)
);
comment on table private.responsibility_guard is
  'One row: the responsibility relation''s lock. Every maintainer locks and rewrites it (private.lock_responsibility()), so maintenance is serialised, and a REPEATABLE READ or SERIALIZABLE maintainer whose snapshot misses a newer version is refused (PM701). No API role may read or lock it.';
comment on column private.responsibility_guard.id is 'Always true: the table has one row.';
comment on column private.responsibility_guard.holder is 'The transaction that last maintained the relation (pg_current_xact_id()), so a transaction rewrites the row once, however many statements it runs.';
comment on column private.responsibility_guard.locked_at is 'When that transaction took the lock.';

create table private.responsibility_user_marks (
  user_id uuid primary key references public.users (id) on delete cascade,
  marked_at timestamptz not null default pg_catalog.clock_timestamp()
);
comment on table private.responsibility_user_marks is
  'A row per user whose mentor signed up without the relation''s lock (rewritten at each such sign-up) or whose memberships a REPEATABLE READ / SERIALIZABLE maintainer changed: the version a stale snapshot cannot see, so such a maintainer is refused (PM701) instead of missing the new mentor.';
comment on column private.responsibility_user_marks.user_id is 'The user (users.id); deleted with it.';
comment on column private.responsibility_user_marks.marked_at is 'When it was last marked.';
alter table private.responsibility_guard enable row level security;
alter table private.responsibility_user_marks enable row level security;

create view private.responsibilities as
select ms.mentor_id, ms.mentor_user_id, cs.coordinator_id, ms.via, ms.scope_id, cs.chapter_id
  from private.mentor_scopes ms
  join private.coordinator_scopes cs on cs.via = ms.via and cs.scope_id = ms.scope_id
 where cs.coordinator_id <> ms.mentor_user_id;
comment on view private.responsibilities is
  'The responsibility relation: (mentor, coordinator) pairs, with how (via chapter or organisation) and through which coordinator chapter. A pair can appear more than once (several shared chapters): readers use exists/distinct. RLS, the inactive rule, coordinators_for_mentor and the outbox read this, and only this.';

-- ---------------------------------------------------------------------------------------------------------
-- The contract's definition, computed from scratch (the oracle the maintained relation is checked against)
-- ---------------------------------------------------------------------------------------------------------
create function private.responsibility_from_scratch()
returns table (mentor_id uuid, coordinator_id uuid)
language sql
stable
security definer -- reads every membership; granted to nobody but the owner (tests, operators)
set search_path = ''
as $$
  with mentor_chapters as (
    select pm.id as mentor_id, pm.user_id, m.chapter_id, c.organization_id
      from public.peer_mentors pm
      join public.chapter_memberships m on m.user_id = pm.user_id and m.role = 'peer_mentor' and m.is_active
      join public.chapters c on c.id = m.chapter_id
  ),
  by_chapter as (
    select distinct mc.mentor_id, k.user_id as coordinator_id
      from mentor_chapters mc
      join public.chapter_memberships k
        on k.chapter_id = mc.chapter_id and k.role = 'coordinator' and k.is_active and k.user_id <> mc.user_id
  ),
  organisation_coordinators as (
    select distinct oc.organization_id, k.user_id
      from public.chapters oc
      join public.chapter_memberships k on k.chapter_id = oc.id and k.role = 'coordinator' and k.is_active
  ),
  by_organisation as (
    select distinct mc.mentor_id, k.user_id as coordinator_id
      from mentor_chapters mc
      join organisation_coordinators k on k.organization_id = mc.organization_id and k.user_id <> mc.user_id
     where not exists (select 1 from by_chapter b where b.mentor_id = mc.mentor_id)
  )
  select mentor_id, coordinator_id from by_chapter
  union
  select mentor_id, coordinator_id from by_organisation;
$$;
comment on function private.responsibility_from_scratch() is
  'The responsibility relation computed from the base tables by the contract''s wording, without the maintained tables: the oracle for private.responsibility_differences().';

create function private.responsibility_differences()
returns table (side text, mentor_id uuid, coordinator_id uuid)
language sql
stable
security definer -- reads the private tables; granted to nobody but the owner (tests, operators)
set search_path = ''
as $$
  with kept as (select distinct r.mentor_id, r.coordinator_id from private.responsibilities r),
       fresh as (select f.mentor_id, f.coordinator_id from private.responsibility_from_scratch() f)
  (select 'missing'::text, f.mentor_id, f.coordinator_id from fresh f
   except
   select 'missing', k.mentor_id, k.coordinator_id from kept k)
  union all
  (select 'extra'::text, k.mentor_id, k.coordinator_id from kept k
   except
   select 'extra', f.mentor_id, f.coordinator_id from fresh f);
$$;
comment on function private.responsibility_differences() is
  'Pairs the maintained relation lacks (missing) or has wrongly (extra) compared with the definition computed from scratch. Empty when maintenance is right; the randomised test and operators call it.';

-- ---------------------------------------------------------------------------------------------------------
-- Maintenance
-- ---------------------------------------------------------------------------------------------------------
create function private.lock_responsibility() returns void
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
    using errcode = 'PM701',
          hint = 'retry the transaction, or run membership and mentor changes at READ COMMITTED (as PostgREST and pg_cron do); nothing was changed';
end;
$$;
comment on function private.lock_responsibility() is
  'Serialises the maintenance of the responsibility relation: locks and rewrites the row of private.responsibility_guard (once per transaction), which no API role can lock. At REPEATABLE READ or SERIALIZABLE, a snapshot older than the last maintainer''s commit is refused with PM701.';

-- Every statement below is EXECUTEd: planned for the sizes at hand each time (a cached plan made for one row
-- would be reused for a 10k-row import, and the other way round), and with hash and merge joins off (see
-- private.refresh_mentor_scopes).
create function private.refresh_coordinator_scopes(p_chapter_ids uuid[], p_user_ids uuid[]) returns void
language plpgsql
volatile
security invoker -- called by the definer trigger functions below
set search_path = ''
set enable_hashjoin = off -- index nested loops only: see private.refresh_mentor_scopes
set enable_mergejoin = off
as $$
begin
  -- (p_chapter_ids[i], p_user_ids[i]) are the coordinator memberships that may have changed.
  execute $q$
    delete from private.coordinator_scopes s
     using unnest($1::uuid[], $2::uuid[]) as p (chapter_id, user_id)
     where s.chapter_id = p.chapter_id and s.coordinator_id = p.user_id
  $q$ using p_chapter_ids, p_user_ids;
  execute $q$
    insert into private.coordinator_scopes (via, scope_id, coordinator_id, chapter_id)
    select v.via, case v.via when 'chapter' then c.id else c.organization_id end, k.user_id, c.id
      from (select distinct * from unnest($1::uuid[], $2::uuid[])) as p (chapter_id, user_id)
      join public.chapter_memberships k
        on k.chapter_id = p.chapter_id and k.user_id = p.user_id and k.role = 'coordinator' and k.is_active
      join public.chapters c on c.id = k.chapter_id
     cross join (values ('chapter'::private.responsibility_via), ('organisation'::private.responsibility_via)) as v (via)
    on conflict do nothing
  $q$ using p_chapter_ids, p_user_ids;
end;
$$;
comment on function private.refresh_coordinator_scopes(uuid[], uuid[]) is
  'Recomputes the coordinator_scopes rows of the given (chapter, user) coordinator memberships from committed data.';

-- Maintenance reads a handful of rows per mentor touched: every join has an index on its key, and the plans
-- are driven from the mentor ids given (unnest of the array: the planner knows a parameter array's length),
-- joined in the written order (join_collapse_limit = 1) with index nested loops only (hash and merge joins
-- off, in these functions only). Linear in the rows touched whatever the statistics say: right after a bulk
-- load, before ANALYZE, a table believed empty or tiny would otherwise be scanned once per row (measured: a
-- 10k-row membership import took 12 s instead of 0.3 s; 315 ms for a chapter of 1,000 mentors).
create function private.refresh_mentor_scopes(p_mentor_ids uuid[]) returns void
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

-- A coordinator joining or leaving a chapter that keeps at least one coordinator moves no mentor of that
-- chapter but the chapter's own coordinators: for a mentor U of chapter X, "X has a coordinator other than U"
-- is true before and after such a change whenever X has at least one coordinator on both sides and U is not
-- one of them. So the mentors of X are all refreshed only when X had or has none; otherwise only X's
-- coordinators who are mentors themselves are (few rows). Measured by `npm run bench`, (8).
create function private.maintain_responsibility_on_membership_change() returns trigger
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
comment on function private.maintain_responsibility_on_membership_change() is
  'AFTER INSERT/UPDATE/DELETE statement trigger on chapter_memberships: refreshes the coordinator scopes of the coordinator memberships touched, and the mentor scopes of the peer_mentor members touched, of every mentor of a chapter left with, or coming from, no active coordinator, and of the chapters'' coordinators who are mentors themselves.';

create function private.maintain_responsibility_on_chapter_move() returns trigger
language plpgsql
volatile
security definer -- writes the private tables, which no API role can touch
set search_path = ''
set enable_hashjoin = off -- index nested loops only: see private.refresh_mentor_scopes
set enable_mergejoin = off
as $$
declare
  v_chapters uuid[];
  v_mentors uuid[];
begin
  select array_agg(n.id) into v_chapters
    from new_rows n join old_rows o on o.id = n.id
   where n.organization_id is distinct from o.organization_id;
  if v_chapters is null then
    return null;
  end if;
  perform private.lock_responsibility();
  execute $q$
    update private.coordinator_scopes s
       set scope_id = c.organization_id
      from public.chapters c
     where c.id = any ($1) and s.chapter_id = c.id and s.via = 'organisation' and s.scope_id <> c.organization_id
  $q$ using v_chapters;
  execute $q$
    select array_agg(distinct pm.id)
      from public.chapter_memberships m
      join public.peer_mentors pm on pm.user_id = m.user_id
     where m.chapter_id = any ($1) and m.role = 'peer_mentor' and m.is_active
  $q$ into v_mentors using v_chapters;
  perform private.refresh_mentor_scopes(v_mentors);
  return null;
end;
$$;
comment on function private.maintain_responsibility_on_chapter_move() is
  'AFTER UPDATE statement trigger on chapters: a chapter moved to another organisation moves its coordinators'' organisation scope and its mentors'' fallback scope. (A deleted chapter reaches the relation through its memberships'' cascade.)';

create function private.maintain_responsibility_on_mentor_insert() returns trigger
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

create function private.maintain_responsibility_on_mentor_delete() returns trigger
language plpgsql
volatile
security definer -- writes the private tables, which no API role can touch
set search_path = ''
as $$
begin
  perform private.lock_responsibility();
  execute 'delete from private.mentor_scopes s where s.mentor_id in (select o.id from old_rows o)';
  return null;
end;
$$;
comment on function private.maintain_responsibility_on_mentor_delete() is
  'AFTER DELETE statement trigger on peer_mentors: a deleted mentor (or its deleted user) leaves the relation.';

create function private.maintain_responsibility_on_mentor_user_change() returns trigger
language plpgsql
volatile
security definer -- writes the private tables, which no API role can touch
set search_path = ''
as $$
begin
  perform private.lock_responsibility();
  perform private.refresh_mentor_scopes(array[new.id]);
  return null;
end;
$$;
comment on function private.maintain_responsibility_on_mentor_user_change() is
  'AFTER UPDATE OF user_id row trigger on peer_mentors (only when user_id really changes): the mentor is recomputed for its new user.';

-- For data loaded with triggers disabled or with session_replication_role = replica (where ordinary triggers
-- do not fire): recomputes the relation whole.
create function private.rebuild_responsibility() returns table (coordinator_scopes bigint, mentor_scopes bigint)
language plpgsql
volatile
security definer -- rewrites the private tables; granted to nobody but the owner (operators, loaders)
set search_path = ''
as $$
begin
  perform private.lock_responsibility();
  delete from private.coordinator_scopes;
  delete from private.mentor_scopes;
  insert into private.coordinator_scopes (via, scope_id, coordinator_id, chapter_id)
  select v.via, case v.via when 'chapter' then c.id else c.organization_id end, k.user_id, c.id
    from public.chapter_memberships k
    join public.chapters c on c.id = k.chapter_id
   cross join (values ('chapter'::private.responsibility_via), ('organisation'::private.responsibility_via)) as v (via)
   where k.role = 'coordinator' and k.is_active;
  with mentor_chapters as (
    select pm.id as mentor_id, pm.user_id, m.chapter_id, c.organization_id
      from public.peer_mentors pm
      join public.chapter_memberships m on m.user_id = pm.user_id and m.role = 'peer_mentor' and m.is_active
      join public.chapters c on c.id = m.chapter_id
  ),
  direct as (
    select distinct mc.mentor_id
      from mentor_chapters mc
      join private.coordinator_scopes k
        on k.via = 'chapter' and k.scope_id = mc.chapter_id and k.coordinator_id <> mc.user_id
  )
  insert into private.mentor_scopes (mentor_id, via, scope_id, mentor_user_id)
  select distinct mc.mentor_id,
         case when d.mentor_id is not null then 'chapter' else 'organisation' end::private.responsibility_via,
         case when d.mentor_id is not null then mc.chapter_id else mc.organization_id end,
         mc.user_id
    from mentor_chapters mc
    left join direct d on d.mentor_id = mc.mentor_id;
  return query select (select pg_catalog.count(*) from private.coordinator_scopes),
                      (select pg_catalog.count(*) from private.mentor_scopes);
end;
$$;
comment on function private.rebuild_responsibility() is
  'Recomputes the whole responsibility relation from the base tables, under its lock, and returns the row counts of its two tables. For data loaded with triggers disabled or in session_replication_role = replica; private.responsibility_differences() says whether it is needed.';

create trigger chapter_memberships_responsibility_on_insert
  after insert on public.chapter_memberships
  referencing new table as new_rows
  for each statement execute function private.maintain_responsibility_on_membership_change();
create trigger chapter_memberships_responsibility_on_update
  after update on public.chapter_memberships
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.maintain_responsibility_on_membership_change();
create trigger chapter_memberships_responsibility_on_delete
  after delete on public.chapter_memberships
  referencing old table as old_rows
  for each statement execute function private.maintain_responsibility_on_membership_change();

create trigger chapters_responsibility_on_update
  after update on public.chapters
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.maintain_responsibility_on_chapter_move();

create trigger peer_mentors_responsibility_on_insert
  after insert on public.peer_mentors
  referencing new table as new_rows
  for each statement execute function private.maintain_responsibility_on_mentor_insert();
-- Per row, OF user_id with a WHEN: a status change (the hot path) never fires it (transition tables cannot be
-- combined with a column list).
create trigger peer_mentors_responsibility_on_update
  after update of user_id on public.peer_mentors
  for each row when (old.user_id is distinct from new.user_id)
  execute function private.maintain_responsibility_on_mentor_user_change();
create trigger peer_mentors_responsibility_on_delete
  after delete on public.peer_mentors
  referencing old table as old_rows
  for each statement execute function private.maintain_responsibility_on_mentor_delete();

-- ---------------------------------------------------------------------------------------------------------
-- Readers of the relation (RLS helpers that read it are in 0008_rls.sql)
-- ---------------------------------------------------------------------------------------------------------
create function private.is_coordinator_of_mentor(p_mentor_id uuid) returns boolean
language sql
stable
security definer -- reads the relation, which the caller cannot; returns only a boolean about the caller
set search_path = ''
as $$
  select exists (
    select 1
      from private.responsibilities r
     where r.mentor_id = p_mentor_id
       and r.coordinator_id = (select auth.uid())
  );
$$;
comment on function private.is_coordinator_of_mentor(uuid) is
  'True when the signed-in user (auth.uid()) is responsible for the mentor (private.responsibilities). Never true for the mentor''s own user: nobody coordinates itself.';

create function private.coordinators_for_mentors(p_mentor_ids uuid[])
returns table (mentor_id uuid, coordinator_id uuid)
language sql
stable
security invoker -- callers are the definer trigger below and public.coordinators_for_mentor (service role)
set search_path = ''
as $$
  select distinct r.mentor_id, r.coordinator_id
    from private.responsibilities r
   where r.mentor_id = any (p_mentor_ids);
$$;
comment on function private.coordinators_for_mentors(uuid[]) is
  'For each mentor, each coordinator responsible for it (private.responsibilities) once.';

create function public.coordinators_for_mentor(p_mentor_id uuid) returns setof uuid
language sql
stable
security definer -- lets it be granted to the service role alone while reading through RLS
set search_path = ''
as $$
  select c.coordinator_id from private.coordinators_for_mentors(array[p_mentor_id]) c;
$$;
comment on function public.coordinators_for_mentor(uuid) is
  'Service role only. The user ids, each once, of the coordinators responsible for the mentor: the active coordinators of every chapter where it has an active peer_mentor membership, the mentor itself excluded; where there are none, the active coordinators of those chapters'' organisation(s), the mentor itself excluded; else none. Reads private.responsibilities.';

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
      using errcode = 'PM701',
            hint = 'retry the transaction, or run membership and mentor changes at READ COMMITTED (as PostgREST and pg_cron do); nothing was changed';
  end;
end;
$$;
comment on function private.check_responsibility_users(uuid[]) is
  'At REPEATABLE READ or SERIALIZABLE: refuses (PM701) a maintainer whose snapshot cannot see a sign-up of one of these users (its mark in private.responsibility_user_marks is newer). A no-op at READ COMMITTED.';

create function private.maintain_responsibility_on_truncate() returns trigger
language plpgsql
volatile
security definer -- rewrites the private tables, which no API role can touch
set search_path = ''
as $$
begin
  perform private.rebuild_responsibility();
  return null;
end;
$$;
comment on function private.maintain_responsibility_on_truncate() is
  'AFTER TRUNCATE statement trigger on chapter_memberships, chapters, organizations, peer_mentors and users: TRUNCATE fires no row trigger, so the relation is rebuilt from what is left (private.rebuild_responsibility()).';

-- TRUNCATE fires no row trigger: each table the relation is computed from rebuilds it when truncated.
create trigger chapter_memberships_responsibility_on_truncate
  after truncate on public.chapter_memberships
  for each statement execute function private.maintain_responsibility_on_truncate();
create trigger chapters_responsibility_on_truncate
  after truncate on public.chapters
  for each statement execute function private.maintain_responsibility_on_truncate();
create trigger organizations_responsibility_on_truncate
  after truncate on public.organizations
  for each statement execute function private.maintain_responsibility_on_truncate();
create trigger peer_mentors_responsibility_on_truncate
  after truncate on public.peer_mentors
  for each statement execute function private.maintain_responsibility_on_truncate();
create trigger users_responsibility_on_truncate
  after truncate on public.users
  for each statement execute function private.maintain_responsibility_on_truncate();

create function private.responsibility_difference_counts(out missing_count bigint, out extra_count bigint)
language sql
stable
security definer -- reads the private tables and every membership; granted to the service role (health report)
set search_path = ''
as $$
  select pg_catalog.count(*) filter (where d.side = 'missing'), pg_catalog.count(*) filter (where d.side = 'extra')
    from private.responsibility_differences() d;
$$;
comment on function private.responsibility_difference_counts() is
  'How many pairs the responsibility relation lacks (missing_count) and has wrongly (extra_count) compared with its definition: counts only, for the service role''s health report. Both 0 when exact.';
