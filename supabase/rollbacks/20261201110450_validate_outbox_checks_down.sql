-- Rollback of 20261201110450_validate_outbox_checks.sql: puts last_error_is_short and dead_is_not_dispatched back
-- the way 20261201110400 left them, NOT VALID (PostgreSQL cannot un-validate a constraint, so each is dropped and
-- added again NOT VALID in one statement: no scan, ACCESS EXCLUSIVE on the outbox for milliseconds). New and
-- updated rows are checked throughout. Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261201110450_validate_outbox_checks_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261201110450';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

alter table public.coordinator_notifications
  drop constraint if exists last_error_is_short,
  add constraint last_error_is_short check (char_length(last_error) <= 2000) not valid,
  drop constraint if exists dead_is_not_dispatched,
  add constraint dead_is_not_dispatched check (dead_at is null or dispatched_at is null) not valid;

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261201110450';
  end if;
end
$$;
