-- Row (P2), the baseline: the certification-expiry job's writes by hand in one set-based statement, run with the
-- user triggers of peer_mentors and the history DISABLED, in the organisation without coordinators: each expired
-- active mentor paused (status, status_reason, status_changed_at) and one history row each with the job run id;
-- no proof and no outbox (there is no coordinator to notify). The runner wraps it in the job_runs insert/finish.
--   $1  p_as_of (timestamptz)    $2  the job run id (uuid)
with paused as (
  update public.peer_mentors pm
     set status = 'paused',
         status_reason = 'certification_expired',
         status_changed_at = greatest(pg_catalog.clock_timestamp(), pm.status_changed_at + interval '1 microsecond')
   where pm.status = 'active'
     and pm.certification_expires_at <= $1
  returning pm.id, pm.status_changed_at
)
insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason, job_run_id)
select p.id, 'active', 'paused', p.status_changed_at, 'certification_expired', $2::uuid
  from paused p;
