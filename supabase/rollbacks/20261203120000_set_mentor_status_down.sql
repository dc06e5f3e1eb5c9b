-- Rollback of 20261203120000_set_mentor_status.sql: drops the function. Nothing depends on it; no table changes.
-- Apps calling it get PGRST202 (function not found) again and fall back to direct updates. Run it with:
--   npm run db:rollback -- 20261203120000
set lock_timeout = '3s';
set statement_timeout = '10min';

drop function if exists public.set_mentor_status(uuid, public.mentor_status, text);
