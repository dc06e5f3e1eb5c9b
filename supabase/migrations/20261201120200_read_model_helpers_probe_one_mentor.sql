-- The read model's name helpers ask about one mentor, not the caller's whole visible set. Issue 12.
--
-- 20261201120000 checked `mentor_id in (select private.visible_mentor_ids())` once per row: each call builds the
-- caller's visible set, which for an organisation-level (fallback) coordinator is every mentor of the
-- organisation, so a board of n rows cost n visible sets. The same question per mentor is the caller's own row
-- or private.is_coordinator_of_mentor() (a probe of the responsibility relation): the same answer, one row each.
-- Same signatures, comments and grants; function bodies only.
set lock_timeout = '3s';
set statement_timeout = '10min';

create or replace function private.mentor_directory(p_mentor_id uuid)
returns table (full_name text, chapter_ids uuid[], chapter_names text[])
language sql
stable
security definer -- a coordinator may not read the profile or every chapter of a mentor it is responsible for
set search_path = ''
rows 1
as $$
  select u.full_name,
         coalesce(array_agg(c.id order by c.name, c.id) filter (where c.id is not null), '{}'::uuid[]),
         coalesce(array_agg(c.name order by c.name, c.id) filter (where c.id is not null), '{}'::text[])
    from public.peer_mentors pm
    join public.users u on u.id = pm.user_id
    left join (public.chapter_memberships m join public.chapters c on c.id = m.chapter_id)
      on m.user_id = pm.user_id
     and m.role = 'peer_mentor'
     and m.is_active
     -- a mentor sees all its chapters; a coordinator those in the organisations it coordinates in
     and (pm.user_id = (select auth.uid())
          or c.organization_id in (select oc.organization_id
                                     from public.chapter_memberships om
                                     join public.chapters oc on oc.id = om.chapter_id
                                    where om.user_id = (select auth.uid()) and om.role = 'coordinator' and om.is_active))
   where pm.id = p_mentor_id
     and (pm.user_id = (select auth.uid()) or private.is_coordinator_of_mentor(pm.id))
   group by u.full_name;
$$;

create or replace function private.history_actor_name(p_history_id bigint) returns text
language sql
stable
security definer -- the actor (a coordinator of another chapter, a mentor) may be a profile the caller cannot read
set search_path = ''
as $$
  select u.full_name
    from public.peer_mentor_status_history h
    join public.users u on u.id = h.changed_by
   where h.id = p_history_id
     and exists (select 1
                   from public.peer_mentors pm
                  where pm.id = h.mentor_id
                    and (pm.user_id = (select auth.uid()) or private.is_coordinator_of_mentor(pm.id)));
$$;

create or replace function private.history_job_name(p_history_id bigint) returns text
language sql
stable
security definer -- job_runs is service-role only; the job''s name is what a mentor''s card shows
set search_path = ''
as $$
  select j.job_name
    from public.peer_mentor_status_history h
    join public.job_runs j on j.id = h.job_run_id
   where h.id = p_history_id
     and exists (select 1
                   from public.peer_mentors pm
                  where pm.id = h.mentor_id
                    and (pm.user_id = (select auth.uid()) or private.is_coordinator_of_mentor(pm.id)));
$$;
