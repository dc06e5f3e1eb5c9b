-- Measurement (1), the physical limit: the certification-expiry job's writes by hand, in one set-based
-- statement, run with the user triggers of peer_mentors and peer_mentor_status_history DISABLED.
-- Same rows as the job writes: each expired active mentor paused (status, status_reason,
-- status_changed_at), one history row per mentor carrying the job run id, and one outbox row per
-- coordinator resolved the way private.coordinators_for_mentors does (the chapters' active coordinators,
-- else the organisations'). The runner wraps it in the same job_runs insert/finish the job does.
--   $1  p_as_of (timestamptz)    $2  the job run id (uuid)
with paused as (
  update public.peer_mentors pm
     set status = 'paused',
         status_reason = 'certification_expired',
         status_changed_at = greatest(pg_catalog.clock_timestamp(), pm.status_changed_at + interval '1 microsecond')
   where pm.status = 'active'
     and pm.certification_expires_at <= $1
  returning pm.id, pm.user_id, pm.status_changed_at
),
history as (
  insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason, job_run_id)
  select p.id, 'active', 'paused', p.status_changed_at, 'certification_expired', $2::uuid
    from paused p
  returning id, mentor_id
),
mentor_chapters as (
  select p.id as mentor_id, m.chapter_id, c.organization_id
    from paused p
    join public.chapter_memberships m on m.user_id = p.user_id and m.role = 'peer_mentor' and m.is_active
    join public.chapters c on c.id = m.chapter_id
),
chapter_coordinators as (
  select distinct mc.mentor_id, k.user_id as coordinator_id
    from mentor_chapters mc
    join public.chapter_memberships k on k.chapter_id = mc.chapter_id and k.role = 'coordinator' and k.is_active
),
organisation_coordinators as (
  select distinct mc.mentor_id, k.user_id as coordinator_id
    from mentor_chapters mc
    join public.chapters oc on oc.organization_id = mc.organization_id
    join public.chapter_memberships k on k.chapter_id = oc.id and k.role = 'coordinator' and k.is_active
   where not exists (select 1 from chapter_coordinators cc where cc.mentor_id = mc.mentor_id)
)
insert into public.coordinator_notifications (history_id, coordinator_id)
select h.id, c.coordinator_id
  from history h
  join (select mentor_id, coordinator_id from chapter_coordinators
        union all
        select mentor_id, coordinator_id from organisation_coordinators) c on c.mentor_id = h.mentor_id
