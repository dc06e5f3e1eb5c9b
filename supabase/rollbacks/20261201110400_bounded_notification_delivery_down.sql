-- Rollback of 20261201110400_bounded_notification_delivery.sql: the outbox as 20261126100600 left it — the
-- failure, re-queue and health functions and the composite types dropped, claim_coordinator_notifications back to
-- `returns table` (retrying forever), and the columns last_error, last_failed_at, next_attempt_at and dead_at
-- dropped with their checks. Dead notifications become pending again (claimed by the next dispatcher run); the
-- stored errors go with the columns. Run it with:
--   npm run db:rollback -- 20261201110400
--
-- A rollback removes what its migration added, on purpose (nothing but these functions reads the columns).
-- squawk-ignore-file ban-drop-column
set lock_timeout = '3s';
set statement_timeout = '10min';

drop function if exists public.coordinator_notifications_health();
drop function if exists public.requeue_coordinator_notifications(bigint[]);
drop function if exists public.fail_coordinator_notifications(bigint[], uuid, text);
drop function if exists public.claim_coordinator_notifications(integer, interval);
drop type if exists public.coordinator_notifications_health;
drop type if exists public.failed_coordinator_notification;
drop type if exists public.claimed_coordinator_notification;
drop function if exists private.notification_retry_delay();
drop function if exists private.notification_max_attempts();

create function public.claim_coordinator_notifications(p_limit integer default 100, p_lease interval default interval '5 minutes')
returns table (
  id bigint,
  claim_token uuid,
  attempts integer,
  coordinator_id uuid,
  coordinator_email text,
  coordinator_name text,
  mentor_id uuid,
  mentor_name text,
  previous_status public.mentor_status,
  new_status public.mentor_status,
  reason text,
  changed_at timestamptz,
  changed_by uuid,
  job_run_id uuid,
  created_at timestamptz
)
language plpgsql
volatile
security definer -- hands out rows across coordinators; granted to the service role only
set search_path = ''
as $$
declare
  v_token uuid := gen_random_uuid();
begin
  if p_limit is null or p_limit < 1 or p_limit > 10000 then
    raise exception 'claim limit must be between 1 and 10000 (got %)', p_limit using errcode = 'PM301';
  end if;
  if p_lease is null or p_lease <= interval '0' then
    raise exception 'claim lease must be a positive interval (got %)', p_lease using errcode = 'PM302';
  end if;

  return query
  with claimable as (
    select n.id
      from public.coordinator_notifications n
     where n.dispatched_at is null
       and (n.claimed_at is null or n.claimed_at + n.claim_lease < pg_catalog.clock_timestamp())
     order by n.id
     limit p_limit
       for update skip locked
  ),
  claimed as (
    update public.coordinator_notifications n
       set claimed_at = pg_catalog.clock_timestamp(), claim_lease = p_lease, claim_token = v_token, attempts = n.attempts + 1
      from claimable
     where n.id = claimable.id
    returning n.id, n.claim_token, n.attempts, n.coordinator_id, n.history_id, n.created_at
  )
  select c.id, c.claim_token, c.attempts, c.coordinator_id, cu.email, cu.full_name,
         h.mentor_id, mu.full_name, h.previous_status, h.new_status, h.reason, h.changed_at, h.changed_by,
         h.job_run_id, c.created_at
    from claimed c
    join public.peer_mentor_status_history h on h.id = c.history_id
    join public.users cu on cu.id = c.coordinator_id
    left join public.peer_mentors pm on pm.id = h.mentor_id
    left join public.users mu on mu.id = pm.user_id
   order by c.id;
end;
$$;
comment on function public.claim_coordinator_notifications(integer, interval) is
  'Service role only (dispatchers). Claims up to p_limit undispatched notifications (oldest first; FOR UPDATE SKIP LOCKED, so concurrent workers never get the same row) with everything a message needs. A claim not confirmed within its own p_lease is handed out again: at-least-once delivery.';

revoke all on function public.claim_coordinator_notifications(integer, interval) from public, anon, authenticated, service_role;
grant execute on function public.claim_coordinator_notifications(integer, interval) to service_role;

alter table public.coordinator_notifications
  drop column if exists last_error,
  drop column if exists last_failed_at,
  drop column if exists next_attempt_at,
  drop column if exists dead_at;
comment on column public.coordinator_notifications.attempts is 'How many times it has been claimed.';
