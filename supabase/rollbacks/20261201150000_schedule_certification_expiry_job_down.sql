-- Rollback of 20261201150000_schedule_certification_expiry_job.sql: unschedules the nightly job
-- 'certification-expiry' (when pg_cron has it). Run it with:
--   npm run db:rollback -- 20261201150000
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
begin
  -- Nested: cron.job is only parsed where pg_cron is installed.
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    if exists (select 1 from cron.job where jobname = 'certification-expiry') then
      perform cron.unschedule('certification-expiry');
    end if;
  end if;
end
$$;
