-- Realtime (migration 20261201150100): coordinator_notifications is in the supabase_realtime publication, so
-- Realtime streams its inserts; RLS applies per subscriber (Realtime checks the subscriber's SELECT), so a
-- coordinator receives only its own. Skipped where the server has no supabase_realtime publication.
begin;
select plan(3);

select case
  when not exists (select 1 from pg_catalog.pg_publication where pubname = 'supabase_realtime')
    then skip('no supabase_realtime publication on this server', 3)
  else collect_tap(
    ok(exists (select 1 from pg_catalog.pg_publication_tables
                where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'coordinator_notifications'),
      'coordinator_notifications is in the supabase_realtime publication'),
    ok((select pubinsert from pg_catalog.pg_publication where pubname = 'supabase_realtime'),
      'the publication publishes inserts (new notifications)'),
    ok((select relrowsecurity from pg_catalog.pg_class where oid = 'public.coordinator_notifications'::regclass),
      'row level security is on for it, so Realtime delivers each coordinator only its own rows')
  )
end;

select * from finish();
rollback;
