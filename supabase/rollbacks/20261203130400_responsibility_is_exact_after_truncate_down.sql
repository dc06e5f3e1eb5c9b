-- Rollback of 20261203130400_responsibility_is_exact_after_truncate.sql: TRUNCATE no longer maintains the responsibility relation (the triggers and their function go). Run it with:
--   npm run db:rollback -- 20261203130400
set lock_timeout = '3s';
set statement_timeout = '10min';

lock table public.users, public.peer_mentors, public.organizations, public.chapters, public.chapter_memberships
  in share row exclusive mode;

drop trigger users_responsibility_on_truncate on public.users;
drop trigger peer_mentors_responsibility_on_truncate on public.peer_mentors;
drop trigger organizations_responsibility_on_truncate on public.organizations;
drop trigger chapters_responsibility_on_truncate on public.chapters;
drop trigger chapter_memberships_responsibility_on_truncate on public.chapter_memberships;
drop function private.maintain_responsibility_on_truncate();
