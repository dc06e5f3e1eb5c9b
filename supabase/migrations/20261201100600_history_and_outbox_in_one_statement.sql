-- The history rows and the coordinators' notifications of a status change are written by one statement.
--
-- Until now the history trigger on peer_mentors inserted the history rows, and a second statement trigger on
-- the history (peer_mentor_status_history_queue_notifications) then counted and read them back from its own
-- transition table to queue the outbox rows: per single-row change one more trigger call, transition table
-- and two more queries (measured: about half of the audit's cost of a single-row pause, `npm run bench` (3)).
-- Now private.record_status_history_on_update() writes both in one INSERT ... RETURNING feeding the outbox
-- INSERT, reading the responsibility relation; the history trigger is dropped. The rules are the contract's,
-- unchanged: a change to paused or inactive (never a mentor's first row: those come from the INSERT trigger)
-- queues one row per responsible coordinator, none for the coordinator who made it, never twice (unique key).
-- Bulk statements (over 100 rows) are planned for their own transition tables, with hash joins (nested loops
-- off for that statement): linear whatever the statistics say, right after a bulk load included.
set lock_timeout = '3s';
set statement_timeout = '10min';

-- DROP TRIGGER locks the history (ACCESS EXCLUSIVE, milliseconds); in the app's order, users first.
do $$
begin
  lock table public.users, public.peer_mentor_status_history in access exclusive mode;
end
$$;

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

drop trigger peer_mentor_status_history_queue_notifications on public.peer_mentor_status_history;
drop function private.queue_coordinator_notifications();
