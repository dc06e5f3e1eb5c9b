-- Rollback of 20261201120000_read_model.sql: drops the read model's views, function and private helpers. Nothing else depends on it; no table changes. Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261201120000_read_model_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261201120000';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

drop function if exists public.mentors_expiring_within(integer);
drop view if exists public.my_mentor_card;
drop view if exists public.coordinator_board;
drop view if exists public.mentor_cards;
drop view if exists public.mentor_status_timeline;
drop function if exists private.history_job_name(bigint);
drop function if exists private.history_actor_name(bigint);
drop function if exists private.mentor_directory(uuid);

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261201120000';
  end if;
end
$$;
