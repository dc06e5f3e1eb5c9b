-- Time travel: the status in force at any instant, from the history chain.
--
-- Per mentor the history is an unbroken chain ordered by (changed_at, id), so the row in force at an instant is
-- the last one with changed_at <= that instant, ties broken by the higher id. Both functions run as the caller
-- (security invoker): the RLS of peer_mentor_status_history, chapter_memberships and peer_mentors decides what
-- they may return, as for any select.
--
-- Index: the contract's (mentor_id, changed_at desc) index serves `where mentor_id = $1 and changed_at <= $2
-- order by changed_at desc, id desc limit 1` as an ordered index scan; the id tie-break is an incremental sort
-- over the rows of one changed_at, which the trigger keeps strictly increasing per mentor (one row in practice).
-- So no new index: a third index on the busiest table would cost every status change a write and, built here, a
-- SHARE lock on the history (CREATE INDEX CONCURRENTLY cannot run inside a migration's transaction).

create type public.mentor_status_at_instant as (
  mentor_id uuid,
  status public.mentor_status,
  reason text,
  since timestamptz,
  changed_by uuid,
  job_run_id uuid,
  history_id bigint
);
comment on type public.mentor_status_at_instant is
  'A mentor''s status in force at an instant: the history row that set it (history_id), what it set (status, reason), since when (its changed_at) and who (changed_by, or job_run_id for a job). Returned by mentor_status_at and chapter_status_at.';
comment on column public.mentor_status_at_instant.mentor_id is 'The mentor (peer_mentors.id).';
comment on column public.mentor_status_at_instant.status is 'The status in force at the instant.';
comment on column public.mentor_status_at_instant.reason is 'The reason given with it.';
comment on column public.mentor_status_at_instant.since is 'When it was set (the history row''s changed_at, at or before the instant).';
comment on column public.mentor_status_at_instant.changed_by is 'Who set it; null when a system caller did.';
comment on column public.mentor_status_at_instant.job_run_id is 'The job run that set it, if a job did.';
comment on column public.mentor_status_at_instant.history_id is 'The history row in force (peer_mentor_status_history.id).';

create function public.mentor_status_at(p_mentor_id uuid, p_at timestamptz)
returns setof public.mentor_status_at_instant
language plpgsql
stable
security invoker
set search_path = ''
rows 1
as $$
begin
  if p_mentor_id is null or p_at is null then
    raise exception 'mentor_status_at needs a mentor id and an instant (got %, %)',
      coalesce(p_mentor_id::text, 'null'), coalesce(p_at::text, 'null')
      using errcode = 'PM501',
            hint = 'e.g. mentor_status_at(''…'', ''2026-03-01T12:00:00Z'')';
  end if;
  return query
    select h.mentor_id, h.new_status, h.reason, h.changed_at, h.changed_by, h.job_run_id, h.id
      from public.peer_mentor_status_history h
     where h.mentor_id = p_mentor_id
       and h.changed_at <= p_at
     order by h.changed_at desc, h.id desc
     limit 1;
end;
$$;
comment on function public.mentor_status_at(uuid, timestamptz) is
  'The status, reason and actor in force for one mentor at the instant p_at: the last history row with changed_at <= p_at (ties: the higher id). No row before the mentor''s first history row, or when the caller may not see the mentor (RLS). A null argument is PM501.';

create function public.chapter_status_at(p_chapter_id uuid, p_at timestamptz)
returns setof public.mentor_status_at_instant
language plpgsql
stable
security invoker
set search_path = ''
rows 50
as $$
begin
  if p_chapter_id is null or p_at is null then
    raise exception 'chapter_status_at needs a chapter id and an instant (got %, %)',
      coalesce(p_chapter_id::text, 'null'), coalesce(p_at::text, 'null')
      using errcode = 'PM501',
            hint = 'e.g. chapter_status_at(''…'', ''2026-03-01T12:00:00Z''): who was available on 1 March';
  end if;
  return query
    select s.mentor_id, s.new_status, s.reason, s.changed_at, s.changed_by, s.job_run_id, s.id
      from public.chapter_memberships m
      join public.peer_mentors pm on pm.user_id = m.user_id
     cross join lateral (
       select h.mentor_id, h.new_status, h.reason, h.changed_at, h.changed_by, h.job_run_id, h.id
         from public.peer_mentor_status_history h
        where h.mentor_id = pm.id
          and h.changed_at <= p_at
        order by h.changed_at desc, h.id desc
        limit 1
     ) s
     where m.chapter_id = p_chapter_id
       and m.role = 'peer_mentor'
       and m.is_active
     order by s.mentor_id;
end;
$$;
comment on function public.chapter_status_at(uuid, timestamptz) is
  'Every mentor of a chapter (its current active peer_mentor memberships) with the status in force at the instant p_at, ordered by mentor_id: "who was available on 1 March". Mentors whose history starts after p_at are left out. Runs as the caller: only mentors and memberships it may see. A null argument is PM501.';
