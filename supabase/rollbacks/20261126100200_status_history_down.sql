-- Rollback of 20261126100200_status_history.sql: drops only what that migration added — the tables
-- public.peer_mentor_status_history and public.job_runs.
--
-- THIS DESTROYS THE AUDIT TRAIL: every history row (and every job run) is gone for good. The script therefore
-- refuses unless the session says so explicitly:
--   PGOPTIONS='-c app.allow_history_drop=on' \
--     psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261126100200_status_history_down.sql
-- (or `set app.allow_history_drop = 'on';` in the same session). Export the history first if it must be kept:
--   psql -d "$DATABASE_URL" -c "\copy public.peer_mentor_status_history to 'history.csv' csv header"
-- Run newest first: 20261126100300_status_history_trigger_down.sql must have run.
--
-- A rollback removes what its migration added, on purpose; the opt-in above guards the audit data.
-- squawk-ignore-file ban-drop-table
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
  v_history bigint;
  v_job_runs bigint;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261126100200';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
  if to_regprocedure('private.record_status_history_on_update()') is not null then
    raise exception 'roll back 20261126100300_status_history_trigger first: private.record_status_history_on_update() still exists'
      using errcode = 'dependent_objects_still_exist';
  end if;
  if coalesce(current_setting('app.allow_history_drop', true), '') <> 'on' then
    raise exception 'refusing to drop public.peer_mentor_status_history: it is the audit trail and its rows would be lost'
      using errcode = 'object_not_in_prerequisite_state',
            hint = 'export it first if it must be kept, then run this script with app.allow_history_drop = ''on'' (PGOPTIONS=''-c app.allow_history_drop=on'')';
  end if;
  if to_regclass('public.peer_mentor_status_history') is not null then
    select count(*) into v_history from public.peer_mentor_status_history;
    raise notice 'dropping public.peer_mentor_status_history with % row(s) (app.allow_history_drop = on)', v_history;
  end if;
  if to_regclass('public.job_runs') is not null then
    select count(*) into v_job_runs from public.job_runs;
    raise notice 'dropping public.job_runs with % row(s)', v_job_runs;
  end if;
end
$$;

drop table if exists public.peer_mentor_status_history;
drop table if exists public.job_runs;

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261126100200';
  end if;
end
$$;
