-- The outbox's dispatcher API (service role only): claim, confirm, report a failure, re-queue, health.
-- The notifications themselves are queued by private.record_status_history_on_update (0005_history.sql).
--
-- Bounded delivery: failures are recorded, retries back off, and after a bounded number of attempts a
-- notification is dead (kept, never claimed again, visible to the service role with its last error, re-queued
-- only by the service role). The retry policy, read at every claim and failure report (a database default
-- with `alter database postgres set app.notification_max_attempts = '5'`, or per dispatcher session):
--   app.notification_max_attempts  attempts before a notification is dead, 1..1000; default 10
--   app.notification_retry_delay   the wait after the first failure, a positive interval; default '1 minute';
--                                  each next failure waits twice as long, at most 6 hours.
-- A claim that lapses without a confirmation or a failure report (the worker died) counts as an attempt too.
--
-- Errors: PM301 claim limit out of range; PM302 lease out of range; PM303 app.notification_max_attempts out of
-- range; PM304 app.notification_retry_delay not a positive interval; PM305 a failure report without its error.

-- ---------------------------------------------------------------------------------------------------------
-- The retry policy
-- ---------------------------------------------------------------------------------------------------------
create function private.notification_max_attempts() returns integer
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_raw text := coalesce(nullif(pg_catalog.btrim(pg_catalog.current_setting('app.notification_max_attempts', true)), ''), '10');
begin
  -- Two steps: the cast only once the text is known to be digits.
  if v_raw ~ '^\d{1,4}$' then
    if v_raw::integer between 1 and 1000 then
      return v_raw::integer;
    end if;
  end if;
  raise exception 'app.notification_max_attempts must be a whole number from 1 to 1000 (got %)', pg_catalog.quote_literal(v_raw)
    using errcode = 'PM303',
          hint = 'unset it for the default (10), or e.g. alter database postgres set app.notification_max_attempts = ''5''';
end;
$$;
comment on function private.notification_max_attempts() is
  'The setting app.notification_max_attempts (default 10): how many attempts a notification gets before it is dead. PM303 when not a whole number from 1 to 1000.';

create function private.notification_retry_delay() returns interval
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_raw text := coalesce(nullif(pg_catalog.btrim(pg_catalog.current_setting('app.notification_retry_delay', true)), ''), '1 minute');
  v_delay interval;
begin
  begin
    v_delay := v_raw::interval;
  exception when others then
    v_delay := null;
  end;
  if v_delay is null or v_delay <= interval '0' then
    raise exception 'app.notification_retry_delay must be a positive interval (got %)', pg_catalog.quote_literal(v_raw)
      using errcode = 'PM304',
            hint = 'unset it for the default (''1 minute''), or e.g. ''30 seconds''';
  end if;
  return v_delay;
end;
$$;
comment on function private.notification_retry_delay() is
  'The setting app.notification_retry_delay (default 1 minute): the wait after a first failure; each next failure waits twice as long, at most 6 hours. PM304 when not a positive interval.';

-- ---------------------------------------------------------------------------------------------------------
-- Claim: a declared composite type, so generated types can describe each column
-- ---------------------------------------------------------------------------------------------------------
create type public.claimed_coordinator_notification as (
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
);
comment on type public.claimed_coordinator_notification is
  'One notification handed to a dispatcher by claim_coordinator_notifications: the claim (id, claim_token, attempts), who to tell, and the change.';
comment on column public.claimed_coordinator_notification.id is 'The notification (coordinator_notifications.id); never null.';
comment on column public.claimed_coordinator_notification.claim_token is 'This claim''s token, for complete_/fail_coordinator_notifications; never null.';
comment on column public.claimed_coordinator_notification.attempts is 'Which attempt this is (1 the first); never null.';
comment on column public.claimed_coordinator_notification.coordinator_id is 'Who to tell; never null.';
comment on column public.claimed_coordinator_notification.coordinator_email is 'The coordinator''s email (users.email); null when the profile has none.';
comment on column public.claimed_coordinator_notification.coordinator_name is 'The coordinator''s name (users.full_name); null when the profile has none.';
comment on column public.claimed_coordinator_notification.mentor_id is 'The mentor whose status changed; never null.';
comment on column public.claimed_coordinator_notification.mentor_name is 'The mentor''s name; null when the profile has none.';
comment on column public.claimed_coordinator_notification.previous_status is 'Status before the change; never null here (first rows queue no notification).';
comment on column public.claimed_coordinator_notification.new_status is 'Status after the change (paused or inactive); never null.';
comment on column public.claimed_coordinator_notification.reason is 'The mentor''s status_reason with the change; null when none was given.';
comment on column public.claimed_coordinator_notification.changed_at is 'When the change happened; never null.';
comment on column public.claimed_coordinator_notification.changed_by is 'Who made the change; null for system changes (service role, jobs, migrations).';
comment on column public.claimed_coordinator_notification.job_run_id is 'The job run that made the change; null for changes made by people.';
comment on column public.claimed_coordinator_notification.created_at is 'When the notification was queued; never null.';

-- First sets aside (dead) the lapsed claims that used their last attempt among the first p_limit candidates,
-- then claims up to p_limit of the rest: an empty claim means nothing is due.
create function public.claim_coordinator_notifications(p_limit integer default 100, p_lease interval default interval '5 minutes')
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

  -- A lapsed claim (its worker neither confirmed nor reported a failure) that used the last attempt: dead.
  -- Looked for among the first p_limit claimable rows only, so a claim's scan stays bounded.
  update public.coordinator_notifications n
     set dead_at = v_now, claimed_at = null, claim_token = null, claim_lease = null, next_attempt_at = null,
         last_failed_at = v_now,
         last_error = pg_catalog.format('claim lapsed unconfirmed after %s attempt(s): the worker stopped or exceeded its lease', n.attempts)
   where n.id in (select w.id
                    from (select x.id, x.claimed_at, x.attempts
                            from public.coordinator_notifications x
                           where x.dispatched_at is null
                             and x.dead_at is null
                             and (x.next_attempt_at is null or x.next_attempt_at <= v_now)
                             and (x.claimed_at is null or x.claimed_at + x.claim_lease < v_now)
                           order by x.id
                           limit p_limit
                             for update skip locked) w
                   where w.claimed_at is not null
                     and w.attempts >= v_max_attempts);

  return query
  with claimable as (
    -- Alive, due, not held by a live claim, not a lapsed last attempt; oldest first; rows another claim is
    -- taking are skipped.
    select n.id
      from public.coordinator_notifications n
     where n.dispatched_at is null
       and n.dead_at is null
       and (n.next_attempt_at is null or n.next_attempt_at <= v_now)
       and (n.claimed_at is null or n.claimed_at + n.claim_lease < v_now)
       and not (n.claimed_at is not null and n.attempts >= v_max_attempts)
     order by n.id
     limit p_limit
       for update skip locked
  ),
  claimed as (
    update public.coordinator_notifications n
       set claimed_at = v_now, claim_lease = p_lease, claim_token = v_token, attempts = n.attempts + 1
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
  'Service role only (dispatchers). Claims up to p_limit notifications that are undispatched, not dead and due (next_attempt_at passed), oldest first (FOR UPDATE SKIP LOCKED: concurrent workers never get the same row), with everything a message needs. A claim neither confirmed nor failed within its own p_lease is handed out again (at-least-once), until it has used app.notification_max_attempts attempts: then it is set aside as dead, and the claim hands out what comes after it. No rows: nothing is due.';

create function public.complete_coordinator_notifications(p_ids bigint[], p_claim_token uuid) returns integer
language sql
volatile
security definer -- granted to the service role only
set search_path = ''
as $$
  with done as (
    update public.coordinator_notifications n
       set dispatched_at = pg_catalog.clock_timestamp()
     where n.id = any (p_ids)
       and n.claim_token = p_claim_token
       and n.dispatched_at is null
    returning 1
  )
  select count(*)::integer from done;
$$;
comment on function public.complete_coordinator_notifications(bigint[], uuid) is
  'Service role only (dispatchers). Marks the given notifications dispatched if they are still held by this claim token; returns how many it marked. A claim that has expired and been handed to another worker is not confirmed here.';

-- ---------------------------------------------------------------------------------------------------------
-- Failure reports, re-queueing
-- ---------------------------------------------------------------------------------------------------------
create type public.failed_coordinator_notification as (
  id bigint,
  attempts integer,
  next_attempt_at timestamptz,
  dead_at timestamptz,
  last_error text
);
comment on type public.failed_coordinator_notification is
  'What fail_coordinator_notifications recorded for one notification: when it is tried again (next_attempt_at), or that it is dead (dead_at).';
comment on column public.failed_coordinator_notification.id is 'The notification; never null.';
comment on column public.failed_coordinator_notification.attempts is 'Attempts used so far; never null.';
comment on column public.failed_coordinator_notification.next_attempt_at is 'When it is handed out again; null when it is dead.';
comment on column public.failed_coordinator_notification.dead_at is 'When it was set aside as dead; null while it is retried.';
comment on column public.failed_coordinator_notification.last_error is 'The error as stored (at most 2000 characters); never null.';

create function public.fail_coordinator_notifications(p_ids bigint[], p_claim_token uuid, p_error text)
returns setof public.failed_coordinator_notification
language plpgsql
volatile
security definer -- granted to the service role only
set search_path = ''
as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp();
  v_max_attempts integer := private.notification_max_attempts();
  v_delay interval := private.notification_retry_delay();
begin
  if p_error is null or pg_catalog.btrim(p_error) = '' then
    raise exception 'a failed send must be reported with its error text'
      using errcode = 'PM305',
            hint = 'pass what the sender said, e.g. ''POST https://… answered 500''; it is kept as last_error';
  end if;

  return query
  update public.coordinator_notifications n
     set last_error = pg_catalog.left(p_error, 2000),
         last_failed_at = v_now,
         claimed_at = null, claim_token = null, claim_lease = null,
         dead_at = case when n.attempts >= v_max_attempts then v_now end,
         next_attempt_at = case when n.attempts < v_max_attempts
                                then v_now + least(v_delay * pg_catalog.power(2, least(greatest(n.attempts - 1, 0), 20)),
                                                   interval '6 hours') end
   where n.id = any (p_ids)
     and n.claim_token = p_claim_token
     and n.dispatched_at is null
     and n.dead_at is null
  returning n.id, n.attempts, n.next_attempt_at, n.dead_at, n.last_error;
end;
$$;
comment on function public.fail_coordinator_notifications(bigint[], uuid, text) is
  'Service role only (dispatchers). Records a failed send of the given notifications still held by this claim token: stores p_error (at most 2000 characters kept) and releases the claim; after app.notification_max_attempts attempts (default 10) the notification is dead, otherwise it waits app.notification_retry_delay (default 1 minute) doubled per earlier attempt, at most 6 hours. Returns what it recorded, one row per notification. PM305 without an error text.';

create function public.requeue_coordinator_notifications(p_ids bigint[]) returns integer
language sql
volatile
security definer -- granted to the service role only
set search_path = ''
as $$
  with requeued as (
    update public.coordinator_notifications n
       set dead_at = null, attempts = 0, next_attempt_at = null, claimed_at = null, claim_token = null, claim_lease = null
     where n.id = any (p_ids)
       and n.dead_at is not null
       and n.dispatched_at is null
    returning 1
  )
  select pg_catalog.count(*)::integer from requeued;
$$;
comment on function public.requeue_coordinator_notifications(bigint[]) is
  'Service role only (operators). Gives the given dead notifications a fresh set of attempts, due now; last_error and last_failed_at are kept. Returns how many it re-queued (notifications that are not dead are left alone). All dead ones: select requeue_coordinator_notifications(array(select id from coordinator_notifications where dead_at is not null)).';

-- ---------------------------------------------------------------------------------------------------------
-- Health
-- ---------------------------------------------------------------------------------------------------------
create type public.coordinator_notifications_health as (
  checked_at timestamptz,
  pending_count bigint,
  oldest_pending_created_at timestamptz,
  oldest_pending_age interval,
  retrying_count bigint,
  dead_count bigint,
  last_expiry_job_run_id uuid,
  last_expiry_job_status text,
  last_expiry_job_started_at timestamptz,
  last_expiry_job_finished_at timestamptz,
  last_expiry_job_affected_count integer,
  last_expiry_job_skipped_count integer,
  last_expiry_job_error text,
  responsibility_missing_count bigint,
  responsibility_extra_count bigint,
  last_expiry_job_responsibility_differences integer,
  last_expiry_job_responsibility_repaired boolean
);
comment on type public.coordinator_notifications_health is
  'What an operator or an alert reads (coordinator_notifications_health()): the outbox backlog and the last certification-expiry run.';
comment on column public.coordinator_notifications_health.checked_at is 'When this was read.';
comment on column public.coordinator_notifications_health.pending_count is 'Notifications not yet dispatched and not dead (due, backing off or claimed).';
comment on column public.coordinator_notifications_health.oldest_pending_created_at is 'When the oldest pending notification was queued; null when none is pending.';
comment on column public.coordinator_notifications_health.oldest_pending_age is 'checked_at minus that: how long the oldest pending notification has waited; null when none is pending. Alert when it grows.';
comment on column public.coordinator_notifications_health.retrying_count is 'Of the pending, those that failed at least once since they were queued or re-queued.';
comment on column public.coordinator_notifications_health.dead_count is 'Dead notifications (set aside after the last attempt): look at their last_error, then requeue_coordinator_notifications.';
comment on column public.coordinator_notifications_health.last_expiry_job_run_id is 'The latest certification_expiry job run (by started_at); null when it never ran.';
comment on column public.coordinator_notifications_health.last_expiry_job_status is 'Its status: running, succeeded or failed. Alert on failed, or when started_at is over a day old.';
comment on column public.coordinator_notifications_health.last_expiry_job_started_at is 'When it started.';
comment on column public.coordinator_notifications_health.last_expiry_job_finished_at is 'When it finished; null while running.';
comment on column public.coordinator_notifications_health.last_expiry_job_affected_count is 'How many mentors it paused.';
comment on column public.coordinator_notifications_health.last_expiry_job_skipped_count is 'How many expired mentors it left for the next run because another transaction held them.';
comment on column public.coordinator_notifications_health.last_expiry_job_error is 'The error of a failed run.';
comment on column public.coordinator_notifications_health.responsibility_missing_count is
  'Pairs (mentor, coordinator) the responsibility relation lacks compared with its definition, now. 0 when exact. Alert when not 0 (a coordinator is not told about, and cannot see, a mentor it is responsible for).';
comment on column public.coordinator_notifications_health.responsibility_extra_count is
  'Pairs the relation has wrongly, now. 0 when exact. Alert when not 0 (a coordinator sees and is told about a mentor it is not responsible for). Repair: select * from private.rebuild_responsibility() (as the owner), or wait for the nightly job.';
comment on column public.coordinator_notifications_health.last_expiry_job_responsibility_differences is
  'What the last certification_expiry run found: pairs that differed from the definition when it started (0: exact).';
comment on column public.coordinator_notifications_health.last_expiry_job_responsibility_repaired is
  'Whether that run repaired them (null: nothing to repair).';

create function public.coordinator_notifications_health() returns public.coordinator_notifications_health
language sql
stable
security invoker -- the service role reads both tables itself (and the relation's counts through a definer helper); granted to it alone
set search_path = ''
as $$
  select pg_catalog.clock_timestamp(),
         o.pending_count, o.oldest_pending_created_at, pg_catalog.clock_timestamp() - o.oldest_pending_created_at,
         o.retrying_count, o.dead_count,
         j.id, j.status, j.started_at, j.finished_at, j.affected_count, j.skipped_count, j.error,
         r.missing_count, r.extra_count, j.responsibility_differences, j.responsibility_repaired
    from (select pg_catalog.count(*) filter (where n.dead_at is null) as pending_count,
                 pg_catalog.min(n.created_at) filter (where n.dead_at is null) as oldest_pending_created_at,
                 pg_catalog.count(*) filter (where n.dead_at is null and n.last_failed_at is not null and n.attempts > 0) as retrying_count,
                 pg_catalog.count(*) filter (where n.dead_at is not null) as dead_count
            from public.coordinator_notifications n
           where n.dispatched_at is null) o
    cross join private.responsibility_difference_counts() r
    left join lateral (select x.id, x.status, x.started_at, x.finished_at, x.affected_count, x.skipped_count, x.error,
                              x.responsibility_differences, x.responsibility_repaired
                         from public.job_runs x
                        where x.job_name = 'certification_expiry'
                        order by x.started_at desc, x.id desc
                        limit 1) j on true;
$$;
comment on function public.coordinator_notifications_health() is
  'Service role only (operators, alerts). One row: pending notifications (count, oldest, age), retrying and dead counts, the last certification_expiry job run with its status, counts and error, and the responsibility relation''s differences from its definition (now, and what the last run found and repaired).';

-- ---------------------------------------------------------------------------------------------------------
-- Publishing the history's digests (0005_history.sql): the same bounded at-least-once delivery and retry policy
-- ---------------------------------------------------------------------------------------------------------
create type public.claimed_status_history_digest as (
  id bigint,
  taken_at timestamptz,
  digest jsonb,
  attempts integer,
  claim_token uuid
);
comment on type public.claimed_status_history_digest is
  'One digest handed to a publisher by claim_status_history_digests: write `digest` (one JSON line) to the sink, then complete_status_history_digests(ids, claim_token).';
comment on column public.claimed_status_history_digest.id is 'The digest (status_history_digests.id, = digest->>''digest_id''); never null.';
comment on column public.claimed_status_history_digest.taken_at is 'When it was taken; never null.';
comment on column public.claimed_status_history_digest.digest is 'The digest to publish, as is; never null.';
comment on column public.claimed_status_history_digest.attempts is 'Which attempt this is (1 the first); never null.';
comment on column public.claimed_status_history_digest.claim_token is 'This claim''s token; never null.';

create type public.failed_status_history_digest as (
  id bigint,
  attempts integer,
  next_attempt_at timestamptz,
  dead_at timestamptz,
  last_error text
);
comment on type public.failed_status_history_digest is
  'What fail_status_history_digests recorded for one digest: when it is tried again (next_attempt_at), or that it is dead (dead_at).';
comment on column public.failed_status_history_digest.id is 'The digest; never null.';
comment on column public.failed_status_history_digest.attempts is 'Attempts used so far; never null.';
comment on column public.failed_status_history_digest.next_attempt_at is 'When it is handed out again; null when it is dead.';
comment on column public.failed_status_history_digest.dead_at is 'When it was set aside as dead; null while it is retried.';
comment on column public.failed_status_history_digest.last_error is 'The error as stored (at most 2000 characters); never null.';

create function public.claim_status_history_digests(p_limit integer default 100, p_lease interval default interval '5 minutes')
returns setof public.claimed_status_history_digest
language plpgsql
volatile
security definer -- updates the digests' bookkeeping; granted to the service role only
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

  -- A lapsed claim that used the last attempt: dead (looked for among the first p_limit claimable rows).
  update public.status_history_digests d
     set dead_at = v_now, claimed_at = null, claim_token = null, claim_lease = null, next_attempt_at = null,
         last_failed_at = v_now,
         last_error = pg_catalog.format('claim lapsed unconfirmed after %s attempt(s): the publisher stopped or exceeded its lease', d.attempts)
   where d.id in (select w.id
                    from (select x.id, x.claimed_at, x.attempts
                            from public.status_history_digests x
                           where x.published_at is null
                             and x.dead_at is null
                             and (x.next_attempt_at is null or x.next_attempt_at <= v_now)
                             and (x.claimed_at is null or x.claimed_at + x.claim_lease < v_now)
                           order by x.id
                           limit p_limit
                             for update skip locked) w
                   where w.claimed_at is not null
                     and w.attempts >= v_max_attempts);

  return query
  with claimable as (
    select d.id
      from public.status_history_digests d
     where d.published_at is null
       and d.dead_at is null
       and (d.next_attempt_at is null or d.next_attempt_at <= v_now)
       and (d.claimed_at is null or d.claimed_at + d.claim_lease < v_now)
       and not (d.claimed_at is not null and d.attempts >= v_max_attempts)
     order by d.id
     limit p_limit
       for update skip locked
  )
  update public.status_history_digests d
     set claimed_at = v_now, claim_lease = p_lease, claim_token = v_token, attempts = d.attempts + 1
    from claimable
   where d.id = claimable.id
  returning d.id, d.taken_at, d.digest, d.attempts, d.claim_token;
end;
$$;
comment on function public.claim_status_history_digests(integer, interval) is
  'Service role only (the digest publisher). Claims up to p_limit digests not yet published, not dead and due, oldest first (FOR UPDATE SKIP LOCKED). A claim neither completed nor failed within p_lease is handed out again (at-least-once) until app.notification_max_attempts attempts are used: then it is set aside as dead. PM301/PM302 for a bad limit or lease.';

create function public.complete_status_history_digests(p_ids bigint[], p_claim_token uuid) returns integer
language sql
volatile
security definer -- granted to the service role only
set search_path = ''
as $$
  with done as (
    update public.status_history_digests d
       set published_at = pg_catalog.clock_timestamp(), claimed_at = null, claim_token = null, claim_lease = null
     where d.id = any (p_ids)
       and d.claim_token = p_claim_token
       and d.published_at is null
    returning 1
  )
  select pg_catalog.count(*)::integer from done;
$$;
comment on function public.complete_status_history_digests(bigint[], uuid) is
  'Service role only (the digest publisher). Marks the given digests published if still held by this claim token; returns how many.';

create function public.fail_status_history_digests(p_ids bigint[], p_claim_token uuid, p_error text)
returns setof public.failed_status_history_digest
language plpgsql
volatile
security definer -- granted to the service role only
set search_path = ''
as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp();
  v_max_attempts integer := private.notification_max_attempts();
  v_delay interval := private.notification_retry_delay();
begin
  if p_error is null or pg_catalog.btrim(p_error) = '' then
    raise exception 'a failed publication must be reported with its error text'
      using errcode = 'PM305',
            hint = 'pass what the sink said; it is kept as last_error';
  end if;

  return query
  update public.status_history_digests d
     set last_error = pg_catalog.left(p_error, 2000),
         last_failed_at = v_now,
         claimed_at = null, claim_token = null, claim_lease = null,
         dead_at = case when d.attempts >= v_max_attempts then v_now end,
         next_attempt_at = case when d.attempts < v_max_attempts
                                then v_now + least(v_delay * pg_catalog.power(2, least(greatest(d.attempts - 1, 0), 20)),
                                                   interval '6 hours') end
   where d.id = any (p_ids)
     and d.claim_token = p_claim_token
     and d.published_at is null
     and d.dead_at is null
  returning d.id, d.attempts, d.next_attempt_at, d.dead_at, d.last_error;
end;
$$;
comment on function public.fail_status_history_digests(bigint[], uuid, text) is
  'Service role only (the digest publisher). Records a failed publication of digests still held by this claim token: backs off like the notifications (app.notification_retry_delay doubled per attempt, at most 6 hours) or, after app.notification_max_attempts attempts, sets it aside as dead. PM305 without an error text.';

create function public.requeue_status_history_digests(p_ids bigint[]) returns integer
language sql
volatile
security definer -- granted to the service role only
set search_path = ''
as $$
  with requeued as (
    update public.status_history_digests d
       set dead_at = null, attempts = 0, next_attempt_at = null, claimed_at = null, claim_token = null, claim_lease = null
     where d.id = any (p_ids)
       and d.dead_at is not null
       and d.published_at is null
    returning 1
  )
  select pg_catalog.count(*)::integer from requeued;
$$;
comment on function public.requeue_status_history_digests(bigint[]) is
  'Service role only (operators). Gives the given dead digests a fresh set of attempts, due now. Returns how many.';
