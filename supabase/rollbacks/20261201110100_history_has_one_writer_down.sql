-- Rollback of 20261201110100_history_has_one_writer.sql: drops the single-writer guard on the history (the
-- owner can then INSERT history rows directly again; the append-only triggers stay). Run it with:
--   npm run db:rollback -- 20261201110100
set lock_timeout = '3s';
set statement_timeout = '10min';

drop trigger if exists peer_mentor_status_history_single_writer on public.peer_mentor_status_history;
drop function if exists private.keep_status_history_single_writer();
