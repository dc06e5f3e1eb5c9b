-- The third data shape, "no coordinators" (the proof's rows (P1)-(P4)), set-based, sized by settings the runner
-- sets first:
--   bench.mentors   (BENCH_PROOF_MENTORS, default BENCH_MENTORS)
--   bench.chapters  (BENCH_CHAPTERS, default 1000)
--
-- Shape: one organisation, chapters 1..C, no coordinator anywhere (so no change queues a notification, and the
-- responsibility relation holds no pair); mentor n (ids bench.uuid_of('mentor', n), as pgbench/flip-status.sql
-- names them) is a peer_mentor in chapter ((n-1) mod C)+1, active, certified for another 1-2 years.
-- Unlike seed.sql, the mentors are inserted WITH their triggers on (as the owner, a system caller): their first
-- history rows are written, and proven, by the database itself. The runner then grows the history through the
-- triggers too (bulk flips), so every row carries a real proof and verifies clean.
insert into bench.trigger_states (relid, tgname, tgenabled)
select t.tgrelid::regclass, t.tgname, t.tgenabled
  from pg_catalog.pg_trigger t
 where not t.tgisinternal
   and t.tgrelid in ('public.peer_mentors'::regclass, 'public.peer_mentor_status_history'::regclass,
                     'public.coordinator_notifications'::regclass, 'public.chapter_memberships'::regclass,
                     'public.chapters'::regclass);

create temporary table seed_params on commit drop as
select current_setting('bench.mentors')::integer as mentors,
       current_setting('bench.chapters')::integer as chapters,
       pg_catalog.date_trunc('second', now()) as seeded_at;

insert into public.organizations (id, name) values (bench.uuid_of('org', 1), 'An organisation without coordinators');

insert into public.chapters (id, organization_id, name)
select bench.uuid_of('chapter', c), bench.uuid_of('org', 1), 'Chapter ' || c
  from seed_params p, generate_series(1, p.chapters) c;

insert into auth.users (id, aud, role, email, created_at, updated_at)
select bench.uuid_of('mentor-user', n), 'authenticated', 'authenticated', 'mentor' || n || '@bench.invalid',
       p.seeded_at - interval '4 years', p.seeded_at - interval '4 years'
  from seed_params p, generate_series(1, p.mentors) n;

insert into public.users (id, full_name, email, created_at)
select a.id, split_part(a.email, '@', 1), a.email, a.created_at from auth.users a where a.email like '%@bench.invalid';

insert into public.chapter_memberships (chapter_id, user_id, role, is_active)
select bench.uuid_of('chapter', (n - 1) % p.chapters + 1), bench.uuid_of('mentor-user', n), 'peer_mentor', true
  from seed_params p, generate_series(1, p.mentors) n;

-- Through the triggers: one history row (and its proof) per mentor.
insert into public.peer_mentors (id, user_id, created_at, certification_expires_at)
select bench.uuid_of('mentor', n), bench.uuid_of('mentor-user', n), p.seeded_at - interval '3 years',
       p.seeded_at + interval '1 year' + (n % 365) * interval '1 day'
  from seed_params p, generate_series(1, p.mentors) n
 order by n;
