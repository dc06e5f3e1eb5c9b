-- Rollback of 20261203130000_coordinators_read_only_their_notification_columns.sql: coordinators get back table-wide SELECT on their notifications (the dispatcher's bookkeeping included). Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261203130000_coordinators_read_only_their_notification_columns_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261203130000';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

revoke select (id, history_id, coordinator_id, created_at, dispatched_at, read_at)
  on table public.coordinator_notifications from authenticated;
-- In 20261126100600's order (the ACL lists authenticated before service_role), so the schema is the same.
revoke select, update, delete on table public.coordinator_notifications from service_role;
grant select on table public.coordinator_notifications to authenticated;
grant select, update, delete on table public.coordinator_notifications to service_role;

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261203130000';
  end if;
end
$$;
