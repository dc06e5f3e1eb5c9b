-- Measurement (4a), the baseline: the service role (bypasses RLS) runs the same listing with the
-- equivalent explicit filter: the mentors the coordinator (the second parameter) is responsible for, read
-- from the same responsibility relation the policy reads. (The policy also shows a signed-in user its own
-- mentor row; the benchmark's coordinators are not mentors, and it checks that both sides return the same rows.)
select pm.*
  from public.peer_mentors pm
 where pm.id in (select r.mentor_id from private.responsibilities r where r.coordinator_id = $2::uuid)
