-- Validates last_error_is_short and dead_is_not_dispatched, added NOT VALID by 20261201110400.
--
-- A migration of its own, so it runs in its own transaction: VALIDATE CONSTRAINT takes only SHARE UPDATE
-- EXCLUSIVE on the outbox, and the queueing trigger and the dispatchers carry on while it scans.
-- Its rollback puts them back NOT VALID (supabase/rollbacks/20261201110450_validate_outbox_checks_down.sql).
set lock_timeout = '3s';
set statement_timeout = '10min';

alter table public.coordinator_notifications validate constraint last_error_is_short;
alter table public.coordinator_notifications validate constraint dead_is_not_dispatched;
