-- Rollback of 20261126100250_status_history_backfill.sql: that migration added rows, not schema, so its rollback
-- is only the bookkeeping npm run db:rollback does (its version leaves supabase_migrations.schema_migrations, so
-- `supabase migration up` applies it again); this script has no statement of its own.
--
-- The rows it wrote stay: they are the first link of each mentor's audit chain, and the history is
-- append-only. They go with the table in 20261126100200_status_history_down.sql; re-applying this migration
-- adds rows only for mentors that have none, so it does not duplicate them. Run it with:
--   npm run db:rollback -- 20261126100250
set lock_timeout = '3s';
set statement_timeout = '10min';

