-- Measurement (4a), the baseline: the service role (bypasses RLS) runs the same listing with the
-- equivalent explicit filter: mentors with an active peer_mentor membership in a chapter where the
-- coordinator (the second parameter) has an active coordinator membership. (The policy also shows a signed-in mentor its own row; seeded coordinators are not mentors,
-- and the benchmark checks that both sides return the same rows.)
select pm.*
  from public.peer_mentors pm
 where exists (
         select 1
           from public.chapter_memberships k
           join public.chapter_memberships m
             on m.chapter_id = k.chapter_id and m.role = 'peer_mentor' and m.is_active
          where k.user_id = $2::uuid
            and k.role = 'coordinator'
            and k.is_active
            and m.user_id = pm.user_id
       )
