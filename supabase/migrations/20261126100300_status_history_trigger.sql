-- The database writes the status history; nobody can edit it.
--
-- On peer_mentors:
--   peer_mentors_status_rules (BEFORE INSERT / BEFORE UPDATE, per row, security invoker)
--       the business rules for signed-in callers, and status_changed_at kept current;
--   peer_mentors_history_on_insert / _on_update (AFTER, per statement, transition tables, security definer)
--       one history row per inserted mentor and per mentor whose status changed, written set-based: a bulk
--       UPDATE of N mentors writes its N rows in one INSERT ... SELECT (see bench/ for the row-level vs
--       statement-level measurement that chose this).
-- On peer_mentor_status_history:
--   peer_mentor_status_history_append_only (BEFORE UPDATE / DELETE per row, BEFORE TRUNCATE)
--       refuses every change except the foreign keys' own actions.
--
-- Errors raised here carry their own SQLSTATE (class PM, "peer mentors"):
--   PM001  app.job_run_id is not a uuid
--   PM002  app.job_run_id names no running job run
--   PM101  only a coordinator or a system caller may set or lift inactive
--   PM102  only a system caller may set active while the certification has expired
--   PM103  a mentor's id cannot change
--   PM201  peer_mentor_status_history is append-only
--
-- Live-safe: the history rows of existing mentors are written by 20261126100250, before this migration, where
-- no lock blocks writers. Here writers of peer_mentors wait only from the triggers' SHARE ROW EXCLUSIVE lock
-- (taken with the history's, in the app's order) to commit: a short second gap-filling pass and the grants.
-- (Restructured in place on 2026-12-01, before any database outside this repository had applied it: see the
-- README's changelog.)
set lock_timeout = '3s';
set statement_timeout = '10min';

create schema if not exists private;
comment on schema private is
  'Internals: trigger functions and RLS helpers. Not exposed by the Data API (PostgREST serves public), so signed-in users cannot call these over /rest/v1/rpc.';
revoke all on schema private from public;
-- Policies evaluated for these roles call helpers in this schema.
grant usage on schema private to authenticated, service_role;

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

create function private.is_coordinator_of_mentor(p_mentor_id uuid) returns boolean
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

-- ---------------------------------------------------------------------------------------------------------
-- AFTER: the history rows, set-based
-- ---------------------------------------------------------------------------------------------------------
create function private.job_run_id_for_history() returns uuid
language plpgsql
stable
security definer -- checks job_runs, which callers cannot read
set search_path = ''
as $$
declare
  v_job_run_id uuid := private.job_run_id_setting();
begin
  if v_job_run_id is not null
     and not exists (select 1 from public.job_runs where id = v_job_run_id and status = 'running') then
    raise exception 'app.job_run_id % names no running job run', v_job_run_id
      using errcode = 'PM002',
            hint = 'insert a job_runs row (status running) first and set its id; finished runs cannot be attributed more changes';
  end if;
  return v_job_run_id;
end;
$$;
comment on function private.job_run_id_for_history() is
  'The job run a change is attributed to: app.job_run_id, validated (PM001 not a uuid, PM002 no such running job run).';

create function private.record_status_history_on_insert() returns trigger
language plpgsql
volatile
security definer -- writes the history table, on which no API role has INSERT
set search_path = ''
as $$
declare
  v_changed_by uuid := auth.uid();
  v_job_run_id uuid := private.job_run_id_for_history();
begin
  insert into public.peer_mentor_status_history
         (mentor_id, previous_status, new_status, changed_by, changed_at, reason, job_run_id)
  select n.id, null, n.status, v_changed_by, n.status_changed_at, n.status_reason, v_job_run_id
    from new_rows n;
  return null;
end;
$$;
comment on function private.record_status_history_on_insert() is
  'AFTER INSERT statement trigger on peer_mentors: writes the first history row (previous_status null) of every new mentor.';

-- Statements of more than 100 rows run the INSERT through EXECUTE, planned for their own transition tables:
-- a static statement's plan is cached per session, and after a few one-row updates the cached nested-loop
-- join would make a later bulk UPDATE on the same connection quadratic (measured by npm run bench).
create function private.record_status_history_on_update() returns trigger
language plpgsql
volatile
security definer -- writes the history table, on which no API role has INSERT
set search_path = ''
as $$
declare
  v_changed_by uuid := auth.uid();
  v_job_run_id uuid := private.job_run_id_for_history();
begin
  if (select pg_catalog.count(*) from new_rows) <= 100 then
    -- A few rows (an app's change): static, the plan is cached for the session; any join is cheap here.
    insert into public.peer_mentor_status_history
           (mentor_id, previous_status, new_status, changed_by, changed_at, reason, job_run_id)
    select n.id, o.status, n.status, v_changed_by, n.status_changed_at, n.status_reason, v_job_run_id
      from new_rows n
      join old_rows o on o.id = n.id
     where n.status is distinct from o.status;
  else
    -- A bulk statement: planned for its own transition tables (see above).
    execute '
      insert into public.peer_mentor_status_history
             (mentor_id, previous_status, new_status, changed_by, changed_at, reason, job_run_id)
      select n.id, o.status, n.status, $1, n.status_changed_at, n.status_reason, $2
        from new_rows n
        join old_rows o on o.id = n.id
       where n.status is distinct from o.status'
      using v_changed_by, v_job_run_id;
  end if;
  return null;
end;
$$;
comment on function private.record_status_history_on_update() is
  'AFTER UPDATE statement trigger on peer_mentors: one history row per mentor whose status changed, in one INSERT ... SELECT over the transition tables.';

-- ---------------------------------------------------------------------------------------------------------
-- Mentors that existed before this migration start their chain in 20261126100250 (before the triggers, so
-- writers never wait for it). What that leaves open is filled here in two passes, so that the chain invariant
-- holds for every mentor (first row previous_status null, last row = its current status):
--   first pass, below, before any lock that blocks writers: mentors added since 20261126100250 get their
--     first row; mentors whose status changed meanwhile (no trigger wrote it) get one row from the last
--     recorded status to the current one, at this migration's time;
--   second pass, after the triggers exist and under their lock: the same for the few mentors written between
--     the first pass and the lock (see there). From then on the triggers write every change.
-- Set-based (hash joins over the whole table, a few seconds per million mentors, writers unaffected). The
-- xmin recorded first (a session setting: this transaction and psql's autocommit mode alike) bounds what
-- the second pass must look at.
-- ---------------------------------------------------------------------------------------------------------
select pg_catalog.set_config('pm_migration.history_gap_xmin', pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())::text, false);

with last as (
  select distinct on (h.mentor_id) h.mentor_id, h.new_status, h.changed_at
    from public.peer_mentor_status_history h
   order by h.mentor_id, h.changed_at desc, h.id desc
)
insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
select pm.id, last.new_status, pm.status,
       case when last.new_status is null then coalesce(pm.status_changed_at, pm.created_at)
            else greatest(pg_catalog.now(), last.changed_at + interval '1 microsecond') end,
       pm.status_reason
  from public.peer_mentors pm
  left join last on last.mentor_id = pm.id
 where last.new_status is distinct from pm.status;

-- The triggers below take SHARE ROW EXCLUSIVE on peer_mentors, then on the history, until this migration
-- commits: writers of peer_mentors wait from here to the end of the file (the second pass and the grants;
-- well under a second). Both are taken here first, in the app's order (a mentor's row, then its history),
-- so a concurrent write waits instead of deadlocking. A DO block, because the Supabase CLI sends a migration
-- file as one pipelined transaction, where a top-level LOCK TABLE is refused (25P01).
do $$
begin
  lock table public.peer_mentors, public.peer_mentor_status_history in share row exclusive mode;
end
$$;

create trigger peer_mentors_status_rules_on_insert
  before insert on public.peer_mentors
  for each row execute function private.enforce_mentor_status_rules();

create trigger peer_mentors_status_rules_on_update
  before update on public.peer_mentors
  for each row
  when (old.status is distinct from new.status
        or old.status_changed_at is distinct from new.status_changed_at
        or old.id is distinct from new.id)
  execute function private.enforce_mentor_status_rules();

create trigger peer_mentors_history_on_insert
  after insert on public.peer_mentors
  referencing new table as new_rows
  for each statement execute function private.record_status_history_on_insert();

create trigger peer_mentors_history_on_update
  after update on public.peer_mentors
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.record_status_history_on_update();

-- ---------------------------------------------------------------------------------------------------------
-- Append-only history
-- ---------------------------------------------------------------------------------------------------------
create function private.keep_status_history_append_only() returns trigger
language plpgsql
volatile
security definer -- looks up parents through RLS to recognise the foreign keys' own actions
set search_path = ''
as $$
begin
  if tg_op = 'TRUNCATE' then
    raise exception 'peer_mentor_status_history is append-only: TRUNCATE is not allowed'
      using errcode = 'PM201';
  elsif tg_op = 'DELETE' then
    -- The one delete allowed is mentor_id's ON DELETE CASCADE: by then the mentor is gone.
    if not exists (select 1 from public.peer_mentors where id = old.mentor_id) then
      return old;
    end if;
    raise exception 'peer_mentor_status_history is append-only: rows cannot be deleted (history row %)', old.id
      using errcode = 'PM201',
            hint = 'history goes only with its mentor (GDPR erasure: delete the peer_mentors row)';
  end if;

  -- UPDATE: only ON DELETE SET NULL of changed_by / job_run_id, once that user or job run is gone.
  if new.id = old.id
     and new.mentor_id = old.mentor_id
     and new.previous_status is not distinct from old.previous_status
     and new.new_status = old.new_status
     and new.changed_at = old.changed_at
     and new.reason is not distinct from old.reason
     and (new.changed_by is not distinct from old.changed_by
          or (new.changed_by is null and not exists (select 1 from public.users where id = old.changed_by)))
     and (new.job_run_id is not distinct from old.job_run_id
          or (new.job_run_id is null and not exists (select 1 from public.job_runs where id = old.job_run_id))) then
    return new;
  end if;
  raise exception 'peer_mentor_status_history is append-only: rows cannot be updated (history row %)', old.id
    using errcode = 'PM201';
end;
$$;
comment on function private.keep_status_history_append_only() is
  'Refuses UPDATE, DELETE and TRUNCATE on the history for every role, the owner included, except the foreign keys'' own actions (cascade on mentor deletion; set null when a user or job run is deleted).';

create trigger peer_mentor_status_history_append_only
  before update or delete on public.peer_mentor_status_history
  for each row execute function private.keep_status_history_append_only();

create trigger peer_mentor_status_history_no_truncate
  before truncate on public.peer_mentor_status_history
  for each statement execute function private.keep_status_history_append_only();

-- ALWAYS: they fire in session_replication_role = replica too (restores, logical replication), where
-- ordinary triggers are skipped.
alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_append_only;
alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_no_truncate;

-- ---------------------------------------------------------------------------------------------------------
-- The gap, second pass (under the lock taken above, so it must be short): mentors added or changed between
-- the first pass's snapshot and the lock. Their row versions are the only ones written by a transaction that
-- was still running or not yet started when that snapshot was taken, i.e. whose xmin is at or after the xmin
-- recorded before the first pass (age() compares xids wraparound-safely; frozen rows are old and excluded).
-- One sequential scan of peer_mentors picks them out (~0.1-0.3 s per million mentors), then the same insert
-- as the first pass runs for just those ids, by index. A VACUUM FREEZE run during this migration could
-- freeze such a row and hide it; the first pass covers everything committed before it started.
-- ---------------------------------------------------------------------------------------------------------
do $$
declare
  v_since integer := pg_catalog.age(pg_catalog.current_setting('pm_migration.history_gap_xmin')::xid8::xid);
  v_ids uuid[];
begin
  select pg_catalog.array_agg(pm.id) into v_ids
    from public.peer_mentors pm
   where pg_catalog.age(pm.xmin) <= v_since;
  insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
  select pm.id, last.new_status, pm.status,
         case when last.new_status is null then coalesce(pm.status_changed_at, pm.created_at)
              else greatest(pg_catalog.now(), last.changed_at + interval '1 microsecond') end,
         pm.status_reason
    from public.peer_mentors pm
    left join lateral (
           select h.new_status, h.changed_at
             from public.peer_mentor_status_history h
            where h.mentor_id = pm.id
            order by h.changed_at desc, h.id desc
            limit 1) last on true
   where pm.id = any (v_ids)
     and last.new_status is distinct from pm.status;
end
$$;

revoke all on function
  private.is_system_caller(),
  private.is_coordinator_of_mentor(uuid),
  private.job_run_id_setting(),
  private.job_run_id_for_history(),
  private.enforce_mentor_status_rules(),
  private.record_status_history_on_insert(),
  private.record_status_history_on_update(),
  private.keep_status_history_append_only()
  from public, anon, authenticated, service_role;
-- The BEFORE trigger runs as the caller, so the caller needs these two.
grant execute on function private.is_system_caller(), private.is_coordinator_of_mentor(uuid) to authenticated, service_role;
