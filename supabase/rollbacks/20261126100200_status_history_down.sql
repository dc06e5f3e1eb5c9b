-- Rollback of 20261126100200_status_history.sql: drops only what that migration added — the tables
-- public.peer_mentor_status_history and public.job_runs.
--
-- THIS DESTROYS THE AUDIT TRAIL: every history row (and every job run) is gone for good. The script therefore
-- refuses unless the session says so explicitly (app.allow_history_drop = 'on', which the command sets):
--   npm run db:rollback -- 20261126100200 --allow-history-drop
-- Export the history first if it must be kept:
--   psql -d "$DATABASE_URL" -c "\copy public.peer_mentor_status_history to 'history.csv' csv header"
--
-- A rollback removes what its migration added, on purpose; the opt-in above guards the audit data.
-- squawk-ignore-file ban-drop-table
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_history bigint;
  v_job_runs bigint;
begin
  if coalesce(current_setting('app.allow_history_drop', true), '') <> 'on' then
    raise exception 'refusing to drop public.peer_mentor_status_history: it is the audit trail and its rows would be lost'
      using errcode = 'object_not_in_prerequisite_state',
            hint = 'export it first if it must be kept, then: npm run db:rollback -- 20261126100200 --allow-history-drop (it sets app.allow_history_drop = ''on'')';
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
