-- Rollback of 20261201110200_only_the_dispatcher_marks_notifications_dispatched.sql: gives coordinators back
-- UPDATE on dispatched_at (reopening the re-send hole) and the column comment of 20261126100600. Run it with:
--   npm run db:rollback -- 20261201110200
set lock_timeout = '3s';
set statement_timeout = '10min';

grant update (dispatched_at) on table public.coordinator_notifications to authenticated;
comment on column public.coordinator_notifications.dispatched_at is 'When a dispatcher confirmed delivery (or the coordinator marked it dispatched); null while pending.';
