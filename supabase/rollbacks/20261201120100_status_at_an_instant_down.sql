-- Rollback of 20261201120100_status_at_an_instant.sql: drops the time-travel functions and their row type. Nothing else depends on it; no table changes. Run it with:
--   npm run db:rollback -- 20261201120100
set lock_timeout = '3s';
set statement_timeout = '10min';

drop function if exists public.chapter_status_at(uuid, timestamptz);
drop function if exists public.mentor_status_at(uuid, timestamptz);
drop type if exists public.mentor_status_at_instant;
