-- Rollback of 20261201110600_claim_sets_aside_exhausted_claims_first.sql: claim_coordinator_notifications as
-- 20261201110400 defined it (a batch made only of lapsed last attempts returns no rows). Run it with:
--   npm run db:rollback -- 20261201110600
set lock_timeout = '3s';
set statement_timeout = '10min';

create or replace function public.claim_coordinator_notifications(p_limit integer default 100, p_lease interval default interval '5 minutes')
returns setof public.claimed_coordinator_notification
language plpgsql
volatile
security definer -- hands out rows across coordinators; granted to the service role only
set search_path = ''
as $$
declare
  v_token uuid := gen_random_uuid();
  v_now timestamptz := pg_catalog.clock_timestamp();
  v_max_attempts integer := private.notification_max_attempts();
begin
  if p_limit is null or p_limit < 1 or p_limit > 10000 then
    raise exception 'claim limit must be between 1 and 10000 (got %)', p_limit using errcode = 'PM301';
  end if;
  if p_lease is null or p_lease <= interval '0' then
    raise exception 'claim lease must be a positive interval (got %)', p_lease using errcode = 'PM302';
  end if;

  return query
  with claimable as (
    -- Alive, due, and not held by a live claim; oldest first; rows another claim is taking are skipped.
    select n.id, (n.claimed_at is not null and n.attempts >= v_max_attempts) as exhausted
      from public.coordinator_notifications n
     where n.dispatched_at is null
       and n.dead_at is null
       and (n.next_attempt_at is null or n.next_attempt_at <= v_now)
       and (n.claimed_at is null or n.claimed_at + n.claim_lease < v_now)
     order by n.id
     limit p_limit
       for update skip locked
  ),
  set_aside as (
    -- A lapsed claim (its worker neither confirmed nor reported a failure) that used the last attempt: dead.
    update public.coordinator_notifications n
       set dead_at = v_now, claimed_at = null, claim_token = null, claim_lease = null, next_attempt_at = null,
           last_failed_at = v_now,
           last_error = pg_catalog.format('claim lapsed unconfirmed after %s attempt(s): the worker stopped or exceeded its lease', n.attempts)
      from claimable
     where n.id = claimable.id and claimable.exhausted
    returning n.id
  ),
  claimed as (
    update public.coordinator_notifications n
       set claimed_at = v_now, claim_lease = p_lease, claim_token = v_token, attempts = n.attempts + 1
      from claimable
     where n.id = claimable.id and not claimable.exhausted
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
  'Service role only (dispatchers). Claims up to p_limit notifications that are undispatched, not dead and due (next_attempt_at passed), oldest first (FOR UPDATE SKIP LOCKED: concurrent workers never get the same row), with everything a message needs. A claim neither confirmed nor failed within its own p_lease is handed out again (at-least-once), until it has used app.notification_max_attempts attempts: then it is set aside as dead.';
