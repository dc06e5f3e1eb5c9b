-- Rollback of 20261201150100_coordinator_notifications_in_realtime.sql: takes coordinator_notifications out
-- of the supabase_realtime publication (when it is in it). Run it with:
--   npm run db:rollback -- 20261201150100
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
begin
  if exists (select 1 from pg_catalog.pg_publication_tables
              where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'coordinator_notifications') then
    alter publication supabase_realtime drop table public.coordinator_notifications;
  end if;
end
$$;
