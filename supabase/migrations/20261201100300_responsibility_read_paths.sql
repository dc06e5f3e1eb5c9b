-- Faster read paths over the responsibility relation, and a way to rebuild it.
--
-- Measured on 100k mentors / 1M history rows (a coordinator of two chapters, 334 mentors):
--   * private.visible_mentor_ids() was a SQL function: a security definer function is never inlined, and a
--     SQL function is planned again on every call, 1.5 ms of every policy check. As plpgsql its plan is
--     cached for the session: 0.2 ms.
--   * the history policy `mentor_id = any (array(...))` built the whole visible set for a ten-row timeline.
--     It now asks about the row's mentor, `exists (select 1 from private.visible_mentors ...)`: the planner
--     probes the relation per row read, or hashes the set once for a scan over many mentors (it converts
--     the EXISTS), whichever its estimates say is cheaper. The timeline stays an ordered index scan, no Sort.
--   * peer_mentors keeps `id = any (array(...))`: a coordinator's listing is an index scan on the primary
--     key driven by that one array, which an EXISTS (a filter over every row) cannot be.
-- private.rebuild_responsibility() recomputes the relation whole, for data loaded with triggers disabled or
-- with session_replication_role = replica (where ordinary triggers do not fire).
set lock_timeout = '3s';
set statement_timeout = '10min';

-- ALTER POLICY locks the history (ACCESS EXCLUSIVE, milliseconds); in the app's order, users first.
do $$
begin
  lock table public.users, public.peer_mentor_status_history in access exclusive mode;
end
$$;

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

create view private.visible_mentors as
select r.mentor_id
  from private.responsibilities r
 where r.coordinator_id = (select auth.uid())
union all
select pm.id
  from public.peer_mentors pm
 where pm.user_id = (select auth.uid());
-- Owner's rights on purpose (security_invoker off, the default): it is read inside a policy, as the caller,
-- and must read the relation, which the caller cannot. It only ever lists the signed-in user's own mentors,
-- and lives in `private`, which the Data API does not serve.
comment on view private.visible_mentors is
  'The signed-in user''s own mentor row and every mentor it is responsible for, for the history policy''s per-row EXISTS (a mentor may appear more than once).';
revoke all on table private.visible_mentors from public, anon, authenticated, service_role;
grant select on table private.visible_mentors to authenticated;

alter policy peer_mentor_status_history_select_visible on public.peer_mentor_status_history
  using (exists (select 1 from private.visible_mentors v where v.mentor_id = peer_mentor_status_history.mentor_id));

create function private.rebuild_responsibility() returns table (coordinator_scopes bigint, mentor_scopes bigint)
language plpgsql
volatile
security definer -- rewrites the private tables; granted to nobody but the owner (operators, loaders)
set search_path = ''
as $$
begin
  perform private.lock_responsibility();
  delete from private.coordinator_scopes;
  delete from private.mentor_scopes;
  insert into private.coordinator_scopes (via, scope_id, coordinator_id, chapter_id)
  select v.via, case v.via when 'chapter' then c.id else c.organization_id end, k.user_id, c.id
    from public.chapter_memberships k
    join public.chapters c on c.id = k.chapter_id
   cross join (values ('chapter'::private.responsibility_via), ('organisation'::private.responsibility_via)) as v (via)
   where k.role = 'coordinator' and k.is_active;
  with mentor_chapters as (
    select pm.id as mentor_id, pm.user_id, m.chapter_id, c.organization_id
      from public.peer_mentors pm
      join public.chapter_memberships m on m.user_id = pm.user_id and m.role = 'peer_mentor' and m.is_active
      join public.chapters c on c.id = m.chapter_id
  ),
  direct as (
    select distinct mc.mentor_id
      from mentor_chapters mc
      join private.coordinator_scopes k
        on k.via = 'chapter' and k.scope_id = mc.chapter_id and k.coordinator_id <> mc.user_id
  )
  insert into private.mentor_scopes (mentor_id, via, scope_id, mentor_user_id)
  select distinct mc.mentor_id,
         case when d.mentor_id is not null then 'chapter' else 'organisation' end::private.responsibility_via,
         case when d.mentor_id is not null then mc.chapter_id else mc.organization_id end,
         mc.user_id
    from mentor_chapters mc
    left join direct d on d.mentor_id = mc.mentor_id;
  return query select (select pg_catalog.count(*) from private.coordinator_scopes),
                      (select pg_catalog.count(*) from private.mentor_scopes);
end;
$$;
comment on function private.rebuild_responsibility() is
  'Recomputes the whole responsibility relation from the base tables, under its lock, and returns the row counts of its two tables. For data loaded with triggers disabled or in session_replication_role = replica; private.responsibility_differences() says whether it is needed.';
revoke all on function private.rebuild_responsibility() from public, anon, authenticated, service_role;
