-- pgbench script for measurement (3), the baseline: the same flip as ../pgbench/flip-status.sql, run with the
-- triggers disabled, writing the same audit by hand in one statement: status_changed_at, the history row,
-- and on a pause one outbox row per coordinator responsible for the mentor (private.responsibilities, the
-- relation the outbox trigger reads).
\set n random(1, :mentors)
with flipped as (
  update public.peer_mentors pm
     set status = case pm.status when 'active' then 'paused'::public.mentor_status else 'active'::public.mentor_status end,
         status_reason = case pm.status when 'active' then 'pgbench' end,
         status_changed_at = greatest(clock_timestamp(), pm.status_changed_at + interval '1 microsecond')
   where pm.id = md5('mentor:' || :n)::uuid
  returning pm.id, pm.status, pm.status_reason, pm.status_changed_at
),
history as (
  insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
  select f.id, case f.status when 'active' then 'paused'::public.mentor_status else 'active'::public.mentor_status end,
         f.status, f.status_changed_at, f.status_reason
    from flipped f
  returning id, mentor_id, new_status
)
insert into public.coordinator_notifications (history_id, coordinator_id)
select distinct h.id, r.coordinator_id
  from history h
  join private.responsibilities r on r.mentor_id = h.mentor_id
 where h.new_status = 'paused';
