-- Rollback of 20261201100000_responsibility.sql: drops the responsibility relation (its two tables, the view,
-- the maintenance functions and their triggers on chapter_memberships, chapters and peer_mentors). Nothing
-- reads it once 20261201100200 is rolled back. Run it with:
--   npm run db:rollback -- 20261201100000
-- squawk-ignore-file ban-drop-table
set lock_timeout = '3s';
set statement_timeout = '10min';

-- DROP TRIGGER takes ACCESS EXCLUSIVE: in the migration's order (peer_mentors before the membership tables).
lock table public.peer_mentors, public.chapters, public.chapter_memberships in access exclusive mode;

drop trigger if exists peer_mentors_responsibility_on_delete on public.peer_mentors;
drop trigger if exists peer_mentors_responsibility_on_update on public.peer_mentors;
drop trigger if exists peer_mentors_responsibility_on_insert on public.peer_mentors;
drop trigger if exists chapters_responsibility_on_update on public.chapters;
drop trigger if exists chapter_memberships_responsibility_on_delete on public.chapter_memberships;
drop trigger if exists chapter_memberships_responsibility_on_update on public.chapter_memberships;
drop trigger if exists chapter_memberships_responsibility_on_insert on public.chapter_memberships;

drop function if exists private.maintain_responsibility_on_mentor_user_change();
drop function if exists private.maintain_responsibility_on_mentor_delete();
drop function if exists private.maintain_responsibility_on_mentor_insert();
drop function if exists private.maintain_responsibility_on_chapter_move();
drop function if exists private.maintain_responsibility_on_membership_change();
drop function if exists private.refresh_mentor_scopes(uuid[]);
drop function if exists private.refresh_coordinator_scopes(uuid[], uuid[]);
drop function if exists private.lock_responsibility();
drop function if exists private.responsibility_differences();
drop function if exists private.responsibility_from_scratch();
drop view if exists private.responsibilities;
drop table if exists private.coordinator_scopes;
drop table if exists private.mentor_scopes;
drop type if exists private.responsibility_via;
