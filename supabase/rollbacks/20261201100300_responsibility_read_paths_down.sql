-- Rollback of 20261201100300_responsibility_read_paths.sql: the history policy and private.visible_mentor_ids()
-- go back to 20261201100200's definitions (verbatim); the view and the rebuild function go. Run it with:
--   npm run db:rollback -- 20261201100300
set lock_timeout = '3s';
set statement_timeout = '10min';

lock table public.users, public.peer_mentor_status_history in access exclusive mode;

alter policy peer_mentor_status_history_select_visible on public.peer_mentor_status_history
  using (mentor_id = any (array(select private.visible_mentor_ids())));

drop view if exists private.visible_mentors;
drop function if exists private.rebuild_responsibility();

create or replace function private.visible_mentor_ids() returns setof uuid
language sql
stable
security definer -- reads peer_mentors and the relation without recursing into RLS
set search_path = ''
rows 200
as $$
  select pm.id
    from public.peer_mentors pm
   where pm.user_id = (select auth.uid())
  union
  select r.mentor_id
    from private.responsibilities r
   where r.coordinator_id = (select auth.uid());
$$;
comment on function private.visible_mentor_ids() is
  'Mentors the signed-in user may see and change: its own mentor row, and every mentor it is responsible for (private.responsibilities: through a shared chapter, or the organisation fallback).';
