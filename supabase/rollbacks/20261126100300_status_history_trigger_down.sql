-- Rollback of 20261126100300_status_history_trigger.sql: drops only what that migration added — the four
-- triggers on peer_mentors, the two append-only triggers on the history, their eight functions, and schema
-- private when nothing else lives in it.
--
-- From here on the database no longer writes history rows and no longer guards them: status changes made
-- before 20261126100200 is rolled back (or this migration re-applied) leave no trace. The history rows written
-- so far (20261126100250's chain starts, this migration's gap-filling rows, the triggers' rows) stay; they go
-- with the table in 20261126100200_status_history_down.sql. Re-applying this migration does not duplicate
-- them: its gap-filling passes add a row only for a mentor without a chain, or whose status changed meanwhile.
-- Run it with:
--   npm run db:rollback -- 20261126100300
set lock_timeout = '3s';
set statement_timeout = '10min';

drop trigger if exists peer_mentors_status_rules_on_insert on public.peer_mentors;
drop trigger if exists peer_mentors_status_rules_on_update on public.peer_mentors;
drop trigger if exists peer_mentors_history_on_insert on public.peer_mentors;
drop trigger if exists peer_mentors_history_on_update on public.peer_mentors;
drop trigger if exists peer_mentor_status_history_append_only on public.peer_mentor_status_history;
drop trigger if exists peer_mentor_status_history_no_truncate on public.peer_mentor_status_history;

drop function if exists private.keep_status_history_append_only();
drop function if exists private.record_status_history_on_update();
drop function if exists private.record_status_history_on_insert();
drop function if exists private.job_run_id_for_history();
drop function if exists private.enforce_mentor_status_rules();
drop function if exists private.job_run_id_setting();
drop function if exists private.is_coordinator_of_mentor(uuid);
drop function if exists private.is_system_caller();

-- The migration created schema private (`if not exists`); drop it only if nothing else lives there.
do $$
begin
  drop schema if exists private;
exception when dependent_objects_still_exist then
  raise notice 'schema private kept: it still holds objects that 20261126100300 did not create';
end
$$;
