-- Production-sized data for `npm run rehearse`, loaded into the BASELINE schema only (20261126100000): the
-- state of the live database before this feature's migrations run. Set-based (generate_series), sized by
-- two settings the runner sets first:
--   rehearse.mentors   (REHEARSE_MENTORS, default 1000000)
--   rehearse.chapters  (REHEARSE_CHAPTERS, default 2000)
--
-- Shape:
--   * organisations: one per 20 chapters;
--   * every chapter has two coordinators (users M+2c-1 and M+2c);
--   * mentor n (user n) belongs to chapter ((n-1) mod C)+1; every tenth mentor also to a second chapter;
--   * every user exists in auth.users and public.users; ids are md5-derived, so a run is repeatable;
--   * mentors joined over the past three years.
-- Written by the owner, like a restore: no triggers exist yet at the baseline.

create temporary table seed_params on commit drop as
select current_setting('rehearse.mentors')::integer as mentors,
       current_setting('rehearse.chapters')::integer as chapters,
       greatest(current_setting('rehearse.chapters')::integer / 20, 1) as organisations,
       pg_catalog.date_trunc('second', now()) as seeded_at;

insert into public.organizations (id, name)
select md5('org:' || o)::uuid, 'Organisation ' || o
  from seed_params p, generate_series(1, p.organisations) o;

insert into public.chapters (id, organization_id, name)
select md5('chapter:' || c)::uuid, md5('org:' || ((c - 1) % p.organisations + 1))::uuid, 'Chapter ' || c
  from seed_params p, generate_series(1, p.chapters) c;

insert into auth.users (id, aud, role, email, created_at, updated_at)
select md5('user:' || u)::uuid, 'authenticated', 'authenticated', 'user' || u || '@rehearsal.invalid',
       p.seeded_at - (u % 1096) * interval '1 day', p.seeded_at - (u % 1096) * interval '1 day'
  from seed_params p, generate_series(1, p.mentors + 2 * p.chapters) u;

insert into public.users (id, full_name, email, created_at)
select md5('user:' || u)::uuid, 'User ' || u, 'user' || u || '@rehearsal.invalid', p.seeded_at - (u % 1096) * interval '1 day'
  from seed_params p, generate_series(1, p.mentors + 2 * p.chapters) u;

insert into public.chapter_memberships (chapter_id, user_id, role)
select md5('chapter:' || ((n - 1) % p.chapters + 1))::uuid, md5('user:' || n)::uuid, 'peer_mentor'::public.chapter_role
  from seed_params p, generate_series(1, p.mentors) n
union all
select md5('chapter:' || ((n * 7) % p.chapters + 1))::uuid, md5('user:' || n)::uuid, 'peer_mentor'::public.chapter_role
  from seed_params p, generate_series(10, p.mentors, 10) n
 where (n * 7) % p.chapters <> (n - 1) % p.chapters
union all
select md5('chapter:' || c)::uuid, md5('user:' || (p.mentors + 2 * c - k))::uuid, 'coordinator'::public.chapter_role
  from seed_params p, generate_series(1, p.chapters) c, generate_series(0, 1) k;

insert into public.peer_mentors (id, user_id, created_at)
select md5('mentor:' || n)::uuid, md5('user:' || n)::uuid, p.seeded_at - (n % 1096) * interval '1 day'
  from seed_params p, generate_series(1, p.mentors) n;
