-- Rollback of 20261203130600_reads_keep_their_shape_after_bulk_scope_rewrites.sql: private.visible_mentor_ids() and private.coordinated_user_ids() get 20261201100300's and 20261201100200's definitions back (verbatim): plans estimated from the statistics again. Run it with:
--   npm run db:rollback -- 20261203130600
set lock_timeout = '3s';
set statement_timeout = '10min';

create or replace function private.visible_mentor_ids() returns setof uuid
language plpgsql
stable
security definer -- reads peer_mentors and the relation without recursing into RLS
set search_path = ''
rows 200
as $$
begin
  -- plpgsql, not sql: the plan is cached for the session instead of made again on every policy check.
  -- Duplicates are harmless where it is used (`= any (array(...))`), so no de-duplication.
  return query
  select pm.id
    from public.peer_mentors pm
   where pm.user_id = (select auth.uid())
  union all
  select r.mentor_id
    from private.responsibilities r
   where r.coordinator_id = (select auth.uid());
end;
$$;
comment on function private.visible_mentor_ids() is
  'Mentors the signed-in user may see and change: its own mentor row, and every mentor it is responsible for (private.responsibilities: through a shared chapter, or the organisation fallback). A mentor may appear more than once.';

create or replace function private.coordinated_user_ids() returns setof uuid
language sql
stable
security definer -- reads chapter_memberships and the relation without recursing into their policies
set search_path = ''
rows 200
as $$
  select member.user_id
    from public.chapter_memberships coordinator
    join public.chapter_memberships member
      on member.chapter_id = coordinator.chapter_id and member.is_active
   where coordinator.user_id = (select auth.uid())
     and coordinator.role = 'coordinator'
     and coordinator.is_active
  union
  select r.mentor_user_id
    from private.responsibilities r
   where r.coordinator_id = (select auth.uid());
$$;
comment on function private.coordinated_user_ids() is
  'Users whose profile the signed-in user may read as a coordinator: the active members of chapters it actively coordinates (the coordinator included), and the users of every mentor it is responsible for.';
