-- Job runs and the mentor status history (the audit table).
--
-- Depends on 20261126100100_mentor_status_columns (the mentor_status type). The trigger that writes the
-- history, and the rule that nobody may edit it, come in 20261126100300_status_history_trigger.
-- RLS is enabled here with no access for anon/authenticated; 20261126100400_row_level_security opens reads.
set lock_timeout = '3s';
set statement_timeout = '10min';

-- The history's foreign keys lock peer_mentors and public.users (SHARE ROW EXCLUSIVE). The app locks users
-- before peer_mentors (a profile, then its mentor row, in one transaction); taking both here first, in that
-- order, makes such a write wait instead of deadlocking with this migration (40P01, seen in the rehearsal).
-- A DO block, because the Supabase CLI sends a migration file as one pipelined transaction, where a top-level
-- LOCK TABLE is refused (25P01); the lock is held until the migration commits all the same.
do $$
begin
  lock table public.users, public.peer_mentors in share row exclusive mode;
end
$$;

create table public.job_runs (
  id uuid primary key default gen_random_uuid(),
  job_name text not null,
  status text not null default 'running',
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  affected_count integer,
  error text,
  constraint status_is_known check (status in ('running', 'succeeded', 'failed')),
  constraint job_name_is_named check (job_name <> ''),
  constraint affected_count_is_not_negative check (affected_count >= 0)
);
comment on table public.job_runs is 'One row per run of a background job (e.g. the certification-expiry job); history rows written by a run point at it through job_run_id.';
comment on column public.job_runs.id is 'Primary key; a job sets it as app.job_run_id so the history trigger records it.';
comment on column public.job_runs.job_name is 'Which job ran, e.g. certification_expiry.';
comment on column public.job_runs.status is 'running while the job works, then succeeded or failed.';
comment on column public.job_runs.started_at is 'When the run started.';
comment on column public.job_runs.finished_at is 'When the run finished (null while running).';
comment on column public.job_runs.affected_count is 'How many rows the run changed (e.g. mentors paused).';
comment on column public.job_runs.error is 'The error message of a failed run.';

create table public.peer_mentor_status_history (
  id bigint generated always as identity primary key,
  mentor_id uuid not null references public.peer_mentors (id) on delete cascade,
  previous_status public.mentor_status,
  new_status public.mentor_status not null,
  changed_by uuid references public.users (id) on delete set null,
  changed_at timestamptz not null default now(),
  reason text,
  job_run_id uuid references public.job_runs (id) on delete set null,
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

alter table public.job_runs enable row level security;
alter table public.peer_mentor_status_history enable row level security;
revoke all on table public.job_runs, public.peer_mentor_status_history from public, anon, authenticated, service_role;
