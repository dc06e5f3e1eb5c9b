-- The nightly certification expiry job, scheduled with pg_cron where the extension is installed (on Supabase:
-- Dashboard -> Database -> Extensions -> pg_cron; locally the compatibility layer creates it when the server
-- preloads it). Where pg_cron is not installed this migration changes nothing and says so: enable pg_cron and
-- run the same cron.schedule call (README, "Scheduling the job").
--
-- cron.schedule with a job name replaces that job's schedule and command, so this is idempotent. pg_cron runs
-- the command as the role that scheduled it (postgres, the database owner: a system caller for the rules), in
-- this database; every run leaves a public.job_runs row.
set lock_timeout = '3s';

do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(
      'certification-expiry',                          -- job name
      '15 2 * * *',                                    -- every night at 02:15 UTC
      'select public.run_certification_expiry_job()'
    );
  else
    raise notice 'pg_cron is not installed here: the nightly certification expiry job is not scheduled (enable pg_cron, then see README "Scheduling the job")';
  end if;
end
$$;
