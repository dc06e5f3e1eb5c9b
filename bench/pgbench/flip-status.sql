-- pgbench script for measurement (3): one mentor, chosen at random, flips between active and paused (with a
-- reason on the pause, none on the resume: status_reason changes only together with the status).
-- Run as the database owner (a system caller) with the audit triggers on, and again with them disabled.
-- `mentors` comes from `pgbench -D mentors=N`; ids are bench.uuid_of('mentor', n), written out here so
-- the statement is the same plain UPDATE an application would send.
\set n random(1, :mentors)
update public.peer_mentors
   set status = case status when 'active' then 'paused'::public.mentor_status else 'active'::public.mentor_status end,
       status_reason = case status when 'active' then 'pgbench' end
 where id = md5('mentor:' || :n)::uuid;
