-- Coordinators hear about pauses: who the coordinators of a mentor are, and a de-duplicated outbox filled
-- in the same transaction as the status change, plus a claim/confirm API for dispatchers.
--
-- Errors: PM301 claim limit out of range; PM302 lease out of range.
set lock_timeout = '3s';
set statement_timeout = '10min';

-- The outbox's foreign keys and the trigger below lock public.users and the history (SHARE ROW EXCLUSIVE).
-- The app's mentor writes take users first and the history after (through the peer_mentors triggers); taking
-- both here, in that order, before anything else means a concurrent write waits instead of deadlocking
-- (40P01, reproduced by the rehearsal without this line).
-- A DO block, because the Supabase CLI sends a migration file as one pipelined transaction, where a top-level
-- LOCK TABLE is refused (25P01); the lock is held until the migration commits all the same.
do $$
begin
  lock table public.users, public.peer_mentor_status_history in share row exclusive mode;
end
$$;

-- ---------------------------------------------------------------------------------------------------------
-- Resolution: set-based for many mentors at once (the trigger), and the contract's one-mentor function.
-- ---------------------------------------------------------------------------------------------------------
create function private.coordinators_for_mentors(p_mentor_ids uuid[])
returns table (mentor_id uuid, coordinator_id uuid)
language sql
stable
security invoker -- callers are the definer trigger below and public.coordinators_for_mentor (service role)
set search_path = ''
as $$
  with mentor_chapters as (
    select pm.id as mentor_id, m.chapter_id, c.organization_id
      from public.peer_mentors pm
      join public.chapter_memberships m
        on m.user_id = pm.user_id and m.role = 'peer_mentor' and m.is_active
      join public.chapters c on c.id = m.chapter_id
     where pm.id = any (p_mentor_ids)
  ),
  chapter_coordinators as (
    select distinct mc.mentor_id, k.user_id as coordinator_id
      from mentor_chapters mc
      join public.chapter_memberships k
        on k.chapter_id = mc.chapter_id and k.role = 'coordinator' and k.is_active
  ),
  organisation_coordinators as (
    -- Fallback, per mentor: none of its chapters has an active coordinator -> its organisations' coordinators.
    select distinct mc.mentor_id, k.user_id as coordinator_id
      from mentor_chapters mc
      join public.chapters oc on oc.organization_id = mc.organization_id
      join public.chapter_memberships k
        on k.chapter_id = oc.id and k.role = 'coordinator' and k.is_active
     where not exists (select 1 from chapter_coordinators cc where cc.mentor_id = mc.mentor_id)
  )
  select mentor_id, coordinator_id from chapter_coordinators
  union
  select mentor_id, coordinator_id from organisation_coordinators;
$$;
comment on function private.coordinators_for_mentors(uuid[]) is
  'For each mentor: the active coordinators of every chapter where it has an active peer_mentor membership; where there are none, the active coordinators of those chapters'' organisations. Each pair once.';

create function public.coordinators_for_mentor(p_mentor_id uuid) returns setof uuid
language sql
stable
security definer -- lets it be granted to the service role alone while reading through RLS
set search_path = ''
as $$
  select c.coordinator_id from private.coordinators_for_mentors(array[p_mentor_id]) c;
$$;
comment on function public.coordinators_for_mentor(uuid) is
  'Service role only. The user ids, each once, of the active coordinators of every chapter where the mentor has an active peer_mentor membership; where there are none, the active coordinators of the mentor''s organisation(s); else none.';

-- ---------------------------------------------------------------------------------------------------------
-- The outbox
-- ---------------------------------------------------------------------------------------------------------
create table public.coordinator_notifications (
  id bigint generated always as identity primary key,
  history_id bigint not null references public.peer_mentor_status_history (id) on delete cascade,
  coordinator_id uuid not null references public.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  dispatched_at timestamptz,
  read_at timestamptz,
  claimed_at timestamptz,
  claim_token uuid,
  claim_lease interval,
  attempts integer not null default 0,
  constraint coordinator_notifications_history_id_coordinator_id_key unique (history_id, coordinator_id),
  constraint attempts_is_not_negative check (attempts >= 0),
  constraint claim_lease_is_positive check (claim_lease > interval '0')
);
create index coordinator_notifications_coordinator_id_idx
  on public.coordinator_notifications (coordinator_id, created_at desc);
-- The dispatcher's queue: only undispatched rows, oldest first.
create index coordinator_notifications_undispatched_idx
  on public.coordinator_notifications (id) where dispatched_at is null;

comment on table public.coordinator_notifications is
  'Outbox: one row per coordinator to tell about a mentor''s change to paused or inactive, queued by a trigger in the same transaction as the change. Dispatchers claim rows (claim_coordinator_notifications) and confirm them (complete_coordinator_notifications).';
comment on column public.coordinator_notifications.id is 'Identity; the queue order.';
comment on column public.coordinator_notifications.history_id is 'The status change this tells about; deleted with it (and so with the mentor).';
comment on column public.coordinator_notifications.coordinator_id is 'Who to tell. Never the coordinator who made the change.';
comment on column public.coordinator_notifications.created_at is 'When it was queued.';
comment on column public.coordinator_notifications.dispatched_at is 'When a dispatcher confirmed delivery (or the coordinator marked it dispatched); null while pending.';
comment on column public.coordinator_notifications.read_at is 'When the coordinator marked it read in the app.';
comment on column public.coordinator_notifications.claimed_at is 'When a dispatcher last claimed it; a claim older than the lease is handed out again (at-least-once).';
comment on column public.coordinator_notifications.claim_token is 'The token of the current claim; only its holder can confirm it.';
comment on column public.coordinator_notifications.claim_lease is 'The lease the current claim asked for: the claim lapses at claimed_at + claim_lease, whatever lease later workers ask for.';
comment on column public.coordinator_notifications.attempts is 'How many times it has been claimed.';

create function private.queue_coordinator_notifications() returns trigger
language plpgsql
volatile
security definer -- writes the outbox and reads memberships, neither of which the caller may do
set search_path = ''
as $$
begin
  insert into public.coordinator_notifications (history_id, coordinator_id)
  select h.id, c.coordinator_id
    from private.coordinators_for_mentors(
           array(select n.mentor_id from new_rows n
                  where n.previous_status is not null and n.new_status in ('paused', 'inactive'))
         ) c
    join new_rows h on h.mentor_id = c.mentor_id
   where h.previous_status is not null
     and h.new_status in ('paused', 'inactive')
     and c.coordinator_id is distinct from h.changed_by
  on conflict (history_id, coordinator_id) do nothing;
  return null;
end;
$$;
comment on function private.queue_coordinator_notifications() is
  'AFTER INSERT statement trigger on the history: queues one notification per resolved coordinator for each change to paused or inactive (not a mentor''s first row), none for the coordinator who made it; set-based, de-duplicated by the unique key.';

create trigger peer_mentor_status_history_queue_notifications
  after insert on public.peer_mentor_status_history
  referencing new table as new_rows
  for each statement execute function private.queue_coordinator_notifications();

-- ---------------------------------------------------------------------------------------------------------
-- Dispatcher API (service role)
-- ---------------------------------------------------------------------------------------------------------
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
-- Grants and policies
-- ---------------------------------------------------------------------------------------------------------
alter table public.coordinator_notifications enable row level security;
revoke all on table public.coordinator_notifications from public, anon, authenticated, service_role;
grant select on table public.coordinator_notifications to authenticated;
grant update (read_at, dispatched_at) on table public.coordinator_notifications to authenticated;
grant select, update, delete on table public.coordinator_notifications to service_role;

create policy coordinator_notifications_select_own on public.coordinator_notifications
  for select to authenticated
  using (coordinator_id = (select auth.uid()));

create policy coordinator_notifications_update_own on public.coordinator_notifications
  for update to authenticated
  using (coordinator_id = (select auth.uid()))
  with check (coordinator_id = (select auth.uid()));

revoke all on function
  private.coordinators_for_mentors(uuid[]),
  private.queue_coordinator_notifications(),
  public.coordinators_for_mentor(uuid),
  public.claim_coordinator_notifications(integer, interval),
  public.complete_coordinator_notifications(bigint[], uuid)
  from public, anon, authenticated, service_role;
grant execute on function
  public.coordinators_for_mentor(uuid),
  public.claim_coordinator_notifications(integer, interval),
  public.complete_coordinator_notifications(bigint[], uuid)
  to service_role;
