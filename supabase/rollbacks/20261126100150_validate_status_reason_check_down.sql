-- Rollback of 20261126100150_validate_status_reason_check.sql: puts status_reason_is_short back the way
-- 20261126100100 left it, NOT VALID (PostgreSQL cannot un-validate a constraint, so it is dropped and added
-- again NOT VALID in one statement: no scan, ACCESS EXCLUSIVE on peer_mentors for milliseconds). New and
-- updated rows are checked throughout. Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261126100150_validate_status_reason_check_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261126100150';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

alter table public.peer_mentors
  drop constraint if exists status_reason_is_short,
  add constraint status_reason_is_short check (char_length(status_reason) <= 500) not valid;

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261126100150';
  end if;
end
$$;
