-- Puts the database back to the seeded state between repetitions, without writing history:
-- user triggers off (this also lifts the history's append-only triggers, which is the point: only the
-- benchmark's own rows above the seeded high-water marks go), mentors restored from the snapshot.
-- Run by the database owner (ALTER TABLE ... DISABLE TRIGGER needs ownership, not superuser).
-- The runner VACUUMs the touched tables afterwards, so every repetition starts from the same state.
alter table public.peer_mentors disable trigger user;
alter table public.peer_mentor_status_history disable trigger user;
alter table public.coordinator_notifications disable trigger user;

delete from public.coordinator_notifications
 where id > (select value from bench.marks where name = 'notification_id');
delete from public.peer_mentor_status_history
 where id > (select value from bench.marks where name = 'history_id');
delete from public.job_runs;

update public.peer_mentors pm
   set status = s.status, status_reason = s.status_reason, status_changed_at = s.status_changed_at
  from bench.mentor_snapshot s
 where s.id = pm.id
   and (pm.status, pm.status_reason, pm.status_changed_at) is distinct from (s.status, s.status_reason, s.status_changed_at);

-- Every trigger back as shipped (ENABLE ALWAYS included), whatever the last measurement disabled or swapped.
call bench.restore_triggers();
