-- Rollback of 20261126100400_row_level_security.sql: drops only what that migration added — its policies and
-- the four policy helpers in schema private — and puts the grants back where 20261126100000 and
-- 20261126100200 left them: every privilege revoked from public, anon, authenticated and service_role
-- (RLS stays enabled; those migrations enabled it). The job_runs table comment gets its earlier text back.
--
-- Until the migration is applied again, the API roles can read and write none of these tables. Run it with:
--   npm run db:rollback -- 20261126100400
set lock_timeout = '3s';
set statement_timeout = '10min';

-- Dropping a policy takes ACCESS EXCLUSIVE on its table; take them all first, in the app's order (users, then
-- peer_mentors and the history, then the tables their policies read), as the migration does, so a concurrent
-- write waits (milliseconds) instead of deadlocking.
lock table public.users, public.peer_mentors, public.peer_mentor_status_history,
           public.chapter_memberships, public.chapters, public.organizations
  in access exclusive mode;

drop policy if exists organizations_select_member on public.organizations;
drop policy if exists chapters_select_member on public.chapters;
drop policy if exists users_select_self_or_coordinated on public.users;
drop policy if exists users_update_self on public.users;
drop policy if exists chapter_memberships_select_own_or_coordinated on public.chapter_memberships;
drop policy if exists peer_mentors_select_self_or_coordinated on public.peer_mentors;
drop policy if exists peer_mentors_update_self_or_coordinated on public.peer_mentors;
drop policy if exists peer_mentor_status_history_select_visible on public.peer_mentor_status_history;

drop function if exists private.visible_mentor_ids();
drop function if exists private.coordinated_user_ids();
drop function if exists private.member_chapter_ids();
drop function if exists private.coordinated_chapter_ids();

-- Table-level REVOKE ALL also takes back the column grants (update (full_name), update (status, status_reason)).
revoke all on table
  public.organizations, public.chapters, public.users, public.chapter_memberships,
  public.peer_mentors, public.job_runs, public.peer_mentor_status_history
  from public, anon, authenticated, service_role;

comment on table public.job_runs is 'One row per run of a background job (e.g. the certification-expiry job); history rows written by a run point at it through job_run_id.';
