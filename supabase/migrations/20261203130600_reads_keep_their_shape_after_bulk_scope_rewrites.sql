-- Reads that do not depend on luck after a bulk membership change. Issue 18.
--
-- Measured by the review (and by `npm run bench`, (9)): 100k mentors in 1,000 chapters, all on the organisation
-- fallback when last ANALYZEd; a coordinator added to every chapter in two statements rewrites every mentor's
-- scopes to its chapter. Right after, before autovacuum's ANALYZE, a coordinator of 3 chapters listing its 300
-- mentors under RLS took 5.8x the explicit filter (30 ms): private.visible_mentor_ids()'s cached generic plan,
-- made from statistics in which every scope is the organisation, hashed the whole mentor_scopes (100k dead rows
-- included) instead of probing the coordinator's few scopes. After `analyze private.mentor_scopes` it was 0.77x.
--
-- The caller's side of the relation is always small (two coordinator scopes per coordinator membership), and
-- each scope's mentors are one range of mentor_scopes_scope_idx (via, scope_id). So the plan is fixed instead of
-- estimated: private.visible_mentor_ids() and private.coordinated_user_ids() read the caller's distinct scopes
-- first, then each scope's mentors through a LATERAL subquery that the planner cannot flatten (OFFSET 0), so it
-- can only be the inner side of a nested loop, probed once per scope; with sequential scans off in these two
-- functions the probe is an index (only) scan whatever the statistics say (they said each scope holds every
-- mentor, which made a sequential scan look cheaper). The same answer and the same shape right after a bulk
-- import as after ANALYZE; for a fallback coordinator of a 100k-mentor organisation it is one index range scan of
-- the organisation's scope, which is what any plan reads. Measured: (9) in bench/README.md.
-- Same signatures, grants and results; function bodies and settings only: no lock.
set lock_timeout = '3s';
set statement_timeout = '10min';

create or replace function private.visible_mentor_ids() returns setof uuid
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

create or replace function private.coordinated_user_ids() returns setof uuid
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
