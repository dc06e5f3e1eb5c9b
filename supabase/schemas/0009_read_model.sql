-- The read model apps build their screens on: a coordinator's board, "expiring soon", a mentor's own card and a
-- status timeline with the actors' names.
--
-- Everything apps call is in public and runs as the caller: the views are security_invoker and read
-- peer_mentors / peer_mentor_status_history through their RLS policies, so a mentor sees only itself and a
-- coordinator only the mentors it is responsible for (whatever private.visible_mentor_ids() says, now and after
-- it is re-pointed). What the caller may not read directly (the profiles of chapters it is not in, job runs) is
-- borrowed through small security definer helpers in schema private, each of which answers only for mentors
-- private.visible_mentor_ids() allows.

-- ---------------------------------------------------------------------------------------------------------
-- Helpers (private: not exposed by the Data API). Each asks about one mentor (the caller's own row, or
-- private.is_coordinator_of_mentor(): a probe of the responsibility relation), never the caller's whole
-- visible set: a board of n rows costs n probes, not n visible sets.
-- ---------------------------------------------------------------------------------------------------------
create function private.mentor_directory(p_mentor_id uuid)
returns table (full_name text, chapter_ids uuid[], chapter_names text[])
language sql
stable
security definer -- a coordinator may not read the profile or every chapter of a mentor it is responsible for
set search_path = ''
rows 1
as $$
  select u.full_name,
         coalesce(array_agg(c.id order by c.name, c.id) filter (where c.id is not null), '{}'::uuid[]),
         coalesce(array_agg(c.name order by c.name, c.id) filter (where c.id is not null), '{}'::text[])
    from public.peer_mentors pm
    join public.users u on u.id = pm.user_id
    left join (public.chapter_memberships m join public.chapters c on c.id = m.chapter_id)
      on m.user_id = pm.user_id
     and m.role = 'peer_mentor'
     and m.is_active
     -- a mentor sees all its chapters; a coordinator those in the organisations it coordinates in
     and (pm.user_id = (select auth.uid())
          or c.organization_id in (select oc.organization_id
                                     from public.chapter_memberships om
                                     join public.chapters oc on oc.id = om.chapter_id
                                    where om.user_id = (select auth.uid()) and om.role = 'coordinator' and om.is_active))
   where pm.id = p_mentor_id
     and (pm.user_id = (select auth.uid()) or private.is_coordinator_of_mentor(pm.id))
   group by u.full_name;
$$;
comment on function private.mentor_directory(uuid) is
  'The name and chapters (ids and names, ordered by name) of a mentor the caller may see, else no row. Chapters: all of a mentor''s own; for a coordinator, those in organisations where it is an active coordinator. Security definer because RLS on users/chapters does not show a coordinator every profile and chapter of the mentors it is responsible for.';

create function private.history_actor_name(p_history_id bigint) returns text
language sql
stable
security definer -- the actor (a coordinator of another chapter, a mentor) may be a profile the caller cannot read
set search_path = ''
as $$
  select u.full_name
    from public.peer_mentor_status_history h
    join public.users u on u.id = h.changed_by
   where h.id = p_history_id
     and exists (select 1
                   from public.peer_mentors pm
                  where pm.id = h.mentor_id
                    and (pm.user_id = (select auth.uid()) or private.is_coordinator_of_mentor(pm.id)));
$$;
comment on function private.history_actor_name(bigint) is
  'The full_name of the person who wrote a history row of a mentor the caller may see; null for system changes, unnamed or deleted users, and rows the caller may not see.';

create function private.history_job_name(p_history_id bigint) returns text
language sql
stable
security definer -- job_runs is service-role only; the job''s name is what a mentor''s card shows
set search_path = ''
as $$
  select j.job_name
    from public.peer_mentor_status_history h
    join public.job_runs j on j.id = h.job_run_id
   where h.id = p_history_id
     and exists (select 1
                   from public.peer_mentors pm
                  where pm.id = h.mentor_id
                    and (pm.user_id = (select auth.uid()) or private.is_coordinator_of_mentor(pm.id)));
$$;
comment on function private.history_job_name(bigint) is
  'The job_name of the job run that wrote a history row of a mentor the caller may see; null for changes made by people and rows the caller may not see.';

-- ---------------------------------------------------------------------------------------------------------
-- The status timeline: history rows with the actor's name (a mentor's own history on its card)
-- ---------------------------------------------------------------------------------------------------------
create view public.mentor_status_timeline
with (security_invoker = true)
as
select h.id,
       h.mentor_id,
       h.previous_status,
       h.new_status,
       h.reason,
       h.changed_at,
       h.changed_by,
       private.history_actor_name(h.id) as changed_by_name,
       h.job_run_id,
       private.history_job_name(h.id) as job_name
  from public.peer_mentor_status_history h;
comment on view public.mentor_status_timeline is
  'peer_mentor_status_history with who made each change by name: the person (changed_by_name) or the job run (job_name). Runs as the caller, so it shows exactly the history rows the caller may read: a mentor its own, a coordinator those of the mentors it is responsible for. Order by (changed_at, id).';
comment on column public.mentor_status_timeline.id is 'The history row id; breaks ties between rows with the same changed_at.';
comment on column public.mentor_status_timeline.mentor_id is 'The mentor (peer_mentors.id).';
comment on column public.mentor_status_timeline.previous_status is 'Status before the change; null on a mentor''s first row.';
comment on column public.mentor_status_timeline.new_status is 'Status after the change.';
comment on column public.mentor_status_timeline.reason is 'The reason given with the change (status_reason after it).';
comment on column public.mentor_status_timeline.changed_at is 'When the change happened.';
comment on column public.mentor_status_timeline.changed_by is 'The user who made the change; null for system changes (service role, jobs, migrations).';
comment on column public.mentor_status_timeline.changed_by_name is 'That user''s full_name; null for system changes and unnamed or deleted users.';
comment on column public.mentor_status_timeline.job_run_id is 'The job run that made the change; null for changes made by people.';
comment on column public.mentor_status_timeline.job_name is 'That job run''s job_name, e.g. certification_expiry.';

-- ---------------------------------------------------------------------------------------------------------
-- One row per mentor the caller may see, with its current status, who set it and its certification
-- ---------------------------------------------------------------------------------------------------------
create view public.mentor_cards
with (security_invoker = true)
as
select pm.id as mentor_id,
       pm.user_id,
       d.full_name,
       d.chapter_ids,
       d.chapter_names,
       pm.status,
       pm.status_changed_at,
       pm.status_reason,
       last_change.changed_by,
       private.history_actor_name(last_change.id) as changed_by_name,
       last_change.job_run_id,
       private.history_job_name(last_change.id) as job_name,
       pm.certification_expires_at,
       floor(extract(epoch from (pm.certification_expires_at - now())) / 86400)::integer as certification_days_left
  from public.peer_mentors pm
  left join lateral private.mentor_directory(pm.id) d on true
  left join lateral (
    select h.id, h.changed_by, h.job_run_id
      from public.peer_mentor_status_history h
     where h.mentor_id = pm.id
     order by h.changed_at desc, h.id desc
     limit 1
  ) last_change on true;
comment on view public.mentor_cards is
  'Mentor cards: status, since when, why, who set it (a person by name, or the job run) and the certification, one row per mentor the caller may see (RLS of peer_mentors: a mentor its own row, a coordinator also the mentors it is responsible for). Screens use its two slices: my_mentor_card and coordinator_board.';
comment on column public.mentor_cards.mentor_id is 'peer_mentors.id.';
comment on column public.mentor_cards.user_id is 'The mentor''s user (auth.uid() of the mentor).';
comment on column public.mentor_cards.full_name is 'The mentor''s name (users.full_name).';
comment on column public.mentor_cards.chapter_ids is 'Chapters where the mentor is an active peer mentor (for a coordinator: those in organisations it coordinates in), ordered by name; filter with .contains(''chapter_ids'', [id]).';
comment on column public.mentor_cards.chapter_names is 'The names of chapter_ids, in the same order.';
comment on column public.mentor_cards.status is 'The current status.';
comment on column public.mentor_cards.status_changed_at is 'Since when: the time of the last status change.';
comment on column public.mentor_cards.status_reason is 'Why: the reason given with the last status change.';
comment on column public.mentor_cards.changed_by is 'Who made the last status change; null when a system caller (service role, the expiry job, a migration) did.';
comment on column public.mentor_cards.changed_by_name is 'That person''s full_name.';
comment on column public.mentor_cards.job_run_id is 'The job run that made the last status change, if a job did.';
comment on column public.mentor_cards.job_name is 'That job run''s job_name, e.g. certification_expiry.';
comment on column public.mentor_cards.certification_expires_at is 'When the certification lapses (null: no expiry recorded).';
comment on column public.mentor_cards.certification_days_left is 'Whole days until certification_expires_at, rounded down (0: within a day; negative: lapsed); null without an expiry.';

create view public.coordinator_board
with (security_invoker = true)
as
select c.*
  from public.mentor_cards c
 where c.user_id <> (select auth.uid());
comment on view public.coordinator_board is
  'A coordinator''s board: every mentor the signed-in coordinator is responsible for, one row each (mentor_cards without the caller''s own row: nobody coordinates itself). Runs as the caller. Filter by chapter with .contains(''chapter_ids'', [chapterId]) and by status with .eq(''status'', ''paused''). Empty for the service role, which is nobody''s coordinator.';
comment on column public.coordinator_board.mentor_id is 'peer_mentors.id.';
comment on column public.coordinator_board.user_id is 'The mentor''s user.';
comment on column public.coordinator_board.full_name is 'The mentor''s name.';
comment on column public.coordinator_board.chapter_ids is 'The mentor''s chapters in the organisations the coordinator coordinates in, ordered by name.';
comment on column public.coordinator_board.chapter_names is 'The names of chapter_ids, in the same order.';
comment on column public.coordinator_board.status is 'The current status.';
comment on column public.coordinator_board.status_changed_at is 'Since when.';
comment on column public.coordinator_board.status_reason is 'Why.';
comment on column public.coordinator_board.changed_by is 'Who made the last status change (null: a system caller).';
comment on column public.coordinator_board.changed_by_name is 'That person''s full_name.';
comment on column public.coordinator_board.job_run_id is 'The job run that made the last status change, if a job did.';
comment on column public.coordinator_board.job_name is 'That job run''s job_name.';
comment on column public.coordinator_board.certification_expires_at is 'When the certification lapses.';
comment on column public.coordinator_board.certification_days_left is 'Whole days left, rounded down; negative once lapsed.';

create view public.my_mentor_card
with (security_invoker = true)
as
select c.*
  from public.mentor_cards c
 where c.user_id = (select auth.uid());
comment on view public.my_mentor_card is
  'A mentor''s own card: at most one row, the signed-in user''s mentor row (status, since when, why, who set it, certification). Its history, with the actors'' names: mentor_status_timeline .eq(''mentor_id'', card.mentor_id).';
comment on column public.my_mentor_card.mentor_id is 'peer_mentors.id.';
comment on column public.my_mentor_card.user_id is 'The signed-in user.';
comment on column public.my_mentor_card.full_name is 'The mentor''s name.';
comment on column public.my_mentor_card.chapter_ids is 'Chapters where the mentor is an active peer mentor, ordered by name.';
comment on column public.my_mentor_card.chapter_names is 'The names of chapter_ids, in the same order.';
comment on column public.my_mentor_card.status is 'The current status.';
comment on column public.my_mentor_card.status_changed_at is 'Since when.';
comment on column public.my_mentor_card.status_reason is 'Why.';
comment on column public.my_mentor_card.changed_by is 'Who set it (null: a system caller such as the expiry job).';
comment on column public.my_mentor_card.changed_by_name is 'That person''s full_name.';
comment on column public.my_mentor_card.job_run_id is 'The job run that set it, if a job did.';
comment on column public.my_mentor_card.job_name is 'That job run''s job_name.';
comment on column public.my_mentor_card.certification_expires_at is 'When the certification lapses.';
comment on column public.my_mentor_card.certification_days_left is 'Whole days left, rounded down; negative once lapsed.';

create function public.mentors_expiring_within(p_days integer) returns setof public.coordinator_board
language plpgsql
stable
security invoker
set search_path = ''
rows 20
as $$
begin
  if p_days is null or p_days < 0 or p_days > 3660 then
    raise exception 'p_days must be a number of days from 0 to 3660 (got %)', coalesce(p_days::text, 'null')
      using errcode = 'PM502',
            hint = 'e.g. mentors_expiring_within(30): certifications that lapse in the next 30 days';
  end if;
  return query
    select b.*
      from public.coordinator_board b
     where b.certification_expires_at > now()
       and b.certification_expires_at <= now() + make_interval(days => p_days)
     order by b.certification_expires_at, b.mentor_id;
end;
$$;
comment on function public.mentors_expiring_within(integer) is
  'Expiring soon: the coordinator''s board rows whose certification lapses within the next p_days days (after now, at most now + p_days), soonest first, so a coordinator can act before the nightly job pauses them. Runs as the caller (RLS). p_days outside 0..3660 or null is PM502.';
