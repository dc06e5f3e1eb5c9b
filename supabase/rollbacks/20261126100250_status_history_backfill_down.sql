-- Rollback of 20261126100250_status_history_backfill.sql: that migration added rows, not schema, so this only
-- removes its version from supabase_migrations.schema_migrations (so `supabase migration up` applies it again).
--
-- The rows it wrote stay: they are the first link of each mentor's audit chain, and the history is
-- append-only. They go with the table in 20261126100200_status_history_down.sql; re-applying this migration
-- adds rows only for mentors that have none, so it does not duplicate them. Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261126100250_status_history_backfill_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261126100250';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
  if to_regprocedure('private.record_status_history_on_insert()') is not null then
    raise exception 'roll back 20261126100300_status_history_trigger first: private.record_status_history_on_insert() still exists'
      using errcode = 'dependent_objects_still_exist';
  end if;
end
$$;

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261126100250';
  end if;
end
$$;
