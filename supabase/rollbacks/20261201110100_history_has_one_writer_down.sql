-- Rollback of 20261201110100_history_has_one_writer.sql: drops the single-writer guard on the history (the
-- owner can then INSERT history rows directly again; the append-only triggers stay). Run newest first, in one
-- transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261201110100_history_has_one_writer_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261201110100';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

drop trigger if exists peer_mentor_status_history_single_writer on public.peer_mentor_status_history;
drop function if exists private.keep_status_history_single_writer();

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261201110100';
  end if;
end
$$;
