-- The mentor status: an enum and four additive columns on peer_mentors.
--
-- Safe for a live table with existing readers and writers:
--   * `status` is NOT NULL with a constant default, which PostgreSQL 11+ stores in the catalog: no table
--     rewrite, the ACCESS EXCLUSIVE lock is held for milliseconds;
--   * the other three columns are nullable; nothing is renamed or dropped, so `select *` and inserts that
--     name only the baseline columns keep working;
--   * the length check is added NOT VALID (instant) and validated by 20261126100150 in a separate
--     transaction (SHARE UPDATE EXCLUSIVE: reads and writes go on while it scans).
-- Rollback: supabase/rollbacks/20261126100100_mentor_status_columns_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

create type public.mentor_status as enum ('active', 'paused', 'inactive');
comment on type public.mentor_status is
  'A mentor''s availability: active (takes mentees), paused (temporarily not, by themselves, a coordinator or the certification-expiry job), inactive (set and lifted only by a coordinator or the system).';

alter table public.peer_mentors
  add column status public.mentor_status not null default 'active',
  add column status_reason text,
  add column status_changed_at timestamptz,
  add column certification_expires_at timestamptz;

-- NOT VALID here; validated by the next migration, in its own transaction, so the scan runs under
-- SHARE UPDATE EXCLUSIVE rather than under this transaction's ACCESS EXCLUSIVE lock. New and updated rows
-- are checked from now on either way.
alter table public.peer_mentors
  add constraint status_reason_is_short check (char_length(status_reason) <= 500) not valid;

comment on column public.peer_mentors.status is 'Current availability. Every change is recorded in peer_mentor_status_history by a trigger.';
comment on column public.peer_mentors.status_reason is 'Why the mentor has its current status (at most 500 characters); copied into the history row of each change.';
comment on column public.peer_mentors.status_changed_at is 'When status last changed. Set by the database on every status change (and on insert); a client cannot set it.';
comment on column public.peer_mentors.certification_expires_at is 'When the mentor''s certification lapses; the nightly expiry job pauses active mentors past it. Changed by the service role only.';
