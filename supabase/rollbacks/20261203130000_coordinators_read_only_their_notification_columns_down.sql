-- Rollback of 20261203130000_coordinators_read_only_their_notification_columns.sql: coordinators get back table-wide SELECT on their notifications (the dispatcher's bookkeeping included). Run it with:
--   npm run db:rollback -- 20261203130000
set lock_timeout = '3s';
set statement_timeout = '10min';

revoke select (id, history_id, coordinator_id, created_at, dispatched_at, read_at)
  on table public.coordinator_notifications from authenticated;
-- In 20261126100600's order (the ACL lists authenticated before service_role), so the schema is the same.
revoke select, update, delete on table public.coordinator_notifications from service_role;
grant select on table public.coordinator_notifications to authenticated;
grant select, update, delete on table public.coordinator_notifications to service_role;
