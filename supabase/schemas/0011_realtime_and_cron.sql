-- What depends on the platform, guarded the same way as its migrations: where the environment lacks it, nothing
-- changes and a notice says so.

-- Realtime: coordinator_notifications is in the supabase_realtime publication, so a coordinator's app receives
-- its new notifications live (supabase-js: channel().on('postgres_changes', { event: 'INSERT', schema: 'public',
-- table: 'coordinator_notifications' }, ...)). Realtime applies the table's RLS per subscriber: a coordinator
-- receives only its own notifications, as with a SELECT.
do $$
begin
  if not exists (select 1 from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    raise notice 'no supabase_realtime publication here: coordinator_notifications is not published';
  elsif not exists (select 1 from pg_catalog.pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'coordinator_notifications') then
    alter publication supabase_realtime add table public.coordinator_notifications;
  end if;
end
$$;

-- The nightly certification expiry job, scheduled with pg_cron where the extension is installed (on Supabase:
-- Dashboard -> Database -> Extensions -> pg_cron). cron.schedule with a job name replaces that job's schedule
-- and command, so this is idempotent. pg_cron runs the command as the role that scheduled it (postgres, the
-- database owner: a system caller for the rules); every run leaves a public.job_runs row.
do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(
      'certification-expiry',                          -- job name
      '15 2 * * *',                                    -- every night at 02:15 UTC
      'select public.run_certification_expiry_job()'
    );
  else
    raise notice 'pg_cron is not installed here: the nightly certification expiry job is not scheduled (enable pg_cron, then see docs/scheduling.md)';
  end if;
end
$$;

-- An hourly digest of the history (docs/tamper-evidence.md), at minute 5, away from the nightly job.
do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(
      'status-history-digest',                         -- job name
      '5 * * * *',                                     -- hourly, at minute 5
      'select public.status_history_digest()'
    );
  else
    raise notice 'pg_cron is not installed here: the hourly status history digest is not scheduled (enable pg_cron, then see docs/tamper-evidence.md)';
  end if;
end
$$;
