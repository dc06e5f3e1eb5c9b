-- Measurement (4b), the baseline: the service role runs the same timeline read with the equivalent explicit
-- filter: the mentor has an active peer_mentor membership in a chapter where the coordinator (the second
-- parameter) has an active coordinator membership.
select h.*
  from public.peer_mentor_status_history h
 where h.mentor_id = $1::uuid
   and exists (
         select 1
           from public.peer_mentors pm
           join public.chapter_memberships m on m.user_id = pm.user_id and m.role = 'peer_mentor' and m.is_active
           join public.chapter_memberships k
             on k.chapter_id = m.chapter_id and k.role = 'coordinator' and k.is_active and k.user_id = $2::uuid
          where pm.id = h.mentor_id
       )
 order by h.changed_at desc
 limit 50
