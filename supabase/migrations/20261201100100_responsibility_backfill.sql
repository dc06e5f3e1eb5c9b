-- Fills the responsibility relation (20261201100000) for the memberships and mentors that existed before it.
--
-- Its own migration, after the triggers: from here on every change maintains the relation, and this fills in
-- the rest. It holds the relation's advisory lock (private.lock_responsibility()) while it computes, so a
-- concurrent membership change waits and then recomputes from what this committed; status changes and
-- sign-ups do not take that lock and never wait for it. No table lock beyond what reads take.
-- Readers switch to the relation only in 20261201100200, once it is complete.
set lock_timeout = '3s';
set statement_timeout = '10min';

select private.lock_responsibility();

-- Recomputed whole under the lock: a trigger that ran before this migration may have classified a mentor
-- while coordinator_scopes was still empty.
delete from private.mentor_scopes;

insert into private.coordinator_scopes (via, scope_id, coordinator_id, chapter_id)
select v.via, case v.via when 'chapter' then c.id else c.organization_id end, k.user_id, c.id
  from public.chapter_memberships k
  join public.chapters c on c.id = k.chapter_id
 cross join (values ('chapter'::private.responsibility_via), ('organisation'::private.responsibility_via)) as v (via)
 where k.role = 'coordinator' and k.is_active
on conflict do nothing;

-- Set-based for every mentor: which mentors have another coordinator in one of their chapters, then their
-- scopes. (The same definition as private.refresh_mentor_scopes, written as joins for a whole-table pass.)
with mentor_chapters as (
  select pm.id as mentor_id, pm.user_id, m.chapter_id, c.organization_id
    from public.peer_mentors pm
    join public.chapter_memberships m on m.user_id = pm.user_id and m.role = 'peer_mentor' and m.is_active
    join public.chapters c on c.id = m.chapter_id
),
direct as (
  select distinct mc.mentor_id
    from mentor_chapters mc
    join private.coordinator_scopes k
      on k.via = 'chapter' and k.scope_id = mc.chapter_id and k.coordinator_id <> mc.user_id
)
insert into private.mentor_scopes (mentor_id, via, scope_id, mentor_user_id)
select distinct mc.mentor_id,
       case when d.mentor_id is not null then 'chapter' else 'organisation' end::private.responsibility_via,
       case when d.mentor_id is not null then mc.chapter_id else mc.organization_id end,
       mc.user_id
  from mentor_chapters mc
  left join direct d on d.mentor_id = mc.mentor_id
on conflict do nothing;

analyze private.coordinator_scopes;
analyze private.mentor_scopes;
