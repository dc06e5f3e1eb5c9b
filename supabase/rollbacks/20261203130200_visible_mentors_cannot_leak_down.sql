-- Rollback of 20261203130200_visible_mentors_cannot_leak.sql: private.visible_mentors goes back to 20261201100300's definition (a flattened UNION ALL without security_barrier: the leak comes back). Run newest first, in one transaction:
--   psql --single-transaction -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -f supabase/rollbacks/20261203130200_visible_mentors_cannot_leak_down.sql
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_newer text;
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    select string_agg(version, ', ' order by version desc) into v_newer
      from supabase_migrations.schema_migrations where version > '20261203130200';
    if v_newer is not null then
      raise exception 'roll back the newer migrations first (newest first): %', v_newer
        using errcode = 'dependent_objects_still_exist';
    end if;
  end if;
end
$$;

-- CREATE OR REPLACE VIEW keeps options it is not given: reset the barrier first.
alter view private.visible_mentors reset (security_barrier);
create or replace view private.visible_mentors as
select r.mentor_id
  from private.responsibilities r
 where r.coordinator_id = (select auth.uid())
union all
select pm.id
  from public.peer_mentors pm
 where pm.user_id = (select auth.uid());
comment on view private.visible_mentors is
  'The signed-in user''s own mentor row and every mentor it is responsible for, for the history policy''s per-row EXISTS (a mentor may appear more than once).';

-- Let `supabase migration up` apply the migration again.
do $$
begin
  if to_regclass('supabase_migrations.schema_migrations') is not null then
    delete from supabase_migrations.schema_migrations where version = '20261203130200';
  end if;
end
$$;
