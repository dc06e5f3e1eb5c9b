-- The tables: the organisation model (the contract's baseline), the mentor status columns, job runs, the status
-- history and the coordinators' outbox; their constraints, indexes and comments. RLS is on for every table
-- (policies: 0008_rls.sql; grants: 0012_grants.sql). The responsibility relation's internal tables are in
-- 0003_responsibility.sql.
--
-- Conventions: every foreign key states its `on delete` and is covered by an index; checks are named as
-- predicates; `comment on` every table and column.

-- ---------------------------------------------------------------------------------------------------------
-- The organisation model
-- ---------------------------------------------------------------------------------------------------------
create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null
);
comment on table public.organizations is 'A peer-mentor organisation; it runs one or more local chapters.';
comment on column public.organizations.id is 'Primary key.';
comment on column public.organizations.name is 'Display name.';

create table public.chapters (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null
);
create index chapters_organization_id_idx on public.chapters (organization_id);
comment on table public.chapters is 'A local chapter of an organisation; coordinators run it, peer mentors belong to it.';
comment on column public.chapters.id is 'Primary key.';
comment on column public.chapters.organization_id is 'The organisation running this chapter; deleting the organisation deletes its chapters.';
comment on column public.chapters.name is 'Display name.';

create table public.users (
  id uuid primary key references auth.users (id) on delete cascade,
  full_name text,
  email text,
  created_at timestamptz not null default now(),
  -- Counts characters, not bytes: the name travels into notification payloads.
  constraint full_name_is_short check (char_length(full_name) <= 200)
);
comment on table public.users is 'The app''s profile row for a Supabase Auth user: its id is the auth user id, so auth.uid() names it.';
comment on column public.users.id is 'The Supabase Auth user id (auth.users.id); deleting the auth user deletes the profile.';
comment on column public.users.full_name is
  'The display name, at most 200 characters (full_name_is_short): it travels into notification payloads. The user may edit its own.';
comment on column public.users.email is 'Contact email (a copy of the auth email, for coordinators'' notifications).';
comment on column public.users.created_at is 'When the profile was created.';

create table public.chapter_memberships (
  chapter_id uuid not null references public.chapters (id) on delete cascade,
  user_id uuid not null references public.users (id) on delete cascade,
  role public.chapter_role not null,
  is_active boolean not null default true,
  primary key (chapter_id, user_id, role)
);
-- The primary key covers lookups by chapter; this one serves "my memberships" and the user_id foreign key.
create index chapter_memberships_user_id_idx on public.chapter_memberships (user_id, chapter_id) include (role, is_active);
comment on table public.chapter_memberships is 'Who belongs to which chapter, in which role. A person may belong to several chapters, in either role.';
comment on column public.chapter_memberships.chapter_id is 'The chapter; deleting it deletes its memberships.';
comment on column public.chapter_memberships.user_id is 'The member; deleting the user deletes their memberships.';
comment on column public.chapter_memberships.role is 'peer_mentor or coordinator. A person can hold both roles in one chapter (two rows).';
comment on column public.chapter_memberships.is_active is 'False for a membership that has ended or is suspended: it grants nothing, but is kept for history.';

-- ---------------------------------------------------------------------------------------------------------
-- Mentors: the baseline columns, then the additive status columns (nullable or with safe defaults)
-- ---------------------------------------------------------------------------------------------------------
create table public.peer_mentors (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null unique references public.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  status public.mentor_status not null default 'active',
  status_reason text,
  status_changed_at timestamptz,
  certification_expires_at timestamptz,
  constraint status_reason_is_short check (char_length(status_reason) <= 500)
);
comment on table public.peer_mentors is 'A person who mentors peers. At most one row per user.';
comment on column public.peer_mentors.id is 'Primary key: the mentor id used by the status history.';
comment on column public.peer_mentors.user_id is 'The mentor''s user profile; deleting the user deletes the mentor (and, by cascade, its history).';
comment on column public.peer_mentors.created_at is 'When the person became a mentor.';
comment on column public.peer_mentors.status is 'Current availability. Every change is recorded in peer_mentor_status_history by a trigger.';
comment on column public.peer_mentors.status_reason is 'Why the mentor has its current status (at most 500 characters); copied into the history row of each change.';
comment on column public.peer_mentors.status_changed_at is 'When status last changed. Set by the database on every status change (and on insert); a client cannot set it.';
comment on column public.peer_mentors.certification_expires_at is 'When the mentor''s certification lapses; the nightly expiry job pauses active mentors past it. Changed by the service role only.';

-- ---------------------------------------------------------------------------------------------------------
-- Job runs
-- ---------------------------------------------------------------------------------------------------------
create table public.job_runs (
  id uuid primary key default gen_random_uuid(),
  job_name text not null,
  status text not null default 'running',
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  affected_count integer,
  error text,
  skipped_count integer,
  responsibility_differences integer,
  responsibility_repaired boolean,
  constraint status_is_known check (status in ('running', 'succeeded', 'failed')),
  constraint job_name_is_named check (job_name <> ''),
  constraint affected_count_is_not_negative check (affected_count >= 0),
  constraint skipped_count_is_not_negative check (skipped_count >= 0),
  constraint responsibility_differences_is_not_negative check (responsibility_differences >= 0)
);
comment on table public.job_runs is
  'One row per run of a background job (e.g. the certification-expiry job); history rows written by a run point at it through job_run_id. Service role only: RLS is on with no policy for the API roles.';
comment on column public.job_runs.id is 'Primary key; a job sets it as app.job_run_id so the history trigger records it.';
comment on column public.job_runs.job_name is 'Which job ran, e.g. certification_expiry.';
comment on column public.job_runs.status is 'running while the job works, then succeeded or failed.';
comment on column public.job_runs.started_at is 'When the run started.';
comment on column public.job_runs.finished_at is 'When the run finished (null while running).';
comment on column public.job_runs.affected_count is 'How many rows the run changed (e.g. mentors paused).';
comment on column public.job_runs.error is 'The error message of a failed run.';
comment on column public.job_runs.skipped_count is
  'How many rows the run had to leave for the next run because another transaction held their lock (certification_expiry: expired active mentors it could not pause now); 0 when none; null when not applicable.';
comment on column public.job_runs.responsibility_differences is
  'certification_expiry: how many (mentor, coordinator) pairs of the responsibility relation differed from its definition when the run started (private.responsibility_differences()); 0 when exact; null for other jobs and runs before 20261203130500.';
comment on column public.job_runs.responsibility_repaired is
  'certification_expiry: true when the run rebuilt a relation that differed and it is now exact; false when it could not (see the run''s warning); null when nothing differed.';

-- ---------------------------------------------------------------------------------------------------------
-- The status history (the audit table). Written only by the triggers in 0005_history.sql.
-- ---------------------------------------------------------------------------------------------------------
create table public.peer_mentor_status_history (
  id bigint generated always as identity primary key,
  mentor_id uuid not null references public.peer_mentors (id) on delete cascade,
  previous_status public.mentor_status,
  new_status public.mentor_status not null,
  changed_by uuid references public.users (id) on delete set null,
  changed_at timestamptz not null default now(),
  reason text,
  job_run_id uuid references public.job_runs (id) on delete set null,
  changed_by_pseudonym bytea,
  job_run_pseudonym bytea,
  proof_origin text,
  proof bytea,
  constraint records_a_change check (previous_status is distinct from new_status),
  constraint reason_is_short check (char_length(reason) <= 500)
);

-- The timeline: `where mentor_id = $1 order by changed_at desc` is an index scan with no sort.
create index peer_mentor_status_history_mentor_timeline_idx
  on public.peer_mentor_status_history (mentor_id, changed_at desc);
-- Cover the other two foreign keys, so deleting a user or a job run does not scan the history.
create index peer_mentor_status_history_changed_by_idx
  on public.peer_mentor_status_history (changed_by) where changed_by is not null;
create index peer_mentor_status_history_job_run_id_idx
  on public.peer_mentor_status_history (job_run_id) where job_run_id is not null;
comment on table public.peer_mentor_status_history is
  'Append-only audit trail of peer_mentors.status: one row per change, written by the database (trigger), never by clients. Per mentor, ordered by (changed_at, id), the rows form an unbroken chain ending at the current status.';
comment on column public.peer_mentor_status_history.id is 'Identity; breaks ties between rows with the same changed_at.';
comment on column public.peer_mentor_status_history.mentor_id is
  'The mentor. ON DELETE CASCADE is the GDPR right-to-erasure path: erasing a mentor erases its history with it. In practice prefer a soft delete (status = inactive) so the audit trail is kept; hard-delete a mentor only to honour an erasure request.';
comment on column public.peer_mentor_status_history.previous_status is 'Status before the change; null on the first row of a mentor''s chain (its creation).';
comment on column public.peer_mentor_status_history.new_status is 'Status after the change.';
comment on column public.peer_mentor_status_history.changed_by is
  'auth.uid() of the user who made the change; null for system actions (service role, jobs, migrations). Set to null if that user is deleted (GDPR), keeping the row.';
comment on column public.peer_mentor_status_history.changed_at is 'When the change happened (the mentor''s new status_changed_at: strictly increasing per mentor).';
comment on column public.peer_mentor_status_history.reason is 'The mentor''s status_reason after the change.';
comment on column public.peer_mentor_status_history.job_run_id is 'The job run that made the change (session setting app.job_run_id); null for changes made by people. Set to null if the job run is deleted.';
comment on column public.peer_mentor_status_history.changed_by_pseudonym is
  'sha256(''pm:actor:'' || the 16 bytes of changed_by) when the row was written; null for system changes. The proof commits to this, not to changed_by, so the foreign key''s ON DELETE SET NULL keeps the row verifiable.';
comment on column public.peer_mentor_status_history.job_run_pseudonym is
  'sha256(''pm:actor:'' || the 16 bytes of job_run_id) when the row was written; null for changes made by people. Committed in the proof instead of job_run_id (ON DELETE SET NULL).';
comment on column public.peer_mentor_status_history.proof_origin is
  'Who wrote the proof: trigger (the history triggers), backfill (the owner''s transaction-local opt-in), adopted (rows that existed before proofs, proven by migration 20261203140100). Committed in the proof.';
comment on column public.peer_mentor_status_history.proof is
  'sha256 over the mentor''s previous row''s proof (per mentor, in (changed_at, id) order; 32 zero bytes before the first) and this row''s canonical encoding (private.status_history_proof). Written in the same statement as the row; checked by verify_status_history().';

-- ---------------------------------------------------------------------------------------------------------
-- The outbox: coordinators' notifications, queued with the history rows (0005_history.sql), handed to
-- dispatchers by the functions in 0007_outbox.sql
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
  last_error text,
  last_failed_at timestamptz,
  next_attempt_at timestamptz,
  dead_at timestamptz,
  constraint coordinator_notifications_history_id_coordinator_id_key unique (history_id, coordinator_id),
  constraint attempts_is_not_negative check (attempts >= 0),
  constraint claim_lease_is_positive check (claim_lease > interval '0'),
  constraint last_error_is_short check (char_length(last_error) <= 2000),
  constraint dead_is_not_dispatched check (dead_at is null or dispatched_at is null)
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
comment on column public.coordinator_notifications.dispatched_at is
  'When a dispatcher confirmed delivery (complete_coordinator_notifications); null while pending. Only the dispatcher sets it: a coordinator may set read_at only.';
comment on column public.coordinator_notifications.read_at is 'When the coordinator marked it read in the app.';
comment on column public.coordinator_notifications.claimed_at is 'When a dispatcher last claimed it; a claim older than the lease is handed out again (at-least-once).';
comment on column public.coordinator_notifications.claim_token is 'The token of the current claim; only its holder can confirm it.';
comment on column public.coordinator_notifications.claim_lease is 'The lease the current claim asked for: the claim lapses at claimed_at + claim_lease, whatever lease later workers ask for.';
comment on column public.coordinator_notifications.attempts is
  'How many times it has been claimed since it was queued or last re-queued; at app.notification_max_attempts a failure (or a lapsed claim) makes it dead.';
comment on column public.coordinator_notifications.last_error is
  'The error the dispatcher reported for the last failed send (fail_coordinator_notifications), at most 2000 characters; kept when it is re-queued.';
comment on column public.coordinator_notifications.last_failed_at is 'When the last failed send was reported.';
comment on column public.coordinator_notifications.next_attempt_at is
  'Backoff: not handed out before this time (null: due now). Doubles with each failure (app.notification_retry_delay, at most 6 hours).';
comment on column public.coordinator_notifications.dead_at is
  'When it was set aside after app.notification_max_attempts attempts (default 10): kept, never claimed again until the service role re-queues it (requeue_coordinator_notifications). Null: alive.';

-- ---------------------------------------------------------------------------------------------------------
-- Row-level security on every table (policies: 0008_rls.sql). job_runs has none: service role only.
-- ---------------------------------------------------------------------------------------------------------
alter table public.organizations enable row level security;
alter table public.chapters enable row level security;
alter table public.users enable row level security;
alter table public.chapter_memberships enable row level security;
alter table public.peer_mentors enable row level security;
alter table public.job_runs enable row level security;
alter table public.peer_mentor_status_history enable row level security;
alter table public.coordinator_notifications enable row level security;

-- ---------------------------------------------------------------------------------------------------------
-- Tamper evidence (0005_history.sql): erasure records, digests and the digests' per-mentor heads
-- ---------------------------------------------------------------------------------------------------------
create table public.status_history_erasures (
  id bigint generated always as identity primary key,
  mentor_id uuid not null,
  erased_at timestamptz not null,
  erased_by uuid,
  erased_by_role text not null,
  history_rows bigint not null,
  last_history_id bigint,
  last_proof bytea
);
comment on table public.status_history_erasures is
  'One row per erased mentor (peer_mentors row deleted, its history cascaded), written by the database when it happens; append-only (PM602). Keeps no erased content: the mentor''s id (a random uuid), when, by whom, how many history rows went and the hash their chain ended in. verify_status_history() never reports a recorded erasure. Service role reads it.';
comment on column public.status_history_erasures.mentor_id is 'The erased mentor''s id (peer_mentors.id, a random uuid; no foreign key: the mentor is gone).';
comment on column public.status_history_erasures.erased_at is 'When (clock time of the deletion).';
comment on column public.status_history_erasures.erased_by is 'auth.uid() of the deleting caller; null for system callers (service role, owner). No foreign key: a record outlives its actor.';
comment on column public.status_history_erasures.erased_by_role is 'The database role that deleted the mentor (current_user).';
comment on column public.status_history_erasures.history_rows is 'How many history rows the cascade removed.';
comment on column public.status_history_erasures.last_history_id is 'The id of the mentor''s last history row (its chain head); null when it had none.';
comment on column public.status_history_erasures.last_proof is 'That row''s proof: what a digest taken before the erasure holds for this mentor.';

alter table public.status_history_erasures enable row level security;

create table public.status_history_digests (
  id bigint generated always as identity primary key,
  taken_at timestamptz not null,
  digest jsonb not null,
  history_rows bigint not null,
  erasures bigint not null,
  last_history_id bigint not null,
  last_erasure_id bigint not null,
  attempts integer not null default 0,
  claimed_at timestamptz,
  claim_lease interval,
  claim_token uuid,
  next_attempt_at timestamptz,
  last_error text,
  last_failed_at timestamptz,
  dead_at timestamptz,
  published_at timestamptz,
  constraint last_error_is_short check (char_length(last_error) <= 2000),
  constraint dead_is_not_published check (dead_at is null or published_at is null)
);
comment on table public.status_history_digests is
  'Every digest status_history_digest() took (append-only: id, taken_at, digest and the counts never change, rows are never deleted, PM602), with its delivery bookkeeping (claimed, published, failed, dead) for the publisher that copies digests out of the database. Service role reads it.';
comment on column public.status_history_digests.taken_at is 'When the digest was taken (clock time, after the history''s writers in flight had finished).';
comment on column public.status_history_digests.digest is 'The digest as returned and published: {version, digest_id, taken_at, rows, erasures, last_history_id, last_erasure_id, previous_root, root}.';
comment on column public.status_history_digests.history_rows is 'How many history rows there were.';
comment on column public.status_history_digests.erasures is 'How many erasure records there were.';
comment on column public.status_history_digests.last_history_id is 'The highest history id then: every row up to it was committed (the digest waited for writers in flight).';
comment on column public.status_history_digests.last_erasure_id is 'The highest erasure record id then.';
comment on column public.status_history_digests.attempts is 'Publishing: claims so far (since taken or re-queued).';
comment on column public.status_history_digests.claimed_at is 'Publishing: when the current claim was made; null when unclaimed.';
comment on column public.status_history_digests.claim_lease is 'Publishing: how long the current claim holds.';
comment on column public.status_history_digests.claim_token is 'Publishing: the current claim''s token.';
comment on column public.status_history_digests.next_attempt_at is 'Publishing: not handed out before this (backoff); null: due now.';
comment on column public.status_history_digests.last_error is 'Publishing: the last failure the publisher reported (at most 2000 characters).';
comment on column public.status_history_digests.last_failed_at is 'Publishing: when.';
comment on column public.status_history_digests.dead_at is 'Publishing: set aside after app.notification_max_attempts attempts; re-queued by requeue_status_history_digests.';
comment on column public.status_history_digests.published_at is 'Publishing: when a publisher confirmed the digest written outside the database; null until then.';

create table private.status_history_digest_heads (
  digest_id bigint not null,
  mentor_id uuid not null,
  last_history_id bigint,
  history_rows bigint not null,
  last_proof bytea,
  primary key (digest_id, mentor_id)
);
comment on table private.status_history_digest_heads is
  'Per digest, the chain head of every mentor whose history changed since the previous digest (new rows or an erasure): its last row id, row count and proof (null id and proof: no rows left). Append-only (PM602). Trusted only because recomputing a digest''s root from it must give the root kept outside.';

-- A mentor's newest head before a digest (status_history_digest: its row count then), one probe per changed mentor.
create index status_history_digest_heads_mentor_idx on private.status_history_digest_heads (mentor_id, digest_id);

create index status_history_digests_publishable_idx on public.status_history_digests (id)
  where published_at is null and dead_at is null;

alter table public.status_history_digests enable row level security;
alter table private.status_history_digest_heads enable row level security;
