-- Measurement (4a), under RLS: a coordinator lists the mentors it is responsible for. Run as `authenticated`
-- with request.jwt.claims naming the coordinator; the policy peer_mentors_select_self_or_coordinated
-- does the filtering. (Both parameters are passed but unused, so both sides run with the same ones.)
select pm.*
  from public.peer_mentors pm
