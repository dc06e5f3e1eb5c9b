-- Validates status_reason_is_short, added NOT VALID by 20261126100100_mentor_status_columns.
--
-- A migration of its own, so it runs in its own transaction: VALIDATE CONSTRAINT takes only SHARE UPDATE
-- EXCLUSIVE on peer_mentors, and reads and writes carry on while it scans. (Validated in the transaction
-- that added the constraint, the scan would run under that transaction's ACCESS EXCLUSIVE lock.)
-- Nothing to roll back: rolling back 20261126100100 drops the constraint.
set lock_timeout = '3s';
set statement_timeout = '10min';

alter table public.peer_mentors validate constraint status_reason_is_short;
