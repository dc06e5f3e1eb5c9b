-- Only the dispatcher marks a notification dispatched.
--
-- 20261126100600 granted authenticated UPDATE (read_at, dispatched_at): a coordinator could set dispatched_at
-- back to null on its own notification and have it sent again, as often as it liked. Now a coordinator may set
-- read_at only; dispatched_at is written by public.complete_coordinator_notifications (service role, under a
-- live claim), and no other column is the coordinator's either. A REVOKE of a column privilege takes no lock
-- on the table's rows (a catalog update only).
set lock_timeout = '3s';
set statement_timeout = '10min';

revoke update (dispatched_at) on table public.coordinator_notifications from authenticated;

comment on column public.coordinator_notifications.dispatched_at is
  'When a dispatcher confirmed delivery (complete_coordinator_notifications); null while pending. Only the dispatcher sets it: a coordinator may set read_at only.';
