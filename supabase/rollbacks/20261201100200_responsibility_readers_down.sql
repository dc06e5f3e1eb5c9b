-- Rollback of 20261201100200_responsibility_readers.sql: RLS, the rules, coordinators_for_mentor and the outbox
-- go back to computing responsibility on the fly, exactly as 20261126100300/100400/100600 defined them (the
-- function bodies, comments, policies and the rule trigger's WHEN clause below are theirs, verbatim).
-- Run it with:
--   npm run db:rollback -- 20261201100200
set lock_timeout = '3s';
set statement_timeout = '10min';

-- In the app's order (users, peer_mentors, the history), as the migration does.
lock table public.users, public.peer_mentors, public.peer_mentor_status_history in access exclusive mode;

create or replace function private.is_coordinator_of_mentor(p_mentor_id uuid) returns boolean
language sql
stable
security definer -- reads memberships the caller's RLS may hide; returns only a boolean about the caller
set search_path = ''
as $$
  select exists (
    select 1
      from public.peer_mentors pm
      join public.chapter_memberships mentor_m
        on mentor_m.user_id = pm.user_id and mentor_m.role = 'peer_mentor' and mentor_m.is_active
      join public.chapter_memberships coord_m
        on coord_m.chapter_id = mentor_m.chapter_id
       and coord_m.user_id = (select auth.uid())
       and coord_m.role = 'coordinator'
       and coord_m.is_active
     where pm.id = p_mentor_id
  );
$$;
comment on function private.is_coordinator_of_mentor(uuid) is
  'True when the signed-in user (auth.uid()) has an active coordinator membership in a chapter where the mentor has an active peer_mentor membership.';

create or replace function private.enforce_mentor_status_rules() returns trigger
language plpgsql
volatile
security invoker -- deliberately not definer: the rules depend on who the caller is (private.is_system_caller)
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    if new.id is distinct from old.id then
      raise exception 'a peer mentor''s id cannot change (it keys the status history)'
        using errcode = 'PM103';
    end if;
    if new.status is not distinct from old.status then
      -- No status change: status_changed_at is the database's to set, never the caller's.
      new.status_changed_at := old.status_changed_at;
      return new;
    end if;
  end if;

  -- private.is_system_caller(), inlined: this runs once per changed row, and a call to a function with its
  -- own search_path setting cannot be inlined by the planner.
  if not (current_user = 'service_role' or pg_catalog.pg_has_role(current_user, 'postgres', 'member')) then
    if (new.status = 'inactive' or old.status = 'inactive')
       and not private.is_coordinator_of_mentor(new.id) then
      raise exception 'only a coordinator or a system caller may set or lift inactive (mentor %: % -> %)',
          new.id, old.status, new.status
        using errcode = 'PM101',
              hint = 'a mentor may move its own status between active and paused';
    end if;
    if new.status = 'active' and new.certification_expires_at <= pg_catalog.now() then
      raise exception 'only a system caller may set active while the certification has expired (mentor %, expired %)',
          new.id, new.certification_expires_at
        using errcode = 'PM102',
              hint = 'renew the certification (certification_expires_at) first';
    end if;
  end if;

  -- Strictly increasing per mentor, even if the wall clock steps back: the history chain orders by it.
  new.status_changed_at := greatest(pg_catalog.clock_timestamp(), old.status_changed_at + interval '1 microsecond');
  return new;
end;
$$;
comment on function private.enforce_mentor_status_rules() is
  'BEFORE trigger on peer_mentors: refuses status changes that break the rules (PM101, PM102, PM103) for non-system callers, and sets status_changed_at on every status change.';

create or replace function private.visible_mentor_ids() returns setof uuid
language sql
stable
security definer -- reads peer_mentors and memberships without recursing into their policies
set search_path = ''
rows 200
as $$
  select pm.id
    from public.peer_mentors pm
   where pm.user_id = (select auth.uid())
  union
  select pm.id
    from public.chapter_memberships coordinator
    join public.chapter_memberships mentor
      on mentor.chapter_id = coordinator.chapter_id and mentor.role = 'peer_mentor' and mentor.is_active
    join public.peer_mentors pm on pm.user_id = mentor.user_id
   where coordinator.user_id = (select auth.uid())
     and coordinator.role = 'coordinator'
     and coordinator.is_active;
$$;
comment on function private.visible_mentor_ids() is
  'Mentors the signed-in user may see and change: itself, and every mentor with an active peer_mentor membership in a chapter where the user is an active coordinator.';

create or replace function private.coordinated_user_ids() returns setof uuid
language sql
stable
security definer -- reads chapter_memberships without recursing into its own policy
set search_path = ''
rows 200
as $$
  select distinct member.user_id
    from public.chapter_memberships coordinator
    join public.chapter_memberships member
      on member.chapter_id = coordinator.chapter_id and member.is_active
   where coordinator.user_id = (select auth.uid())
     and coordinator.role = 'coordinator'
     and coordinator.is_active;
$$;
comment on function private.coordinated_user_ids() is
  'Users with an active membership in a chapter where the signed-in user is an active coordinator (the coordinator included).';

create or replace function private.coordinators_for_mentors(p_mentor_ids uuid[])
returns table (mentor_id uuid, coordinator_id uuid)
language sql
stable
security invoker -- callers are the definer trigger below and public.coordinators_for_mentor (service role)
set search_path = ''
as $$
  with mentor_chapters as (
    select pm.id as mentor_id, m.chapter_id, c.organization_id
      from public.peer_mentors pm
      join public.chapter_memberships m
        on m.user_id = pm.user_id and m.role = 'peer_mentor' and m.is_active
      join public.chapters c on c.id = m.chapter_id
     where pm.id = any (p_mentor_ids)
  ),
  chapter_coordinators as (
    select distinct mc.mentor_id, k.user_id as coordinator_id
      from mentor_chapters mc
      join public.chapter_memberships k
        on k.chapter_id = mc.chapter_id and k.role = 'coordinator' and k.is_active
  ),
  organisation_coordinators as (
    -- Fallback, per mentor: none of its chapters has an active coordinator -> its organisations' coordinators.
    select distinct mc.mentor_id, k.user_id as coordinator_id
      from mentor_chapters mc
      join public.chapters oc on oc.organization_id = mc.organization_id
      join public.chapter_memberships k
        on k.chapter_id = oc.id and k.role = 'coordinator' and k.is_active
     where not exists (select 1 from chapter_coordinators cc where cc.mentor_id = mc.mentor_id)
  )
  select mentor_id, coordinator_id from chapter_coordinators
  union
  select mentor_id, coordinator_id from organisation_coordinators;
$$;
comment on function private.coordinators_for_mentors(uuid[]) is
  'For each mentor: the active coordinators of every chapter where it has an active peer_mentor membership; where there are none, the active coordinators of those chapters'' organisations. Each pair once.';

create or replace function private.queue_coordinator_notifications() returns trigger
language plpgsql
volatile
security definer -- writes the outbox and reads memberships, neither of which the caller may do
set search_path = ''
as $$
begin
  insert into public.coordinator_notifications (history_id, coordinator_id)
  select h.id, c.coordinator_id
    from private.coordinators_for_mentors(
           array(select n.mentor_id from new_rows n
                  where n.previous_status is not null and n.new_status in ('paused', 'inactive'))
         ) c
    join new_rows h on h.mentor_id = c.mentor_id
   where h.previous_status is not null
     and h.new_status in ('paused', 'inactive')
     and c.coordinator_id is distinct from h.changed_by
  on conflict (history_id, coordinator_id) do nothing;
  return null;
end;
$$;
comment on function private.queue_coordinator_notifications() is
  'AFTER INSERT statement trigger on the history: queues one notification per resolved coordinator for each change to paused or inactive (not a mentor''s first row), none for the coordinator who made it; set-based, de-duplicated by the unique key.';

comment on function public.coordinators_for_mentor(uuid) is
  'Service role only. The user ids, each once, of the active coordinators of every chapter where the mentor has an active peer_mentor membership; where there are none, the active coordinators of the mentor''s organisation(s); else none.';

create or replace trigger peer_mentors_status_rules_on_update
  before update on public.peer_mentors
  for each row
  when (old.status is distinct from new.status
        or old.status_changed_at is distinct from new.status_changed_at
        or old.id is distinct from new.id)
  execute function private.enforce_mentor_status_rules();

alter policy peer_mentors_select_self_or_coordinated on public.peer_mentors
  using (id in (select private.visible_mentor_ids()));

alter policy peer_mentors_update_self_or_coordinated on public.peer_mentors
  using (id in (select private.visible_mentor_ids()))
  with check (id in (select private.visible_mentor_ids()));

alter policy peer_mentor_status_history_select_visible on public.peer_mentor_status_history
  using (mentor_id in (select private.visible_mentor_ids()));

revoke execute on function private.job_run_id_setting() from authenticated, service_role;
