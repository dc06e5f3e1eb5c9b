-- Rollback of 20261201120200_read_model_helpers_probe_one_mentor.sql: the read model's name helpers as
-- 20261201120000 defined them (visible-set membership per row). Run it with:
--   npm run db:rollback -- 20261201120200
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
     and pm.id in (select private.visible_mentor_ids())
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
     and h.mentor_id in (select private.visible_mentor_ids());
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
     and h.mentor_id in (select private.visible_mentor_ids());
$$;
