-- Rollback of 20261203130200_visible_mentors_cannot_leak.sql: private.visible_mentors goes back to 20261201100300's definition (a flattened UNION ALL without security_barrier: the leak comes back). Run it with:
--   npm run db:rollback -- 20261203130200
set lock_timeout = '3s';
set statement_timeout = '10min';

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
