-- pgbench script for row (P1), the baseline: the same flip as ../pgbench/flip-status.sql, run with the user
-- triggers of peer_mentors and the history disabled, writing the same history row by hand in one statement, and
-- nothing else: no proof, no outbox (the organisation has no coordinators, so the audited side queues none
-- either). status_changed_at and the history row are what the triggers write; the proof is what they add.
\set n random(1, :mentors)
with flipped as (
  update public.peer_mentors pm
     set status = case pm.status when 'active' then 'paused'::public.mentor_status else 'active'::public.mentor_status end,
         status_reason = case pm.status when 'active' then 'pgbench' end,
         status_changed_at = greatest(clock_timestamp(), pm.status_changed_at + interval '1 microsecond')
   where pm.id = md5('mentor:' || :n)::uuid
  returning pm.id, pm.status, pm.status_reason, pm.status_changed_at
)
insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
select f.id, case f.status when 'active' then 'paused'::public.mentor_status else 'active'::public.mentor_status end,
       f.status, f.status_changed_at, f.status_reason
  from flipped f;
