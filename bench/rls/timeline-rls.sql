-- Measurement (4b), under RLS: a coordinator reads one mentor's timeline (the contract's query, newest 50).
-- The policy peer_mentor_status_history_select_visible does the filtering.
select *
  from public.peer_mentor_status_history
 where mentor_id = $1::uuid
 order by changed_at desc
 limit 50
