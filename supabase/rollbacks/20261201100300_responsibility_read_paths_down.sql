-- Rollback of 20261201100300_responsibility_read_paths.sql: the history policy and private.visible_mentor_ids()
-- go back to 20261201100200's definitions (verbatim); the view and the rebuild function go. Run newest first,
-- in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261201100300_responsibility_read_paths_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261201100300';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

lock table public.users, public.peer_mentor_status_history in access exclusive mode;

alter policy peer_mentor_status_history_select_visible on public.peer_mentor_status_history
  using (mentor_id = any (array(select private.visible_mentor_ids())));

drop view if exists private.visible_mentors;
drop function if exists private.rebuild_responsibility();

create or replace function private.visible_mentor_ids() returns setof uuid
language sql
stable
security definer -- reads peer_mentors and the relation without recursing into RLS
set search_path = ''
rows 200
as $$
  select pm.id
    from public.peer_mentors pm
   where pm.user_id = (select auth.uid())
  union
  select r.mentor_id
    from private.responsibilities r
   where r.coordinator_id = (select auth.uid());
$$;
comment on function private.visible_mentor_ids() is
  'Mentors the signed-in user may see and change: its own mentor row, and every mentor it is responsible for (private.responsibilities: through a shared chapter, or the organisation fallback).';

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261201100300';
  end if;
end
$$;
