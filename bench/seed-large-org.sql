-- The second data shape, "a large organisation", set-based, sized by settings the runner sets first:
--   bench.mentors            (BENCH_ORG_MENTORS, default 100000)
--   bench.chapters           (BENCH_ORG_CHAPTERS, default 1000)
--   bench.coordinator_every  (BENCH_ORG_COORDINATOR_EVERY, default 1000)
--
-- Shape:
--   * one organisation, chapters 1..C; only every bench.coordinator_every-th chapter has a coordinator (1 of
--     1,000 by default), so most mentors have no coordinator in their chapters and are looked after through the
--     organisation fallback (every one of the organisation's coordinators);
--   * mentors as in seed.sql: mentor n in chapter ((n-1) mod C)+1, two in three also in a second chapter, one
--     in five in a third; one history row each (its creation), written directly;
--   * for measurement (8): the "big chapter" (bench.uuid_of('big-chapter', 1)) with min(1000, M/10) peer
--     mentors (every k-th mentor) and one coordinator (bench.uuid_of('big-coordinator', 1)); a second
--     coordinator user with no membership yet (bench.uuid_of('big-coordinator', 2)); ten empty "import"
--     chapters (bench.uuid_of('import-chapter', 1..10)) that the membership import fills;
--   * users: coordinators 'coordinator' c (for the chapters that have one), mentors 'mentor-user' n.
-- Mentors and their history are written with the user triggers of peer_mentors and the history disabled;
-- the memberships come after them (the relation: rebuilt once, or kept by the memberships' triggers; below). Nothing is ANALYZEd here: the first measurement runs right after the bulk load.
insert into bench.trigger_states (relid, tgname, tgenabled)
select t.tgrelid::regclass, t.tgname, t.tgenabled
  from pg_catalog.pg_trigger t
 where not t.tgisinternal
   and t.tgrelid in ('public.peer_mentors'::regclass, 'public.peer_mentor_status_history'::regclass,
                     'public.coordinator_notifications'::regclass, 'public.chapter_memberships'::regclass,
                     'public.chapters'::regclass);

alter table public.peer_mentors disable trigger user;
alter table public.peer_mentor_status_history disable trigger user;

create temporary table seed_params on commit drop as
select current_setting('bench.mentors')::integer as mentors,
       current_setting('bench.chapters')::integer as chapters,
       current_setting('bench.coordinator_every')::integer as coordinator_every,
       greatest(current_setting('bench.mentors')::integer / 1000, 10) as big_every,
       pg_catalog.date_trunc('second', now()) as seeded_at;

insert into public.organizations (id, name) values (bench.uuid_of('org', 1), 'The large organisation');

insert into public.chapters (id, organization_id, name)
select bench.uuid_of('chapter', c), bench.uuid_of('org', 1), 'Chapter ' || c
  from seed_params p, generate_series(1, p.chapters) c
union all
select bench.uuid_of('big-chapter', 1), bench.uuid_of('org', 1), 'The big chapter'
union all
select bench.uuid_of('import-chapter', i), bench.uuid_of('org', 1), 'Import chapter ' || i
  from generate_series(1, 10) i;

insert into auth.users (id, aud, role, email, created_at, updated_at)
select u.id, 'authenticated', 'authenticated', u.email, p.seeded_at - interval '4 years', p.seeded_at - interval '4 years'
  from seed_params p
  cross join lateral (
    select bench.uuid_of('coordinator', c) as id, 'coordinator' || c || '@bench.invalid' as email
      from generate_series(1, p.chapters) c
     where c % p.coordinator_every = 0
    union all
    select bench.uuid_of('big-coordinator', k), 'big-coordinator' || k || '@bench.invalid' from generate_series(1, 2) k
    union all
    select bench.uuid_of('mentor-user', n), 'mentor' || n || '@bench.invalid'
      from generate_series(1, p.mentors) n
  ) u;

insert into public.users (id, full_name, email, created_at)
select a.id, split_part(a.email, '@', 1), a.email, a.created_at from auth.users a where a.email like '%@bench.invalid';

insert into public.peer_mentors (id, user_id, created_at, status, status_reason, status_changed_at, certification_expires_at)
select bench.uuid_of('mentor', n), bench.uuid_of('mentor-user', n),
       p.seeded_at - interval '3 years' + (n % 86400) * interval '1 second', 'active', null,
       p.seeded_at - interval '3 years' + (n % 86400) * interval '1 second',
       p.seeded_at + interval '1 year' + (n % 365) * interval '1 day'
  from seed_params p, generate_series(1, p.mentors) n
 order by n;

insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at)
select pm.id, null, 'active', pm.status_changed_at from public.peer_mentors pm;

-- The responsibility relation: where private.rebuild_responsibility() exists, the memberships are loaded with
-- their triggers disabled and the relation is rebuilt once, set-based (seconds instead of a minute and a half
-- of trigger maintenance for 188k rows); elsewhere the memberships' own triggers keep it.
do $$
begin
  if pg_catalog.to_regprocedure('private.rebuild_responsibility()') is not null then
    alter table public.chapter_memberships disable trigger user;
  end if;
end
$$;

-- Coordinator memberships (one bulk statement), then the mentors' (another).
insert into public.chapter_memberships (chapter_id, user_id, role, is_active)
select bench.uuid_of('chapter', c), bench.uuid_of('coordinator', c), 'coordinator'::public.chapter_role, true
  from seed_params p, generate_series(1, p.chapters) c
 where c % p.coordinator_every = 0
union all
select bench.uuid_of('big-chapter', 1), bench.uuid_of('big-coordinator', 1), 'coordinator', true;

insert into public.chapter_memberships (chapter_id, user_id, role, is_active)
select v.chapter_id, bench.uuid_of('mentor-user', n), 'peer_mentor', v.active
  from seed_params p
  cross join generate_series(1, p.mentors) n
  cross join lateral (
    values (bench.uuid_of('chapter', (n - 1) % p.chapters + 1), true),
           (case when n % 3 <> 0 then bench.uuid_of('chapter', (n * 7 + 3) % p.chapters + 1) end, n % 17 <> 0),
           (case when n % 5 = 0 then bench.uuid_of('chapter', (n * 13 + 5) % p.chapters + 1) end, true),
           (case when n % p.big_every = 0 and n / p.big_every <= 1000 then bench.uuid_of('big-chapter', 1) end, true)
  ) v(chapter_id, active)
 where v.chapter_id is not null
on conflict do nothing;

do $$
begin
  if pg_catalog.to_regprocedure('private.rebuild_responsibility()') is not null then
    perform private.rebuild_responsibility();
  end if;
end
$$;

call bench.restore_triggers();

insert into bench.mentor_snapshot (id, status, status_reason, status_changed_at)
select id, status, status_reason, status_changed_at from public.peer_mentors;

insert into bench.marks (name, value)
values ('history_id', (select coalesce(max(id), 0) from public.peer_mentor_status_history)),
       ('notification_id', (select coalesce(max(id), 0) from public.coordinator_notifications));
