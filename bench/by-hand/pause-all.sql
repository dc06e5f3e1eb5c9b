-- Measurement (7), the baseline for the pause: every active mentor paused by hand in one statement, run with
-- the user triggers of peer_mentors and the history DISABLED: the same writes the triggers make (status,
-- reason, status_changed_at, one history row each, one outbox row per responsible coordinator read from
-- private.responsibilities).   $1  the reason (text)
with paused as (
  update public.peer_mentors pm
     set status = 'paused',
         status_reason = $1,
         status_changed_at = greatest(pg_catalog.clock_timestamp(), pm.status_changed_at + interval '1 microsecond')
   where pm.status = 'active'
  returning pm.id, pm.status_changed_at
),
history as (
  insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
  select p.id, 'active', 'paused', p.status_changed_at, $1
    from paused p
  returning id, mentor_id
)
insert into public.coordinator_notifications (history_id, coordinator_id)
select distinct h.id, r.coordinator_id
  from history h
  join private.responsibilities r on r.mentor_id = h.mentor_id
