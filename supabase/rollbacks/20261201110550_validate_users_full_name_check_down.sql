-- Rollback of 20261201110550_validate_users_full_name_check.sql: puts full_name_is_short back the way
-- 20261201110500 left it, NOT VALID (PostgreSQL cannot un-validate a constraint, so it is dropped and added
-- again NOT VALID in one statement: no scan, ACCESS EXCLUSIVE on users for milliseconds). New and updated rows
-- are checked throughout. Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261201110550_validate_users_full_name_check_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261201110550';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

alter table public.users
  drop constraint if exists full_name_is_short,
  add constraint full_name_is_short check (char_length(full_name) <= 200) not valid;

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261201110550';
  end if;
end
$$;
