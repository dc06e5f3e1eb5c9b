-- Rollback of 20261203130400_responsibility_is_exact_after_truncate.sql: TRUNCATE no longer maintains the responsibility relation (the triggers and their function go). Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261203130400_responsibility_is_exact_after_truncate_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261203130400';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

lock table public.users, public.peer_mentors, public.organizations, public.chapters, public.chapter_memberships
  in share row exclusive mode;

drop trigger users_responsibility_on_truncate on public.users;
drop trigger peer_mentors_responsibility_on_truncate on public.peer_mentors;
drop trigger organizations_responsibility_on_truncate on public.organizations;
drop trigger chapters_responsibility_on_truncate on public.chapters;
drop trigger chapter_memberships_responsibility_on_truncate on public.chapter_memberships;
drop function private.maintain_responsibility_on_truncate();

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261203130400';
  end if;
end
$$;
