-- Every mentor that exists before the history trigger (20261126100300) starts its chain here: one history row
-- with previous_status null and its current status, so the chain invariant holds for every mentor.
--
-- Why a migration of its own, before the trigger: written in the trigger's migration, these rows (one per
-- mentor, 1M in the rehearsal) were inserted while `create trigger` held SHARE ROW EXCLUSIVE on peer_mentors,
-- and writers waited ~15 s (past Supabase's 8 s statement_timeout for authenticated). Here no lock blocks them:
-- the insert takes ROW EXCLUSIVE on the history (nobody else writes it before the trigger exists) and its
-- foreign-key checks take FOR KEY SHARE on each mentor row, which plain UPDATEs of peer_mentors do not wait for
-- (only a DELETE of a mentor, or a change of its id, would wait until this commits).
-- 20261126100300 fills what this leaves open: mentors added or changed between the two migrations.
--
-- One statement: the Supabase CLI runs the file in one transaction, so batches could not commit separately,
-- and row locks would be held to the end all the same. The history is empty on a first deploy; after a
-- rollback of 20261126100300 and this migration (rows kept), re-applying adds only mentors without a chain.
-- Rollback: supabase/rollbacks/20261126100250_status_history_backfill_down.sql (keeps the rows).
set lock_timeout = '3s';
set statement_timeout = '10min';

-- `order by` on a column with no index: the sort reads the whole anti-join before the first row is inserted.
-- Without it the planner may pick a nested loop over the (still empty, unanalysed) history, which then rescans
-- every row this statement has inserted so far for each mentor: quadratic, > 10 min for 1M mentors (measured).
insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
select pm.id, null, pm.status, coalesce(pm.status_changed_at, pm.created_at), pm.status_reason
  from public.peer_mentors pm
 where not exists (select 1 from public.peer_mentor_status_history h where h.mentor_id = pm.id)
 order by coalesce(pm.status_changed_at, pm.created_at), pm.id;

-- Statistics for the next migration's gap-filling queries (SHARE UPDATE EXCLUSIVE: reads and writes go on).
analyze public.peer_mentor_status_history;
