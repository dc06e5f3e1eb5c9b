-- Measurement (1), the baseline: the certification-expiry job's writes by hand, in one set-based statement,
-- run with the user triggers of peer_mentors and the history DISABLED. The same rows the job writes: each
-- expired active mentor paused (status, status_reason, status_changed_at), one history row per mentor with
-- the job run id, and one outbox row per coordinator responsible for the mentor, read from the same
-- responsibility relation the outbox trigger reads (private.responsibilities; a pair may appear once per
-- shared chapter, hence the distinct). The runner wraps it in the job_runs insert/finish the job does.
--   $1  p_as_of (timestamptz)    $2  the job run id (uuid)
with paused as (
  update public.peer_mentors pm
     set status = 'paused',
         status_reason = 'certification_expired',
         status_changed_at = greatest(pg_catalog.clock_timestamp(), pm.status_changed_at + interval '1 microsecond')
   where pm.status = 'active'
     and pm.certification_expires_at <= $1
  returning pm.id, pm.status_changed_at
),
history as (
  insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason, job_run_id)
  select p.id, 'active', 'paused', p.status_changed_at, 'certification_expired', $2::uuid
    from paused p
  returning id, mentor_id
)
insert into public.coordinator_notifications (history_id, coordinator_id)
select distinct h.id, r.coordinator_id
  from history h
  join private.responsibilities r on r.mentor_id = h.mentor_id
