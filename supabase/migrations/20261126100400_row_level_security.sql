-- Who may do what: grants (per table and per column) and row-level security policies.
--
-- The model, in one place (README "Who may do what" has the table):
--   anon           nothing.
--   authenticated  as a mentor: its own peer_mentors row and history; may change its own status/status_reason
--                  (the BEFORE trigger limits a mentor to active <-> paused).
--                  as a coordinator (active coordinator membership in a chapter): every mentor with an active
--                  peer_mentor membership in one of those chapters and their history (may change their
--                  status/status_reason); the profiles and memberships of every active member of those chapters.
--                  everyone: its own profile (and may edit full_name), its own memberships, the chapters it
--                  is an active member of and their organisations.
--                  never: job runs; inserting/updating/deleting history; inserting/deleting mentors; changing
--                  certification_expires_at or status_changed_at (column grants, not only policies).
--   service_role   everything (it bypasses RLS), except writing the history: append-only and trigger-written.
--
-- Policy helpers are `stable security definer` in schema private (not exposed over the Data API); they
-- return the caller's reachable ids once per statement, so policies read `col in (select private.fn())`.
--
-- Locks: every `create policy` takes ACCESS EXCLUSIVE on its table until commit. They are all taken at once,
-- just before the policies, in the order the app's writes take them (see there), so that the migration waits
-- for a concurrent write instead of deadlocking with it. (Restructured in place on 2026-12-01, before any
-- database outside this repository had applied it: see the README's changelog.)
set lock_timeout = '3s';
set statement_timeout = '10min';

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
security definer -- reads chapter_memberships without recursing into its own policy
set search_path = ''
rows 200
as $$
  select distinct member.user_id
    from public.chapter_memberships coordinator
    join public.chapter_memberships member
      on member.chapter_id = coordinator.chapter_id and member.is_active
   where coordinator.user_id = (select auth.uid())
     and coordinator.role = 'coordinator'
     and coordinator.is_active;
$$;
comment on function private.coordinated_user_ids() is
  'Users with an active membership in a chapter where the signed-in user is an active coordinator (the coordinator included).';

create function private.visible_mentor_ids() returns setof uuid
language sql
stable
security definer -- reads peer_mentors and memberships without recursing into their policies
set search_path = ''
rows 200
as $$
  select pm.id
    from public.peer_mentors pm
   where pm.user_id = (select auth.uid())
  union
  select pm.id
    from public.chapter_memberships coordinator
    join public.chapter_memberships mentor
      on mentor.chapter_id = coordinator.chapter_id and mentor.role = 'peer_mentor' and mentor.is_active
    join public.peer_mentors pm on pm.user_id = mentor.user_id
   where coordinator.user_id = (select auth.uid())
     and coordinator.role = 'coordinator'
     and coordinator.is_active;
$$;
comment on function private.visible_mentor_ids() is
  'Mentors the signed-in user may see and change: itself, and every mentor with an active peer_mentor membership in a chapter where the user is an active coordinator.';

revoke all on function
  private.coordinated_chapter_ids(), private.member_chapter_ids(), private.coordinated_user_ids(), private.visible_mentor_ids()
  from public, anon, authenticated, service_role;
grant execute on function
  private.coordinated_chapter_ids(), private.member_chapter_ids(), private.coordinated_user_ids(), private.visible_mentor_ids()
  to authenticated;

-- ---------------------------------------------------------------------------------------------------------
-- Grants: revoke first (Supabase's default privileges grant the API roles everything), then per column.
-- ---------------------------------------------------------------------------------------------------------
revoke all on table
  public.organizations, public.chapters, public.users, public.chapter_memberships,
  public.peer_mentors, public.job_runs, public.peer_mentor_status_history
  from public, anon, authenticated, service_role;

grant select on table public.organizations, public.chapters, public.chapter_memberships to authenticated;
grant select on table public.users to authenticated;
grant update (full_name) on table public.users to authenticated;
grant select on table public.peer_mentors to authenticated;
grant update (status, status_reason) on table public.peer_mentors to authenticated;
grant select on table public.peer_mentor_status_history to authenticated;

grant select, insert, update, delete on table
  public.organizations, public.chapters, public.users, public.chapter_memberships, public.peer_mentors, public.job_runs
  to service_role;
grant select on table public.peer_mentor_status_history to service_role;

-- ---------------------------------------------------------------------------------------------------------
-- Locks, in the app's order: a profile (users), then a mentor row (peer_mentors), whose triggers write the
-- history (and, later, the outbox); the memberships, chapters and organisations are only read, by the policies
-- and triggers of those writes, after the tables they guard. Taking them in policy order instead (organisations
-- first, memberships before peer_mentors) deadlocked with the rehearsal's app-order drill on re-apply. Held
-- until commit, i.e. for the policies and the comment below (milliseconds). A DO block, because the Supabase
-- CLI sends a migration file as one pipelined transaction, where a top-level LOCK TABLE is refused (25P01).
-- ---------------------------------------------------------------------------------------------------------
do $$
begin
  lock table public.users, public.peer_mentors, public.peer_mentor_status_history,
             public.chapter_memberships, public.chapters, public.organizations
    in access exclusive mode;
end
$$;

-- ---------------------------------------------------------------------------------------------------------
-- Policies: one per operation and role, always `to <role>`, auth.uid() wrapped in a scalar subquery.
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

create policy peer_mentors_select_self_or_coordinated on public.peer_mentors
  for select to authenticated
  using (id in (select private.visible_mentor_ids()));

create policy peer_mentors_update_self_or_coordinated on public.peer_mentors
  for update to authenticated
  using (id in (select private.visible_mentor_ids()))
  with check (id in (select private.visible_mentor_ids()));

create policy peer_mentor_status_history_select_visible on public.peer_mentor_status_history
  for select to authenticated
  using (mentor_id in (select private.visible_mentor_ids()));

-- job_runs: RLS on and no policy: only the service role (which bypasses RLS) and the owner see job runs.
comment on table public.job_runs is
  'One row per run of a background job (e.g. the certification-expiry job); history rows written by a run point at it through job_run_id. Service role only: RLS is on with no policy for the API roles.';
