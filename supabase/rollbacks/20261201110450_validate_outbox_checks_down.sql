-- Rollback of 20261201110450_validate_outbox_checks.sql: puts last_error_is_short and dead_is_not_dispatched back
-- the way 20261201110400 left them, NOT VALID (PostgreSQL cannot un-validate a constraint, so each is dropped and
-- added again NOT VALID in one statement: no scan, ACCESS EXCLUSIVE on the outbox for milliseconds). New and
-- updated rows are checked throughout. Run it with:
--   npm run db:rollback -- 20261201110450
set lock_timeout = '3s';
set statement_timeout = '10min';

alter table public.coordinator_notifications
  drop constraint if exists last_error_is_short,
  add constraint last_error_is_short check (char_length(last_error) <= 2000) not valid,
  drop constraint if exists dead_is_not_dispatched,
  add constraint dead_is_not_dispatched check (dead_at is null or dispatched_at is null) not valid;
