-- pgbench script for measurement (3), "by hand": the same flip as flip-status.sql, run with the triggers
-- disabled, writing the same audit by hand in one statement: status_changed_at, the history row, and the
-- outbox rows for a pause (the mentor's chapters' active coordinators; the organisation fallback is left
-- out: every seeded chapter has a coordinator).
\set n random(1, :mentors)
with flipped as (
  update public.peer_mentors pm
     set status = case pm.status when 'active' then 'paused'::public.mentor_status else 'active'::public.mentor_status end,
         status_reason = 'pgbench',
         status_changed_at = greatest(clock_timestamp(), pm.status_changed_at + interval '1 microsecond')
   where pm.id = md5('mentor:' || :n)::uuid
  returning pm.id, pm.user_id, pm.status, pm.status_reason, pm.status_changed_at
),
history as (
  insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
  select f.id, case f.status when 'active' then 'paused'::public.mentor_status else 'active'::public.mentor_status end,
         f.status, f.status_changed_at, f.status_reason
    from flipped f
  returning id, mentor_id, new_status
)
insert into public.coordinator_notifications (history_id, coordinator_id)
select distinct h.id, k.user_id
  from history h
  join flipped f on f.id = h.mentor_id
  join public.chapter_memberships m on m.user_id = f.user_id and m.role = 'peer_mentor' and m.is_active
  join public.chapter_memberships k on k.chapter_id = m.chapter_id and k.role = 'coordinator' and k.is_active
 where h.new_status = 'paused';
