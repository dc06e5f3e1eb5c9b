-- Rollback of 20261203140120_status_history_writers_prove_their_rows.sql: the history triggers' functions go back to postgres's ownership and their earlier bodies (20261126100300's insert, 20261201100600's update, verbatim); the guard goes back to 20261201110100's (verbatim: pg_trigger_depth(), opt-in 'on'); the erasure records, the backfill-proof trigger, the writer role's policies and grants go. The proofs already written stay (data; the columns go with 20261203140100's rollback). Run it with:
--   npm run db:rollback -- 20261203140120
-- squawk-ignore-file ban-drop-table
set lock_timeout = '3s';
set statement_timeout = '10min';

-- In the app's order: users and peer_mentors waited for (lock_timeout), then the history and the outbox with
-- NOWAIT, all let go and asked for again 20 ms later when those two are not free at once (a reader of the
-- history, autovacuum), for up to a minute: see 20261203140120.
do $$
declare
  v_deadline timestamptz := pg_catalog.clock_timestamp() + interval '1 minute';
  v_nowait boolean;
begin
  loop
    v_nowait := false;
    begin
      lock table public.users, public.peer_mentors in access exclusive mode;
      v_nowait := true;
      lock table public.peer_mentor_status_history, public.coordinator_notifications in access exclusive mode nowait;
      exit;
    exception when lock_not_available then
      if not v_nowait then
        raise;
      end if;
      if pg_catalog.clock_timestamp() > v_deadline then
        lock table public.users, public.peer_mentors in access exclusive mode;
        lock table public.peer_mentor_status_history, public.coordinator_notifications in access exclusive mode;
        exit;
      end if;
      perform pg_catalog.pg_sleep(0.02);
    end;
  end loop;
end
$$;

-- Ownership back to the migration's role (it becomes a member of the writer role for these statements only).
do $$
begin
  execute pg_catalog.format('grant status_history_writer to %I', current_user);
  execute pg_catalog.format('alter function private.record_status_history_on_insert() owner to %I', current_user);
  execute pg_catalog.format('alter function private.record_status_history_on_update() owner to %I', current_user);
  execute pg_catalog.format('revoke status_history_writer from %I', current_user);
end
$$;

create or replace function private.record_status_history_on_insert() returns trigger
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

create or replace function private.record_status_history_on_update() returns trigger
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

create or replace function private.keep_status_history_single_writer() returns trigger
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

drop trigger peer_mentor_status_history_single_writer on public.peer_mentor_status_history;
create trigger peer_mentor_status_history_single_writer
  before insert on public.peer_mentor_status_history
  for each statement execute function private.keep_status_history_single_writer();
alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_single_writer;

drop trigger if exists peer_mentors_record_erasure on public.peer_mentors;
drop function if exists private.record_mentor_erasure();
drop table if exists public.status_history_erasures;
drop function if exists private.keep_status_history_erasures_append_only();
drop trigger if exists peer_mentor_status_history_prove_backfill on public.peer_mentor_status_history;
drop function if exists private.prove_backfilled_status_history();
drop policy if exists peer_mentor_status_history_insert_by_writer on public.peer_mentor_status_history;
drop policy if exists peer_mentor_status_history_select_by_writer on public.peer_mentor_status_history;
drop policy if exists coordinator_notifications_insert_by_writer on public.coordinator_notifications;
drop policy if exists coordinator_notifications_select_by_writer on public.coordinator_notifications;
drop function if exists private.history_changed_by();
revoke all on table public.peer_mentor_status_history, public.coordinator_notifications from status_history_writer;
revoke all on sequence public.peer_mentor_status_history_id_seq from status_history_writer;
revoke all on schema public, private from status_history_writer;
revoke all on function private.job_run_id_for_history() from status_history_writer;
revoke all on table private.responsibilities from status_history_writer;
