-- The responsibility relation is exact after TRUNCATE (contract, "Who may do what": exact after every committed
-- change, whatever the statement). Issue 18, hole 1.
--
-- The relation was kept by row-change triggers only, and TRUNCATE fires none of them: after
-- `truncate chapter_memberships` (a CSV import's reload, Studio's "Truncate table" button, the SQL editor, a
-- migration: all as the owner) every old pair stayed, so a coordinator removed by the reload still saw and changed
-- its mentors and was notified, and the real fallback coordinators were not; after `truncate chapters cascade`
-- the private tables kept every row. Now an AFTER TRUNCATE statement trigger on every table the relation is
-- computed from (chapter_memberships, chapters, organizations, peer_mentors, users) rebuilds it from what is
-- left (private.rebuild_responsibility(): under the relation's lock, from scratch). A TRUNCATE ... CASCADE fires
-- it once per truncated table; the first rebuild does the work, the next ones find nothing to change. A
-- truncate-and-reload in one transaction is exact: the rebuild empties the relation, and the reload's inserts
-- maintain it row by row as any insert does.
--
-- CREATE TRIGGER takes SHARE ROW EXCLUSIVE on each table, for milliseconds; taken up front in the app's order
-- (users, peer_mentors, then the organisation tables) so a live write waits instead of deadlocking.
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
begin
  lock table public.users, public.peer_mentors, public.organizations, public.chapters, public.chapter_memberships
    in share row exclusive mode;
end
$$;

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
revoke all on function private.maintain_responsibility_on_truncate() from public, anon, authenticated, service_role;

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
