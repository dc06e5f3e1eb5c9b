-- RLS, the rules and the outbox read the responsibility relation (20261201100000), and only it.
--
-- Before this migration "who looks after this mentor" was computed three ways (RLS helpers,
-- private.is_coordinator_of_mentor, private.coordinators_for_mentors) that disagreed: a coordinator told about
-- a mentor through the organisation fallback could not see or act on it. Now:
--   * RLS on peer_mentors and the history: the caller's own mentor row, and every mentor it is responsible
--     for (private.visible_mentor_ids()); profiles: also the users of those mentors;
--   * the rules (BEFORE trigger on peer_mentors), in the contract's 2026-12-01 wording:
--       PM101  only a coordinator responsible for the mentor, or a system caller, sets or lifts inactive;
--              on its own row everyone is a mentor, whatever its memberships (nobody coordinates itself);
--       PM003  an authenticated caller whose session carries app.job_run_id (a person's change is never a
--              job's);
--       PM104  status_reason changes only together with a status change, for every caller;
--   * coordinators_for_mentor and the outbox: the relation's coordinators (a coordinator's own change still
--     notifies the other responsible coordinators, never itself).
set lock_timeout = '3s';
set statement_timeout = '10min';

-- ALTER POLICY and CREATE OR REPLACE TRIGGER lock their tables (ACCESS EXCLUSIVE / SHARE ROW EXCLUSIVE, for
-- milliseconds). Taken up front, in the app's order (users, peer_mentors, then the history), so a live write
-- waits instead of deadlocking with this migration.
do $$
begin
  lock table public.users, public.peer_mentors, public.peer_mentor_status_history in access exclusive mode;
end
$$;

-- ---------------------------------------------------------------------------------------------------------
-- Readers of the relation
-- ---------------------------------------------------------------------------------------------------------
create or replace function private.is_coordinator_of_mentor(p_mentor_id uuid) returns boolean
language sql
stable
security definer -- reads the relation, which the caller cannot; returns only a boolean about the caller
set search_path = ''
as $$
  select exists (
    select 1
      from private.responsibilities r
     where r.mentor_id = p_mentor_id
       and r.coordinator_id = (select auth.uid())
  );
$$;
comment on function private.is_coordinator_of_mentor(uuid) is
  'True when the signed-in user (auth.uid()) is responsible for the mentor (private.responsibilities). Never true for the mentor''s own user: nobody coordinates itself.';

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

create or replace function private.coordinators_for_mentors(p_mentor_ids uuid[])
returns table (mentor_id uuid, coordinator_id uuid)
language sql
stable
security invoker -- callers are the definer trigger below and public.coordinators_for_mentor (service role)
set search_path = ''
as $$
  select distinct r.mentor_id, r.coordinator_id
    from private.responsibilities r
   where r.mentor_id = any (p_mentor_ids);
$$;
comment on function private.coordinators_for_mentors(uuid[]) is
  'For each mentor, each coordinator responsible for it (private.responsibilities) once.';

comment on function public.coordinators_for_mentor(uuid) is
  'Service role only. The user ids, each once, of the coordinators responsible for the mentor: the active coordinators of every chapter where it has an active peer_mentor membership, the mentor itself excluded; where there are none, the active coordinators of those chapters'' organisation(s), the mentor itself excluded; else none. Reads private.responsibilities.';

-- Statements of more than 100 history rows run the INSERT through EXECUTE, planned for their own transition
-- table (as private.record_status_history_on_update does): a cached plan made for one row would be reused for
-- the nightly job's 100k.
create or replace function private.queue_coordinator_notifications() returns trigger
language plpgsql
volatile
security definer -- writes the outbox and reads the relation, neither of which the caller may do
set search_path = ''
as $$
begin
  if (select pg_catalog.count(*) from new_rows) <= 100 then
    insert into public.coordinator_notifications (history_id, coordinator_id)
    select distinct h.id, r.coordinator_id
      from new_rows h
      join private.responsibilities r on r.mentor_id = h.mentor_id
     where h.previous_status is not null
       and h.new_status in ('paused', 'inactive')
       and r.coordinator_id is distinct from h.changed_by
    on conflict (history_id, coordinator_id) do nothing;
  else
    execute '
      insert into public.coordinator_notifications (history_id, coordinator_id)
      select distinct h.id, r.coordinator_id
        from new_rows h
        join private.responsibilities r on r.mentor_id = h.mentor_id
       where h.previous_status is not null
         and h.new_status in (''paused'', ''inactive'')
         and r.coordinator_id is distinct from h.changed_by
      on conflict (history_id, coordinator_id) do nothing';
  end if;
  return null;
end;
$$;
comment on function private.queue_coordinator_notifications() is
  'AFTER INSERT statement trigger on the history: queues one notification per responsible coordinator (private.responsibilities) for each change to paused or inactive (not a mentor''s first row), none for the coordinator who made it; set-based, de-duplicated by the unique key.';

-- ---------------------------------------------------------------------------------------------------------
-- The rules
-- ---------------------------------------------------------------------------------------------------------
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
      if new.status_reason is distinct from old.status_reason then
        raise exception 'status_reason changes only together with a status change (mentor %, status stays %)',
            new.id, new.status
          using errcode = 'PM104',
                hint = 'set status and status_reason in one update: the history records every reason with its status';
      end if;
      -- No status change: status_changed_at is the database's to set, never the caller's.
      new.status_changed_at := old.status_changed_at;
      return new;
    end if;
  end if;

  -- private.is_system_caller(), inlined: this runs once per changed row, and a call to a function with its
  -- own search_path setting cannot be inlined by the planner.
  if not (current_user = 'service_role' or pg_catalog.pg_has_role(current_user, 'postgres', 'member')) then
    -- A person's change is never a job's (PM001 first if the setting is not even a uuid).
    if private.job_run_id_setting() is not null then
      raise exception 'a signed-in caller cannot attribute its change to a job run (app.job_run_id is set to %)',
          pg_catalog.current_setting('app.job_run_id', true)
        using errcode = 'PM003',
              hint = 'clear it (set_config(''app.job_run_id'', '''', true)): only system callers (service role, jobs) record job runs';
    end if;
    if new.status = 'inactive' or old.status = 'inactive' then
      if new.user_id = (select auth.uid()) then
        raise exception 'only a coordinator or a system caller may set or lift inactive (mentor %: % -> %)',
            new.id, old.status, new.status
          using errcode = 'PM101',
                hint = 'nobody coordinates itself: on its own row everyone is a mentor, and a mentor may move its status between active and paused only';
      elsif not private.is_coordinator_of_mentor(new.id) then
        raise exception 'only a coordinator or a system caller may set or lift inactive (mentor %: % -> %)',
            new.id, old.status, new.status
          using errcode = 'PM101',
                hint = 'only a coordinator responsible for this mentor may; a mentor may move its own status between active and paused';
      end if;
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
  'BEFORE trigger on peer_mentors: refuses changes that break the rules (PM101 inactive, PM102 expired certification, PM103 id, PM104 reason without status, PM003 a person''s change under a job run id) and sets status_changed_at on every status change.';

-- Also fires on a reason-only change, so PM104 can refuse it.
create or replace trigger peer_mentors_status_rules_on_update
  before update on public.peer_mentors
  for each row
  when (old.status is distinct from new.status
        or old.status_reason is distinct from new.status_reason
        or old.status_changed_at is distinct from new.status_changed_at
        or old.id is distinct from new.id)
  execute function private.enforce_mentor_status_rules();

-- ---------------------------------------------------------------------------------------------------------
-- Policies: `= any (array(select ...))` is evaluated once per statement (an InitPlan) and, unlike
-- `in (select ...)` (a hashed SubPlan over every row), can drive an index scan: a coordinator's listing reads
-- its mentors by primary key instead of filtering the whole table.
-- ---------------------------------------------------------------------------------------------------------
alter policy peer_mentors_select_self_or_coordinated on public.peer_mentors
  using (id = any (array(select private.visible_mentor_ids())));

alter policy peer_mentors_update_self_or_coordinated on public.peer_mentors
  using (id = any (array(select private.visible_mentor_ids())))
  with check (id = any (array(select private.visible_mentor_ids())));

alter policy peer_mentor_status_history_select_visible on public.peer_mentor_status_history
  using (mentor_id = any (array(select private.visible_mentor_ids())));

-- The BEFORE trigger runs as the caller and now reads app.job_run_id itself (PM001 / PM003).
grant execute on function private.job_run_id_setting() to authenticated, service_role;
