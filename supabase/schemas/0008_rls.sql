-- Who may see and change which rows: the row-level security policies and their helpers. (Which columns and
-- functions each role may use at all: 0012_grants.sql.)
--
-- The model (docs/rules.md "Who may do what" has the table):
--   anon           nothing.
--   authenticated  as a mentor: its own peer_mentors row and history; may change its own status/status_reason
--                  (the BEFORE trigger limits a mentor to active <-> paused).
--                  as a coordinator: every mentor it is responsible for (private.responsibilities) and their
--                  history (may change their status/status_reason); the profiles of those mentors and of the
--                  active members of the chapters it coordinates, and those chapters' memberships.
--                  everyone: its own profile (and may edit full_name), its own memberships, the chapters it
--                  is an active member of and their organisations; its own notifications (may set read_at).
--   service_role   everything (it bypasses RLS), except writing the history: append-only and trigger-written.
--
-- One policy per operation and role, always `to <role>`, auth.uid() wrapped in a scalar subquery. Policy
-- helpers are `stable security definer` in schema private (not exposed over the Data API).

-- ---------------------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------------------
create function private.coordinated_chapter_ids() returns setof uuid
language sql
stable
security definer -- reads chapter_memberships without recursing into its own policy
set search_path = ''
rows 10
as $$
  select m.chapter_id
    from public.chapter_memberships m
   where m.user_id = (select auth.uid())
     and m.role = 'coordinator'
     and m.is_active;
$$;
comment on function private.coordinated_chapter_ids() is 'Chapters where the signed-in user has an active coordinator membership.';

create function private.member_chapter_ids() returns setof uuid
language sql
stable
security definer -- reads chapter_memberships without recursing into its own policy
set search_path = ''
rows 10
as $$
  select distinct m.chapter_id
    from public.chapter_memberships m
   where m.user_id = (select auth.uid())
     and m.is_active;
$$;
comment on function private.member_chapter_ids() is 'Chapters where the signed-in user has an active membership, in either role.';

create function private.coordinated_user_ids() returns setof uuid
language sql
stable
security definer -- reads chapter_memberships and the relation without recursing into their policies
set search_path = ''
set enable_seqscan = off -- a fixed shape whatever the statistics (see the migration's header)
rows 200
as $$
  select member.user_id
    from (select coordinator.chapter_id
            from public.chapter_memberships coordinator
           where coordinator.user_id = (select auth.uid())
             and coordinator.role = 'coordinator'
             and coordinator.is_active
          offset 0) as coordinator
   cross join lateral (select m.user_id
                         from public.chapter_memberships m
                        where m.chapter_id = coordinator.chapter_id and m.is_active
                       offset 0) as member
  union
  select ms.mentor_user_id
    from (select distinct cs.via, cs.scope_id
            from private.coordinator_scopes cs
           where cs.coordinator_id = (select auth.uid())
          offset 0) as cs
   cross join lateral (select m.mentor_user_id
                         from private.mentor_scopes m
                        where m.via = cs.via and m.scope_id = cs.scope_id
                       offset 0) as ms
   where ms.mentor_user_id <> (select auth.uid());
$$;
comment on function private.coordinated_user_ids() is
  'Users whose profile the signed-in user may read as a coordinator: the active members of chapters it actively coordinates (the coordinator included), and the users of every mentor it is responsible for (private.responsibilities, read from its coordinator scopes with a fixed plan).';

-- plpgsql, not sql: a security definer function is never inlined, and a SQL function is planned again on
-- every call (1.5 ms of every policy check, measured on 100k mentors); plpgsql's plan is cached (0.2 ms).
create function private.visible_mentor_ids() returns setof uuid
language plpgsql
stable
security definer -- reads peer_mentors and the relation without recursing into RLS
set search_path = ''
set enable_seqscan = off -- a fixed shape whatever the statistics (see the migration's header)
rows 200
as $$
begin
  -- plpgsql, not sql: the plan is cached for the session instead of made again on every policy check.
  -- Duplicates are harmless where it is used (`= any (array(...))`), so no de-duplication.
  -- The second arm is private.responsibilities for one coordinator, from its scopes: one probe per scope.
  return query
  select pm.id
    from public.peer_mentors pm
   where pm.user_id = (select auth.uid())
  union all
  select ms.mentor_id
    from (select distinct cs.via, cs.scope_id
            from private.coordinator_scopes cs
           where cs.coordinator_id = (select auth.uid())
          offset 0) as cs
   cross join lateral (select m.mentor_id, m.mentor_user_id
                         from private.mentor_scopes m
                        where m.via = cs.via and m.scope_id = cs.scope_id
                       offset 0) as ms
   where ms.mentor_user_id <> (select auth.uid());
end;
$$;
comment on function private.visible_mentor_ids() is
  'Mentors the signed-in user may see and change: its own mentor row, and every mentor it is responsible for (private.responsibilities, read from its coordinator scopes with a fixed plan: one index probe of mentor_scopes per scope). A mentor may appear more than once.';

create view private.visible_mentors
with (security_barrier = true)
as
select v.mentor_id
  from (select r.mentor_id
          from private.responsibilities r
         where r.coordinator_id = (select auth.uid())
        union all
        select pm.id
          from public.peer_mentors pm
         where pm.user_id = (select auth.uid())) as v (mentor_id);
-- Owner's rights on purpose (security_invoker off): read inside the history policy, as the caller, it must read
-- the relation, which the caller cannot. security_barrier keeps every non-leakproof predicate of the caller above
-- its filter.
comment on view private.visible_mentors is
  'The signed-in user''s own mentor row and every mentor it is responsible for, for the history policy''s per-row EXISTS (a mentor may appear more than once). security_barrier over a subquery: a caller''s predicate that is not leakproof runs only on these rows, so it cannot reveal other mentors'' ids or existence.';

-- ---------------------------------------------------------------------------------------------------------
-- Policies
-- ---------------------------------------------------------------------------------------------------------
create policy organizations_select_member on public.organizations
  for select to authenticated
  using (id in (select c.organization_id from public.chapters c where c.id in (select private.member_chapter_ids())));

create policy chapters_select_member on public.chapters
  for select to authenticated
  using (id in (select private.member_chapter_ids()));

create policy users_select_self_or_coordinated on public.users
  for select to authenticated
  using (id = (select auth.uid()) or id in (select private.coordinated_user_ids()));

create policy users_update_self on public.users
  for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

create policy chapter_memberships_select_own_or_coordinated on public.chapter_memberships
  for select to authenticated
  using (user_id = (select auth.uid()) or chapter_id in (select private.coordinated_chapter_ids()));

-- `= any (array(select ...))` is evaluated once per statement (an InitPlan) and, unlike `in (select ...)` (a
-- hashed SubPlan over every row), can drive an index scan: a coordinator's listing reads its mentors by
-- primary key instead of filtering the whole table.
create policy peer_mentors_select_self_or_coordinated on public.peer_mentors
  for select to authenticated
  using (id = any (array(select private.visible_mentor_ids())));

create policy peer_mentors_update_self_or_coordinated on public.peer_mentors
  for update to authenticated
  using (id = any (array(select private.visible_mentor_ids())))
  with check (id = any (array(select private.visible_mentor_ids())));

-- A per-row probe of the row's mentor, not the whole visible set: a ten-row timeline stays an ordered index
-- scan. OFFSET 0 keeps the planner from converting the EXISTS into a hashed set of every mentor the caller may
-- see (its choice before ANALYZE; 100k mentors for an organisation-fallback coordinator).
create policy peer_mentor_status_history_select_visible on public.peer_mentor_status_history
  for select to authenticated
  using (exists (select 1 from private.visible_mentors v where v.mentor_id = peer_mentor_status_history.mentor_id offset 0));

create policy coordinator_notifications_select_own on public.coordinator_notifications
  for select to authenticated
  using (coordinator_id = (select auth.uid()));

create policy coordinator_notifications_update_own on public.coordinator_notifications
  for update to authenticated
  using (coordinator_id = (select auth.uid()))
  with check (coordinator_id = (select auth.uid()));

-- The history's writer role (status_history_writer, 0005_history.sql) is no table's owner, so RLS applies to it:
-- it inserts and reads the history and queues notifications.
create policy peer_mentor_status_history_insert_by_writer on public.peer_mentor_status_history
  for insert to status_history_writer with check (true);
create policy peer_mentor_status_history_select_by_writer on public.peer_mentor_status_history
  for select to status_history_writer using (true);
create policy coordinator_notifications_insert_by_writer on public.coordinator_notifications
  for insert to status_history_writer with check (true);
-- ON CONFLICT checks the new row against the SELECT policies as well.
create policy coordinator_notifications_select_by_writer on public.coordinator_notifications
  for select to status_history_writer using (true);
