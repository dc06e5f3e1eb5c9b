-- Measurement (4b), the baseline: the service role runs the same timeline read with the equivalent explicit
-- filter: the coordinator (the second parameter) is responsible for the mentor (the first), read from the
-- same responsibility relation the policy reads.
select h.*
  from public.peer_mentor_status_history h
 where h.mentor_id = $1::uuid
   and exists (select 1 from private.responsibilities r where r.mentor_id = $1::uuid and r.coordinator_id = $2::uuid)
 order by h.changed_at desc
 limit 50
