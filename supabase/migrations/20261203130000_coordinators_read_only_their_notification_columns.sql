-- Coordinators read only the contract's columns of their notifications (contract, "Coordinator notifications"):
-- id, history_id, coordinator_id, created_at, dispatched_at, read_at. Issue 18, hole 4.
--
-- 20261126100600 granted authenticated a table-wide SELECT, so a coordinator also read the dispatcher's
-- bookkeeping on its own rows: last_error (where the webhook sender stores the URL, with any secret in its path,
-- and the body of the answer), claim_token, claimed_at, claim_lease, attempts, last_failed_at, next_attempt_at,
-- dead_at. Realtime applies the same column privileges to every subscriber (realtime.apply_rls keeps only the
-- columns the subscriber's role may SELECT), so it pushed them live too.
--
-- Now SELECT is granted per column: a column added later is readable by nobody but the service role until a
-- migration grants it. RLS is unchanged (a coordinator's own rows only); UPDATE (read_at) is unchanged and still
-- works, since its WHERE reads only granted columns. `select *` by a coordinator is refused (42501): apps list
-- the columns (supabase-js `.select('id, history_id, created_at, read_at')`). docs/realtime.md says what a
-- subscriber receives.
--
-- GRANT and REVOKE change the table's ACL only: no lock that a reader or writer waits for.
set lock_timeout = '3s';
set statement_timeout = '10min';

revoke select on table public.coordinator_notifications from authenticated;
grant select (id, history_id, coordinator_id, created_at, dispatched_at, read_at)
  on table public.coordinator_notifications to authenticated;
