-- Rollback of 20261201100400_responsibility_maintenance_plans.sql: private.refresh_mentor_scopes and the
-- memberships' maintenance trigger function go back to 20261201100000's definitions, the history policy to
-- 20261201100300's (verbatim). Run it with:
--   npm run db:rollback -- 20261201100400
set lock_timeout = '3s';
set statement_timeout = '10min';

lock table public.users, public.peer_mentor_status_history in access exclusive mode;

create or replace function private.refresh_mentor_scopes(p_mentor_ids uuid[]) returns void
language plpgsql
volatile
security invoker -- called by the definer trigger functions below
set search_path = ''
set enable_hashjoin = off
set enable_mergejoin = off
as $$
begin
  if coalesce(pg_catalog.cardinality(p_mentor_ids), 0) = 0 then
    return;
  end if;
  execute 'delete from private.mentor_scopes s where s.mentor_id = any ($1)' using p_mentor_ids;
  -- "Another coordinator in this chapter" is one index probe into coordinator_scopes (which the caller has
  -- refreshed first) per mentor chapter; a mentor is looked after through its chapters when any of them
  -- has one (bool_or over the mentor's rows), else through their organisations.
  execute $q$
    insert into private.mentor_scopes (mentor_id, via, scope_id, mentor_user_id)
    select distinct f.mentor_id,
           case when f.direct then 'chapter' else 'organisation' end::private.responsibility_via,
           case when f.direct then f.chapter_id else f.organization_id end,
           f.user_id
      from (
        select pm.id as mentor_id, pm.user_id, m.chapter_id, c.organization_id,
               pg_catalog.bool_or(exists (
                 select 1 from private.coordinator_scopes k
                  where k.via = 'chapter' and k.scope_id = m.chapter_id and k.coordinator_id <> pm.user_id
               )) over (partition by pm.id) as direct
          from public.peer_mentors pm
          join public.chapter_memberships m on m.user_id = pm.user_id and m.role = 'peer_mentor' and m.is_active
          join public.chapters c on c.id = m.chapter_id
         where pm.id = any ($1)
      ) as f
  $q$ using p_mentor_ids;
end;
$$;
comment on function private.refresh_mentor_scopes(uuid[]) is
  'Recomputes the mentor_scopes rows of the given mentors from committed data.';

create or replace function private.maintain_responsibility_on_membership_change() returns trigger
language plpgsql
volatile
security definer -- writes the private tables, which no API role can touch
set search_path = ''
set enable_hashjoin = off -- index nested loops only: see private.refresh_mentor_scopes
set enable_mergejoin = off
as $$
declare
  -- The rows the statement touched, as one relation over its transition tables.
  v_touched text := case tg_op
    when 'INSERT' then 'select chapter_id, user_id, role from new_rows'
    when 'DELETE' then 'select chapter_id, user_id, role from old_rows'
    else 'select chapter_id, user_id, role from old_rows union select chapter_id, user_id, role from new_rows'
  end;
  v_coord_chapters uuid[];
  v_coord_users uuid[];
  v_mentors uuid[];
begin
  perform private.lock_responsibility();

  -- Coordinator memberships touched: their coordinator_scopes rows are recomputed.
  execute format($q$select array_agg(t.chapter_id), array_agg(t.user_id) from (%s) t where t.role = 'coordinator'$q$, v_touched)
     into v_coord_chapters, v_coord_users;
  if v_coord_chapters is not null then
    perform private.refresh_coordinator_scopes(v_coord_chapters, v_coord_users);
  end if;

  -- The mentors whose scopes may have moved: the peer_mentor members touched, and every mentor of a chapter
  -- whose coordinators changed (it may have gained or lost "another coordinator").
  execute format($q$
    select array_agg(distinct x.id) from (
      select pm.id from (%s) t join public.peer_mentors pm on pm.user_id = t.user_id where t.role = 'peer_mentor'
      union all
      select pm.id
        from public.chapter_memberships m
        join public.peer_mentors pm on pm.user_id = m.user_id
       where m.chapter_id = any ($1) and m.role = 'peer_mentor' and m.is_active
    ) as x
  $q$, v_touched) into v_mentors using coalesce(v_coord_chapters, '{}');
  perform private.refresh_mentor_scopes(v_mentors);
  return null;
end;
$$;
comment on function private.maintain_responsibility_on_membership_change() is
  'AFTER INSERT/UPDATE/DELETE statement trigger on chapter_memberships: refreshes the coordinator scopes of the coordinator memberships touched and the mentor scopes of every mentor they may move.';

alter policy peer_mentor_status_history_select_visible on public.peer_mentor_status_history
  using (exists (select 1 from private.visible_mentors v where v.mentor_id = peer_mentor_status_history.mentor_id));
