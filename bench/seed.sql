-- The benchmark's data, set-based (generate_series), sized by three settings the runner sets first:
--   bench.mentors   (BENCH_MENTORS, default 100000)
--   bench.chapters  (BENCH_CHAPTERS, default 1000)
--   bench.history   (BENCH_HISTORY, default 1000000; at least bench.mentors)
--
-- Shape:
--   * organisations: one per 100 chapters (at least one);
--   * chapter c has coordinator c; every even chapter also has coordinator c+1, so odd coordinators run
--     two chapters (multi-chapter coordinators) and chapters have one or two coordinators; every tenth
--     chapter also has an idle (inactive) coordinator membership, which must grant nothing;
--   * mentor n belongs to chapter ((n-1) mod C)+1; two mentors in three also to a second chapter, one in
--     five to a third (multi-chapter mentors); one second membership in seventeen is inactive;
--   * every user exists in auth.users and public.users; ids are bench.uuid_of(kind, n);
--   * every mentor is active, certified for another 1-2 years, and has a full history chain written here
--     directly (the triggers are disabled while seeding, so this is fast): a first row (previous_status
--     null), then pairs of flips active -> paused -> active, spread over the past three years, so the
--     chain ends at the mentor's current status and the history holds bench.history rows (one fewer when
--     bench.history - bench.mentors is odd). Mentors 1-10 have long histories (401 rows each, when the
--     history is big enough): the timeline read of a long-tenured mentor; the rest share the remainder.
-- Mentors and history are written by the owner with the user triggers of peer_mentors and the history
-- disabled, so the audit trail is what we write here; memberships come last (see the relation below).

-- Record the triggers as shipped, so that bench.restore_triggers() can put back exactly these states, ENABLE
-- ALWAYS included.
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
       greatest(current_setting('bench.chapters')::integer / 100, 1) as organisations,
       (current_setting('bench.history')::bigint - current_setting('bench.mentors')::integer) / 2 as flip_pairs,
       case when (current_setting('bench.history')::bigint - current_setting('bench.mentors')::integer) / 2 >= 10 * 200 * 4
             and current_setting('bench.mentors')::integer >= 1000 then 10 else 0 end as long_mentors,
       pg_catalog.date_trunc('second', now()) as seeded_at;

insert into public.organizations (id, name)
select bench.uuid_of('org', o), 'Organisation ' || o
  from seed_params p, generate_series(1, p.organisations) o;

insert into public.chapters (id, organization_id, name)
select bench.uuid_of('chapter', c), bench.uuid_of('org', (c - 1) % p.organisations + 1), 'Chapter ' || c
  from seed_params p, generate_series(1, p.chapters) c;

-- Users: coordinators 1..C, mentors 1..M.
insert into auth.users (id, aud, role, email, created_at, updated_at)
select u.id, 'authenticated', 'authenticated', u.email, p.seeded_at - interval '4 years', p.seeded_at - interval '4 years'
  from seed_params p
  cross join lateral (
    select bench.uuid_of('coordinator', k) as id, 'coordinator' || k || '@bench.invalid' as email
      from generate_series(1, p.chapters) k
    union all
    select bench.uuid_of('mentor-user', n), 'mentor' || n || '@bench.invalid'
      from generate_series(1, p.mentors) n
  ) u;

insert into public.users (id, full_name, email, created_at)
select a.id, split_part(a.email, '@', 1), a.email, a.created_at from auth.users a where a.email like '%@bench.invalid';

-- Mentors: flip pairs per mentor so that the history totals bench.history rows; changes are `step` apart.
create temporary table seed_mentors on commit drop as
with per_mentor as (
  select n,
         bench.uuid_of('mentor', n) as id,
         bench.uuid_of('mentor-user', n) as user_id,
         bench.uuid_of('coordinator', (n - 1) % p.chapters + 1) as coordinator_id,
         case when n <= p.long_mentors then 200
              else (p.flip_pairs - p.long_mentors * 200) / (p.mentors - p.long_mentors)
                 + case when n - p.long_mentors <= (p.flip_pairs - p.long_mentors * 200) % (p.mentors - p.long_mentors)
                        then 1 else 0 end
         end as pairs,
         p.seeded_at - interval '3 years' + (n % 86400) * interval '1 second' as created_at,
         p.seeded_at + interval '1 year' + (n % 365) * interval '1 day' as certification_expires_at
    from seed_params p, generate_series(1, p.mentors) n
)
select m.*, least(interval '4 days', interval '2 years' / (2 * m.pairs + 1)) as step
  from per_mentor m;

insert into public.peer_mentors (id, user_id, created_at, status, status_reason, status_changed_at, certification_expires_at)
select m.id, m.user_id, m.created_at, 'active', null,
       m.created_at + (2 * m.pairs) * m.step,
       m.certification_expires_at
  from seed_mentors m
 order by m.n;

-- History: row 0 is the creation, odd rows pause (by the primary chapter's coordinator), even rows resume.
insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_by, changed_at, reason)
select m.id,
       case when j = 0 then null when j % 2 = 1 then 'active' else 'paused' end::public.mentor_status,
       case when j % 2 = 1 then 'paused' else 'active' end::public.mentor_status,
       case when j % 2 = 1 then m.coordinator_id end,
       m.created_at + j * m.step,
       case when j % 2 = 1 then 'on leave' end
  from seed_mentors m
  cross join lateral generate_series(0, 2 * m.pairs) j
 order by m.n, j;

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

-- Memberships last, one bulk INSERT per role, for mentors that already exist.
-- Coordinator memberships.
insert into public.chapter_memberships (chapter_id, user_id, role, is_active)
select bench.uuid_of('chapter', c), bench.uuid_of('coordinator', k), 'coordinator', active
  from seed_params p
  cross join generate_series(1, p.chapters) c
  cross join lateral (
    values (c, true),
           (case when c % 2 = 0 then c % p.chapters + 1 end, true),
           (case when c % 10 = 0 then (c + 1) % p.chapters + 1 end, false)
  ) v(k, active)
 where k is not null
on conflict do nothing;

-- Mentor memberships (peer_mentor role), one to three chapters each.
insert into public.chapter_memberships (chapter_id, user_id, role, is_active)
select bench.uuid_of('chapter', c), bench.uuid_of('mentor-user', n), 'peer_mentor', active
  from seed_params p
  cross join generate_series(1, p.mentors) n
  cross join lateral (
    values ((n - 1) % p.chapters + 1, true),
           (case when n % 3 <> 0 then (n * 7 + 3) % p.chapters + 1 end, n % 17 <> 0),
           (case when n % 5 = 0 then (n * 13 + 5) % p.chapters + 1 end, true)
  ) v(c, active)
 where c is not null
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
