-- Rollback of 20261126100500_certification_expiry_job.sql: drops only what that migration added — the
-- function public.run_certification_expiry_job and its partial index on peer_mentors.
--
-- The job_runs rows and history rows the job wrote are kept (they belong to 20261126100200). Run it with:
--   npm run db:rollback -- 20261126100500
set lock_timeout = '3s';
set statement_timeout = '10min';

drop function if exists public.run_certification_expiry_job(timestamptz);

-- Dropping an index only removes catalog rows and a file: ACCESS EXCLUSIVE on peer_mentors for milliseconds,
-- bounded by lock_timeout. CONCURRENTLY would make the rollback non-atomic (it cannot run in a transaction).
-- squawk-ignore require-concurrent-index-deletion
drop index if exists public.peer_mentors_active_certification_expiry_idx;
