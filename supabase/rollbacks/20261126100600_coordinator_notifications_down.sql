-- Rollback of 20261126100600_coordinator_notifications.sql: drops only what that migration added — the
-- coordinator_notifications outbox (with its indexes, policies and grants), its queueing trigger on the
-- history, and the five functions (resolution, dispatcher API).
--
-- Undispatched notifications are lost with the table (a notice says how many); the status history they
-- point at is kept. Run it with (one transaction: its LOCK TABLE refuses to run outside one):
--   npm run db:rollback -- 20261126100600
--
-- A rollback removes what its migration added, on purpose (rehearsed by `npm run rehearse`).
-- squawk-ignore-file ban-drop-table
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_pending bigint;
begin
  if to_regclass('public.coordinator_notifications') is not null then
    select count(*) into v_pending from public.coordinator_notifications where dispatched_at is null;
    raise notice 'dropping public.coordinator_notifications with % undispatched notification(s)', v_pending;
  end if;
end
$$;

-- Dropping the trigger and the outbox's foreign keys takes ACCESS EXCLUSIVE on the history and on public.users.
-- The app's mentor writes lock users first and the history after (through the peer_mentors triggers); taking
-- both here first, in that order, makes a concurrent write wait (milliseconds) instead of deadlocking (40P01).
lock table public.users, public.peer_mentor_status_history in access exclusive mode;

drop trigger if exists peer_mentor_status_history_queue_notifications on public.peer_mentor_status_history;

drop function if exists public.claim_coordinator_notifications(integer, interval);
drop function if exists public.complete_coordinator_notifications(bigint[], uuid);
drop table if exists public.coordinator_notifications;
drop function if exists private.queue_coordinator_notifications();
drop function if exists public.coordinators_for_mentor(uuid);
drop function if exists private.coordinators_for_mentors(uuid[]);
