-- Rollback of 20261201110500_users_full_name_is_short.sql: drops the check full_name_is_short (names of any
-- length are accepted again) and puts the column comment of 20261126100000 back. Run newest first, in one
-- transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261201110500_users_full_name_is_short_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261201110500';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

alter table public.users drop constraint if exists full_name_is_short;
comment on column public.users.full_name is 'Display name.';

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261201110500';
  end if;
end
$$;
