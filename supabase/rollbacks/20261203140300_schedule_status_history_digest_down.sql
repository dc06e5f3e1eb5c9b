-- Rollback of 20261203140300_schedule_status_history_digest.sql: unschedules the hourly digest (where pg_cron is installed). Run it with:
--   npm run db:rollback -- 20261203140300
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
begin
  -- Nested: cron.job is only parsed where pg_cron is installed.
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    if exists (select 1 from cron.job where jobname = 'status-history-digest') then
      perform cron.unschedule('status-history-digest');
    end if;
  end if;
end
$$;
