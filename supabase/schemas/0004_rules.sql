-- The rules on peer_mentors, enforced by the database for every caller (BEFORE triggers, per row, security
-- invoker: the rules depend on who the caller is), and status_changed_at kept current.
--
-- Errors (class PM, "peer mentors"; docs/errors.md):
--   PM001  app.job_run_id is not a uuid
--   PM003  a signed-in caller's session carries app.job_run_id (a person's change is never a job's)
--   PM101  only a coordinator responsible for the mentor, or a system caller, sets or lifts inactive;
--          on its own row everyone is a mentor, whatever its memberships (nobody coordinates itself)
--   PM102  only a system caller may set active while the certification has expired
--   PM103  a mentor's id cannot change
--   PM104  status_reason changes only together with a status change, for every caller
--   PM401  set_mentor_status: no mentor with that id that the caller may change (not yours, or not there)

-- ---------------------------------------------------------------------------------------------------------
-- Who is calling
-- ---------------------------------------------------------------------------------------------------------
create function private.is_system_caller() returns boolean
language sql
stable
security invoker -- must see the caller: a definer function would always see its owner
set search_path = ''
as $$
  -- System callers: the service role, and the database owner (or a superuser) running migrations or jobs,
  -- including a security definer job function owned by it. Everyone else, signed-in users first, is bound
  -- by the mentor and coordinator rules.
  select current_user = 'service_role' or pg_catalog.pg_has_role(current_user, 'postgres', 'member');
$$;
comment on function private.is_system_caller() is
  'True for the service role and the database owner (migrations, jobs); false for anon, authenticated and any other role. Security invoker on purpose: it inspects current_user.';

create function private.job_run_id_setting() returns uuid
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_raw text := nullif(pg_catalog.btrim(pg_catalog.current_setting('app.job_run_id', true)), '');
begin
  if v_raw is null then
    return null;
  end if;
  begin
    return v_raw::uuid;
  exception when invalid_text_representation then
    raise exception 'app.job_run_id must be a uuid (got %)', pg_catalog.quote_literal(v_raw)
      using errcode = 'PM001',
            hint = 'set it with set_config(''app.job_run_id'', <job_runs.id>::text, true), or leave it unset for changes made by people';
  end;
end;
$$;
comment on function private.job_run_id_setting() is
  'The session setting app.job_run_id as a uuid; null when unset or empty; PM001 when it is not a uuid.';

-- ---------------------------------------------------------------------------------------------------------
-- BEFORE: rules and status_changed_at
-- ---------------------------------------------------------------------------------------------------------
create function private.enforce_mentor_status_rules() returns trigger
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

create trigger peer_mentors_status_rules_on_insert
  before insert on public.peer_mentors
  for each row execute function private.enforce_mentor_status_rules();

-- Also fires on a reason-only change, so PM104 can refuse it.
create trigger peer_mentors_status_rules_on_update
  before update on public.peer_mentors
  for each row
  when (old.status is distinct from new.status
        or old.status_reason is distinct from new.status_reason
        or old.status_changed_at is distinct from new.status_changed_at
        or old.id is distinct from new.id)
  execute function private.enforce_mentor_status_rules();

-- ---------------------------------------------------------------------------------------------------------
-- A status change that says when it changed nothing (issue 17): the caller's own UPDATE (security invoker, so
-- RLS, the column grants and the rules above apply), returning the row as it now is, or PM401 where a direct
-- UPDATE would quietly change 0 rows. PM401 is the same for "not yours" and "not there": it reveals nothing.
-- ---------------------------------------------------------------------------------------------------------
create function public.set_mentor_status(p_mentor_id uuid, p_status public.mentor_status, p_reason text default null)
returns public.peer_mentors
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_row public.peer_mentors;
begin
  update public.peer_mentors pm
     set status = p_status,
         status_reason = p_reason
   where pm.id = p_mentor_id
  returning pm.* into v_row;
  if not found then
    raise exception 'no mentor % that you may change (not yours, or not there)', coalesce(p_mentor_id::text, 'null')
      using errcode = 'PM401',
            hint = 'a signed-in caller changes its own mentor row, or the mentors it is responsible for as a coordinator; an id it may not see looks the same as one that does not exist';
  end if;
  return v_row;
end;
$$;
comment on function public.set_mentor_status(uuid, public.mentor_status, text) is
  'Sets one mentor''s status and status_reason (null clears the reason) as the caller, exactly as a direct UPDATE would (RLS, column grants, status rules, history, notifications), and returns the mentor row as it now is. PM401 when the caller may not change that mentor or it does not exist (the same error for both, so it reveals nothing). Setting the status it already has with the same reason changes nothing and returns the row.';
