-- Rollback of 20261126100100_mentor_status_columns.sql: drops only what that migration added.
--
-- Later migrations depend on these columns and on the mentor_status type (the history table, the triggers,
-- the policies); roll those back first: npm run db:rollback takes them newest first and refuses otherwise,
-- rather than cascading into the audit history. Run it with:
--   npm run db:rollback -- 20261126100100
-- Dropping exactly the columns this step added is the point of a rollback; readers of the baseline
-- columns are unaffected (tests/rollback.test.ts runs them throughout).
-- squawk-ignore-file ban-drop-column
set lock_timeout = '3s';
set statement_timeout = '1min';

alter table public.peer_mentors
  drop constraint if exists status_reason_is_short,
  drop column if exists status,
  drop column if exists status_reason,
  drop column if exists status_changed_at,
  drop column if exists certification_expires_at;

drop type if exists public.mentor_status;
