-- Rollback of 20261201100100_responsibility_backfill.sql: empties the responsibility relation's tables (the
-- migration only filled them; the schema is 20261201100000's). Run it with:
--   npm run db:rollback -- 20261201100100
set lock_timeout = '3s';
set statement_timeout = '10min';

select private.lock_responsibility();
delete from private.mentor_scopes;
delete from private.coordinator_scopes;
