-- Rollback of 20261203140110_status_history_proof_adoption.sql: that migration wrote proofs, not schema, so its
-- rollback is only the bookkeeping npm run db:rollback does (its version leaves supabase_migrations.schema_migrations,
-- so `supabase migration up` applies it again); this script has no statement of its own.
--
-- The proofs it wrote stay: the history is append-only, and re-applying the migration proves only rows that have
-- none, chained on the proofs already stored. They go with their columns in
-- 20261203140100_status_history_proof_down.sql. Run it with:
--   npm run db:rollback -- 20261203140110
set lock_timeout = '3s';
set statement_timeout = '10min';
