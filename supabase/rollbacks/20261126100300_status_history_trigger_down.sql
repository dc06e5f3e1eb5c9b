-- Rollback of 20261126100300_status_history_trigger.sql: drops only what that migration added — the four
-- triggers on peer_mentors, the two append-only triggers on the history, their eight functions, and schema
-- private when nothing else lives in it.
--
-- From here on the database no longer writes history rows and no longer guards them: status changes made
-- before 20261126100200 is rolled back (or this migration re-applied) leave no trace. The history rows written
-- so far (20261126100250's chain starts, this migration's gap-filling rows, the triggers' rows) stay; they go
-- with the table in 20261126100200_status_history_down.sql. Re-applying this migration does not duplicate
-- them: its gap-filling passes add a row only for a mentor without a chain, or whose status changed meanwhile.
-- Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261126100300_status_history_trigger_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261126100300';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
  if to_regprocedure('private.visible_mentor_ids()') is not null then
    raise exception 'roll back 20261126100400_row_level_security first: private.visible_mentor_ids() still exists'
      using errcode = 'dependent_objects_still_exist';
  end if;
end
$$;

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

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261126100300';
  end if;
end
$$;
