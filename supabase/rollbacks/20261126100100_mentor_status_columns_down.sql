-- Rollback of 20261126100100_mentor_status_columns.sql: drops only what that migration added.
--
-- Later migrations depend on these columns and on the mentor_status type (the history table, the triggers,
-- the policies); roll those back first (newest first). This script refuses, naming the blocker, rather
-- than cascading into the audit history.
-- Dropping exactly the columns this step added is the point of a rollback; readers of the baseline
-- columns are unaffected (tests/rollback.test.ts runs them throughout).
-- squawk-ignore-file ban-drop-column
set lock_timeout = '3s';
set statement_timeout = '1min';

do $$
begin
  if to_regclass('public.peer_mentor_status_history') is not null then
    raise exception 'roll back 20261126100200_status_history first: public.peer_mentor_status_history still uses mentor_status'
      using errcode = 'dependent_objects_still_exist';
  end if;
end
$$;

alter table public.peer_mentors
  drop constraint if exists status_reason_is_short,
  drop column if exists status,
  drop column if exists status_reason,
  drop column if exists status_changed_at,
  drop column if exists certification_expires_at;

drop type if exists public.mentor_status;

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version in ('20261126100100', '20261126100150');
  end if;
end
$$;
