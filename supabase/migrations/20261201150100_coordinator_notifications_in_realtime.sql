-- Realtime: coordinator_notifications joins the supabase_realtime publication, so a coordinator's app receives
-- its new notifications live (supabase-js: channel().on('postgres_changes', { event: 'INSERT', schema: 'public',
-- table: 'coordinator_notifications' }, ...)). Realtime applies the table's RLS per subscriber: a coordinator
-- receives only its own notifications, as with a SELECT.
--
-- Guarded: where the publication does not exist (plain PostgreSQL without the compatibility layer) nothing
-- changes; where the table is already in it (added in the Dashboard), nothing changes either.
-- ALTER PUBLICATION ... ADD TABLE takes a SHARE UPDATE EXCLUSIVE lock on the table: bounded wait.
set lock_timeout = '3s';

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
