-- Schemas and enum types.
--
-- supabase/schemas/ is the current state of the database, one area per file, applied in file order (the
-- Supabase CLI's declarative-schema layout; supabase/config.toml [db.migrations] schema_paths). It is what a
-- reviewer reads; supabase/migrations/ is how a live database gets there. Every migration also edits the
-- matching file here, and `npm test` proves the two equal (tests/schemas_equal_the_migrations.test.ts).
-- All grants, revokes and default privileges live in 0012_grants.sql.

create schema if not exists private;
comment on schema private is
  'Internals: trigger functions and RLS helpers. Not exposed by the Data API (PostgREST serves public), so signed-in users cannot call these over /rest/v1/rpc.';

-- The history's writer role (0005_history.sql): cluster-wide, created once.
do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'status_history_writer') then
    create role status_history_writer nologin noinherit;
  end if;
end
$$;
comment on role status_history_writer is
  'NOLOGIN, no members: owns the history triggers'' functions on peer_mentors (security definer), so the one-writer guard on peer_mentor_status_history recognises them by current_user. Granting it to anyone defeats the guard.';

create type public.chapter_role as enum ('peer_mentor', 'coordinator');
comment on type public.chapter_role is 'What a person is in a chapter: a peer mentor, or a coordinator who runs it.';

create type public.mentor_status as enum ('active', 'paused', 'inactive');
comment on type public.mentor_status is
  'A mentor''s availability: active (takes mentees), paused (temporarily not, by themselves, a coordinator or the certification-expiry job), inactive (set and lifted only by a coordinator or the system).';

create type private.responsibility_via as enum ('chapter', 'organisation');
comment on type private.responsibility_via is
  'How a coordinator is responsible for a mentor: through a chapter they share, or through the organisation (the fallback when none of the mentor''s chapters has another coordinator).';
