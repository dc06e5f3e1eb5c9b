-- An hourly digest of the history, scheduled with pg_cron where the extension is installed, beside the nightly
-- expiry job (20261201150000, guarded the same way). Where pg_cron is not installed this migration changes
-- nothing and says so: enable pg_cron and run the same cron.schedule call (docs/tamper-evidence.md).
--
-- Five past the hour: away from the expiry job (02:15), whose long statement the digest would otherwise wait for
-- (status_history_digest() waits at most 2 s for history writers in flight, then fails that run; the next
-- hour's run covers everything). pg_cron runs it as postgres, the owner, in its own transaction at READ COMMITTED.
-- The digests it appends are copied out of the database by the publisher (docs/tamper-evidence.md).
set lock_timeout = '3s';

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
