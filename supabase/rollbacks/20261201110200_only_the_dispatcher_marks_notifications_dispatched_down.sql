-- Rollback of 20261201110200_only_the_dispatcher_marks_notifications_dispatched.sql: gives coordinators back
-- UPDATE on dispatched_at (reopening the re-send hole) and the column comment of 20261126100600. Run newest
-- first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261201110200_only_the_dispatcher_marks_notifications_dispatched_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261201110200';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

grant update (dispatched_at) on table public.coordinator_notifications to authenticated;
comment on column public.coordinator_notifications.dispatched_at is 'When a dispatcher confirmed delivery (or the coordinator marked it dispatched); null while pending.';

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261201110200';
  end if;
end
$$;
