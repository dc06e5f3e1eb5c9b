-- Measurement (7), the baseline for the resume: every paused mentor resumed by hand in one statement (triggers
-- DISABLED): status, reason cleared, status_changed_at, one history row each; a resume queues no notification.
with resumed as (
  update public.peer_mentors pm
     set status = 'active',
         status_reason = null,
         status_changed_at = greatest(pg_catalog.clock_timestamp(), pm.status_changed_at + interval '1 microsecond')
   where pm.status = 'paused'
  returning pm.id, pm.status_changed_at
)
insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
select r.id, 'paused', 'active', r.status_changed_at, null
  from resumed r
