-- Rollback of 20261126100150_validate_status_reason_check.sql: puts status_reason_is_short back the way
-- 20261126100100 left it, NOT VALID (PostgreSQL cannot un-validate a constraint, so it is dropped and added
-- again NOT VALID in one statement: no scan, ACCESS EXCLUSIVE on peer_mentors for milliseconds). New and
-- updated rows are checked throughout. Run it with:
--   npm run db:rollback -- 20261126100150
set lock_timeout = '3s';
set statement_timeout = '10min';

alter table public.peer_mentors
  drop constraint if exists status_reason_is_short,
  add constraint status_reason_is_short check (char_length(status_reason) <= 500) not valid;
