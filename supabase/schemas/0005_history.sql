-- The database writes the status history, and the coordinators' notifications with it; nobody can edit it.
--
-- On peer_mentors:
--   peer_mentors_history_on_insert / _on_update (AFTER, per statement, transition tables, security definer)
--       one history row per inserted mentor and per mentor whose status changed, written set-based: a bulk
--       UPDATE of N mentors writes its N rows in one INSERT ... SELECT. An UPDATE writes, in the same
--       statement (INSERT ... RETURNING feeding the outbox INSERT), one coordinator notification per
--       responsible coordinator (private.responsibilities) for each change to paused or inactive, none for the
--       coordinator who made it, never twice (unique key).
-- On peer_mentor_status_history (ENABLE ALWAYS: they fire in session_replication_role = replica too):
--   peer_mentor_status_history_single_writer (BEFORE INSERT, per statement)
--       only the triggers above insert (pg_trigger_depth() > 1); a migration that must backfill history opts
--       in as the table owner, in its own transaction: set local app.history_backfill = 'on'.
--   peer_mentor_status_history_append_only (BEFORE UPDATE / DELETE per row), _no_truncate (BEFORE TRUNCATE)
--       refuse every change except the foreign keys' own actions.
--
-- Errors:
--   PM002  app.job_run_id names no running job run
--   PM201  peer_mentor_status_history is append-only
--   PM202  peer_mentor_status_history is written only by the database's triggers

-- ---------------------------------------------------------------------------------------------------------
-- AFTER: the history rows (and the outbox rows), set-based
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

-- Statements of more than 100 rows run through EXECUTE, planned for their own transition tables: a static
-- statement's plan is cached per session, and after a few one-row updates the cached nested-loop join would
-- make a later bulk UPDATE on the same connection quadratic (measured by npm run bench). The bulk path runs
-- with nested loops off for that statement: hash joins, linear whatever the statistics say.
create function private.record_status_history_on_update() returns trigger
language plpgsql
volatile
security definer -- writes the history and the outbox, on which no API role has INSERT
set search_path = ''
as $$
declare
  v_changed_by uuid := auth.uid();
  v_job_run_id uuid := private.job_run_id_for_history();
  v_nestloop text;
begin
  if (select pg_catalog.count(*) from new_rows) <= 100 then
    -- A few rows (an app's change): static, the plan is cached for the session; any join is cheap here.
    with history as (
      insert into public.peer_mentor_status_history
             (mentor_id, previous_status, new_status, changed_by, changed_at, reason, job_run_id)
      select n.id, o.status, n.status, v_changed_by, n.status_changed_at, n.status_reason, v_job_run_id
        from new_rows n
        join old_rows o on o.id = n.id
       where n.status is distinct from o.status
      returning id, mentor_id, new_status, changed_by
    )
    insert into public.coordinator_notifications (history_id, coordinator_id)
    select distinct h.id, r.coordinator_id
      from history h
      join private.responsibilities r on r.mentor_id = h.mentor_id
     where h.new_status in ('paused', 'inactive')
       and r.coordinator_id is distinct from h.changed_by
    on conflict (history_id, coordinator_id) do nothing;
  else
    -- A bulk statement: planned for its own transition tables (a cached plan made for one row would be
    -- reused here), hash joins only for this statement.
    v_nestloop := pg_catalog.current_setting('enable_nestloop');
    perform pg_catalog.set_config('enable_nestloop', 'off', true);
    execute '
      with history as (
        insert into public.peer_mentor_status_history
               (mentor_id, previous_status, new_status, changed_by, changed_at, reason, job_run_id)
        select n.id, o.status, n.status, $1, n.status_changed_at, n.status_reason, $2
          from new_rows n
          join old_rows o on o.id = n.id
         where n.status is distinct from o.status
        returning id, mentor_id, new_status, changed_by
      )
      insert into public.coordinator_notifications (history_id, coordinator_id)
      select distinct h.id, r.coordinator_id
        from history h
        join private.responsibilities r on r.mentor_id = h.mentor_id
       where h.new_status in (''paused'', ''inactive'')
         and r.coordinator_id is distinct from h.changed_by
      on conflict (history_id, coordinator_id) do nothing'
      using v_changed_by, v_job_run_id;
    perform pg_catalog.set_config('enable_nestloop', v_nestloop, true);
  end if;
  return null;
end;
$$;
comment on function private.record_status_history_on_update() is
  'AFTER UPDATE statement trigger on peer_mentors: one history row per mentor whose status changed and, in the same statement, one coordinator notification per responsible coordinator (private.responsibilities) for each change to paused or inactive, none for the coordinator who made it; set-based over the transition tables.';

create trigger peer_mentors_history_on_insert
  after insert on public.peer_mentors
  referencing new table as new_rows
  for each statement execute function private.record_status_history_on_insert();

create trigger peer_mentors_history_on_update
  after update on public.peer_mentors
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.record_status_history_on_update();

-- ---------------------------------------------------------------------------------------------------------
-- One writer, append-only
-- ---------------------------------------------------------------------------------------------------------
create function private.keep_status_history_single_writer() returns trigger
language plpgsql
volatile
security invoker -- must see the caller's own role: the opt-in is honoured for the owner only
set search_path = ''
as $$
begin
  -- The history triggers on peer_mentors insert from inside their own trigger call: depth 2 here.
  if pg_catalog.pg_trigger_depth() > 1 then
    return null;
  end if;
  if pg_catalog.current_setting('app.history_backfill', true) = 'on'
     and pg_catalog.pg_has_role(current_user,
           (select c.relowner from pg_catalog.pg_class c where c.oid = tg_relid), 'member') then
    return null;
  end if;
  raise exception 'peer_mentor_status_history is written only by the database''s triggers: change peer_mentors.status instead'
    using errcode = 'PM202',
          hint = 'a migration that must backfill history opts in as the table owner, in its own transaction: set local app.history_backfill = ''on''';
end;
$$;
comment on function private.keep_status_history_single_writer() is
  'BEFORE INSERT statement trigger on the history: refuses a direct INSERT (PM202) from every role, the owner included; lets through the history triggers (pg_trigger_depth() > 1) and an owner''s explicit, transaction-local backfill (set local app.history_backfill = ''on'').';

create trigger peer_mentor_status_history_single_writer
  before insert on public.peer_mentor_status_history
  for each statement execute function private.keep_status_history_single_writer();

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
-- ordinary triggers are skipped. Disabling them takes ALTER TABLE, i.e. a reviewed migration.
alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_single_writer;
alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_append_only;
alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_no_truncate;
