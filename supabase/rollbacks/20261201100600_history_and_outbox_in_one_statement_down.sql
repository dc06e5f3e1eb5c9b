-- Rollback of 20261201100600_history_and_outbox_in_one_statement.sql: the outbox is filled again by its own
-- statement trigger on the history (20261201100200's function, verbatim), and the history trigger function goes
-- back to 20261126100300's (verbatim). Run it with:
--   npm run db:rollback -- 20261201100600
set lock_timeout = '3s';
set statement_timeout = '10min';

lock table public.users, public.peer_mentor_status_history in access exclusive mode;

create function private.queue_coordinator_notifications() returns trigger
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

create trigger peer_mentor_status_history_queue_notifications
  after insert on public.peer_mentor_status_history
  referencing new table as new_rows
  for each statement execute function private.queue_coordinator_notifications();

revoke all on function private.queue_coordinator_notifications() from public, anon, authenticated, service_role;

create or replace function private.record_status_history_on_update() returns trigger
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
