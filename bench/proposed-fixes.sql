-- Proposed migration changes, measured by `BENCH_PROPOSED=1 npm run bench` (applied to the benchmark's
-- own database only, after the as-shipped measurements; never a migration as it stands).
-- bench/README.md, "Proposed fixes", has the numbers; each block says which measurement it serves.
--
-- Written as a future migration would be: create or replace / alter policy, same names, same behaviour.

-- ---------------------------------------------------------------------------------------------------------
-- A. The history trigger's INSERT ... SELECT is planned for the transition tables it actually gets.
--    (Bug fix, and measurement (1).) A static statement in plpgsql is planned once per session and the plan
--    is reused: after a few one-row updates (the app's normal traffic) the cached plan joins new_rows and
--    old_rows with a nested loop, and a later bulk UPDATE on the same connection (the expiry job called
--    through the API, a coordinator pausing a chapter) runs that nested loop over N x N rows: quadratic.
--    Statements of more than 100 rows now run the INSERT through EXECUTE, planned for their own transition
--    tables; small ones keep the cached plan (planning every single-row change would cost ~0.05 ms).
-- ---------------------------------------------------------------------------------------------------------
create or replace function private.record_status_history_on_update() returns trigger
language plpgsql
volatile
security definer -- writes the history table, on which no API role has INSERT
set search_path = ''
as $$
declare
  v_changed_by uuid := auth.uid();
  v_job_run_id uuid := private.job_run_id_for_history();
begin
  if (select pg_catalog.count(*) from new_rows) <= 100 then
    -- A few rows (an app's change): static, the plan is cached for the session; any join is cheap here.
    insert into public.peer_mentor_status_history
           (mentor_id, previous_status, new_status, changed_by, changed_at, reason, job_run_id)
    select n.id, o.status, n.status, v_changed_by, n.status_changed_at, n.status_reason, v_job_run_id
      from new_rows n
      join old_rows o on o.id = n.id
     where n.status is distinct from o.status;
  else
    -- A bulk statement: planned for its own transition tables (see above).
    execute '
      insert into public.peer_mentor_status_history
             (mentor_id, previous_status, new_status, changed_by, changed_at, reason, job_run_id)
      select n.id, o.status, n.status, $1, n.status_changed_at, n.status_reason, $2
        from new_rows n
        join old_rows o on o.id = n.id
       where n.status is distinct from o.status'
      using v_changed_by, v_job_run_id;
  end if;
  return null;
end;
$$;

-- ---------------------------------------------------------------------------------------------------------
-- B. Coordinator resolution: an index for "the active coordinators of chapter X" (every resolution and
--    private.is_coordinator_of_mentor probe it; today they read every membership of the chapter, or the
--    whole table), and a plan cached for the session when the resolution is for a few mentors.
--    (Measurement (3): the SQL function was planned again on every call, ~1 ms of a single-row change.)
-- ---------------------------------------------------------------------------------------------------------
create index chapter_memberships_active_coordinators_idx
  on public.chapter_memberships (chapter_id) include (user_id)
  where role = 'coordinator' and is_active;

create or replace function private.coordinators_for_mentors(p_mentor_ids uuid[])
returns table (mentor_id uuid, coordinator_id uuid)
language plpgsql
stable
security invoker -- callers are the definer trigger below and public.coordinators_for_mentor (service role)
set search_path = ''
-- The static branch's plan is made once per session (a custom plan for a 1-element array looks cheaper
-- than the generic one, so `auto` would plan it again on every call). Nothing runs nested in here.
set plan_cache_mode = force_generic_plan
as $$
begin
  if pg_catalog.cardinality(p_mentor_ids) <= 100 then
    -- A few mentors (an app's change): static, so the plan is cached for the session.
    return query
    with mentor_chapters as (
      select pm.id as mentor_id, m.chapter_id, c.organization_id
        from public.peer_mentors pm
        join public.chapter_memberships m on m.user_id = pm.user_id and m.role = 'peer_mentor' and m.is_active
        join public.chapters c on c.id = m.chapter_id
       where pm.id = any (p_mentor_ids)
    ),
    chapter_coordinators as (
      select distinct mc.mentor_id, k.user_id as coordinator_id
        from mentor_chapters mc
        join public.chapter_memberships k on k.chapter_id = mc.chapter_id and k.role = 'coordinator' and k.is_active
    ),
    organisation_coordinators as (
      select distinct mc.mentor_id, k.user_id as coordinator_id
        from mentor_chapters mc
        join public.chapters oc on oc.organization_id = mc.organization_id
        join public.chapter_memberships k on k.chapter_id = oc.id and k.role = 'coordinator' and k.is_active
       where not exists (select 1 from chapter_coordinators cc where cc.mentor_id = mc.mentor_id)
    )
    select cc.mentor_id, cc.coordinator_id from chapter_coordinators cc
    union
    select oc.mentor_id, oc.coordinator_id from organisation_coordinators oc;
  else
    -- Many mentors (a bulk change): the same query, planned for this array's size.
    return query execute '
    with mentor_chapters as (
      select pm.id as mentor_id, m.chapter_id, c.organization_id
        from public.peer_mentors pm
        join public.chapter_memberships m on m.user_id = pm.user_id and m.role = ''peer_mentor'' and m.is_active
        join public.chapters c on c.id = m.chapter_id
       where pm.id = any ($1)
    ),
    chapter_coordinators as (
      select distinct mc.mentor_id, k.user_id as coordinator_id
        from mentor_chapters mc
        join public.chapter_memberships k on k.chapter_id = mc.chapter_id and k.role = ''coordinator'' and k.is_active
    ),
    organisation_coordinators as (
      select distinct mc.mentor_id, k.user_id as coordinator_id
        from mentor_chapters mc
        join public.chapters oc on oc.organization_id = mc.organization_id
        join public.chapter_memberships k on k.chapter_id = oc.id and k.role = ''coordinator'' and k.is_active
       where not exists (select 1 from chapter_coordinators cc where cc.mentor_id = mc.mentor_id)
    )
    select cc.mentor_id, cc.coordinator_id from chapter_coordinators cc
    union
    select oc.mentor_id, oc.coordinator_id from organisation_coordinators oc'
    using p_mentor_ids;
  end if;
end;
$$;

-- ---------------------------------------------------------------------------------------------------------
-- C. The outbox trigger returns at once when nothing in the statement is a pause (a resume, a new mentor:
--    half of all single-row changes), instead of resolving coordinators for an empty array; and a bulk
--    statement's INSERT is planned for its size, like A.
-- ---------------------------------------------------------------------------------------------------------
create or replace function private.queue_coordinator_notifications() returns trigger
language plpgsql
volatile
security definer -- writes the outbox and reads memberships, neither of which the caller may do
set search_path = ''
as $$
declare
  v_mentor_ids uuid[];
begin
  select pg_catalog.array_agg(n.mentor_id) into v_mentor_ids
    from new_rows n
   where n.previous_status is not null and n.new_status in ('paused', 'inactive');
  if v_mentor_ids is null then
    return null;
  end if;
  if pg_catalog.cardinality(v_mentor_ids) <= 100 then
    insert into public.coordinator_notifications (history_id, coordinator_id)
    select h.id, c.coordinator_id
      from private.coordinators_for_mentors(v_mentor_ids) c
      join new_rows h on h.mentor_id = c.mentor_id
     where h.previous_status is not null
       and h.new_status in ('paused', 'inactive')
       and c.coordinator_id is distinct from h.changed_by
    on conflict (history_id, coordinator_id) do nothing;
  else
    execute '
    insert into public.coordinator_notifications (history_id, coordinator_id)
    select h.id, c.coordinator_id
      from private.coordinators_for_mentors($1) c
      join new_rows h on h.mentor_id = c.mentor_id
     where h.previous_status is not null
       and h.new_status in (''paused'', ''inactive'')
       and c.coordinator_id is distinct from h.changed_by
    on conflict (history_id, coordinator_id) do nothing'
    using v_mentor_ids;
  end if;
  return null;
end;
$$;

-- ---------------------------------------------------------------------------------------------------------
-- D. RLS (measurement (4)).
--    peer_mentors: the policy `id in (select private.visible_mentor_ids())` is planned as a hashed subplan
--    filtering a sequential scan of peer_mentors (all 100k rows, every listing), and the SQL helper is
--    planned again on every call (a security definer function is never inlined). Instead: one plpgsql
--    helper (plan cached per session) returning the
--    user ids a caller may see (itself, and the active peer mentors of the chapters it actively coordinates),
--    and `user_id = any (array(select ...))`, which the planner turns into one InitPlan and an index scan
--    on peer_mentors_user_id_key: the same work as the service role's explicit join.
--    peer_mentor_status_history: a timeline is a handful of one mentor's rows, so the policy asks about the
--    row's mentor: a correlated EXISTS over a view in `private` (run with its owner's rights, so the
--    memberships' own policies do not recurse into it) that lists the mentors the signed-in user may read.
--    The planner runs it as three index probes per row read, or, for a scan over many mentors, as one
--    hashed set (it converts the EXISTS). A per-row plpgsql function was measured too and rejected: ~40 us
--    a call, never hashed (a coordinator's unfiltered "latest 50 changes" took 27 s over 1M rows).
-- ---------------------------------------------------------------------------------------------------------
create function private.visible_mentor_user_ids() returns setof uuid
language plpgsql
stable
security definer -- reads chapter_memberships without recursing into its own policy
set search_path = ''
rows 200
as $$
begin
  return query
  select (select auth.uid())
  union
  select member.user_id
    from public.chapter_memberships coordinator
    join public.chapter_memberships member
      on member.chapter_id = coordinator.chapter_id and member.role = 'peer_mentor' and member.is_active
   where coordinator.user_id = (select auth.uid())
     and coordinator.role = 'coordinator'
     and coordinator.is_active;
end;
$$;
comment on function private.visible_mentor_user_ids() is
  'User ids whose peer_mentors row the signed-in user may see and change: itself, and every user with an active peer_mentor membership in a chapter it actively coordinates.';

-- Owner's rights on purpose (security_invoker off, the PostgreSQL default): it is read inside a policy and
-- must not go through the memberships' and mentors' own policies. It only ever lists what the signed-in
-- user may read, and lives in `private`, which the Data API does not serve.
create view private.readable_mentors as
  select pm.id as mentor_id
    from public.peer_mentors pm
    join public.chapter_memberships member
      on member.user_id = pm.user_id and member.role = 'peer_mentor' and member.is_active
    join public.chapter_memberships coordinator
      on coordinator.chapter_id = member.chapter_id
     and coordinator.role = 'coordinator'
     and coordinator.is_active
     and coordinator.user_id = (select auth.uid())
  union all
  select pm.id from public.peer_mentors pm where pm.user_id = (select auth.uid());
comment on view private.readable_mentors is
  'Mentors the signed-in user may read: itself, and the mentors with an active peer_mentor membership in a chapter it actively coordinates (a mentor may appear more than once).';

revoke all on function private.visible_mentor_user_ids() from public, anon, authenticated, service_role;
grant execute on function private.visible_mentor_user_ids() to authenticated;
revoke all on table private.readable_mentors from public, anon, authenticated, service_role;
grant select on table private.readable_mentors to authenticated;

alter policy peer_mentors_select_self_or_coordinated on public.peer_mentors
  using (user_id = any (array(select private.visible_mentor_user_ids())));
alter policy peer_mentors_update_self_or_coordinated on public.peer_mentors
  using (user_id = any (array(select private.visible_mentor_user_ids())))
  with check (user_id = any (array(select private.visible_mentor_user_ids())));
alter policy peer_mentor_status_history_select_visible on public.peer_mentor_status_history
  using (exists (select 1 from private.readable_mentors r where r.mentor_id = peer_mentor_status_history.mentor_id));
