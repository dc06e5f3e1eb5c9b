-- Test setup: installs the `tests` schema of helpers used by every other file.
--
-- It runs first (the name sorts first) under both `npm test` and `supabase test db`, and COMMITS, so the
-- helpers exist for the files after it. They live in their own schema, never in a migration, and are
-- replaced on every run. The Supabase RLS idiom (basejump / supabase-test-helpers): act as a role with
-- transaction-local `role` and `request.jwt.claims` (including its `role` claim).
begin;
create extension if not exists pgtap with schema extensions;
-- The migrations revoke PUBLIC's default EXECUTE on functions postgres creates (20261203130100), and here
-- postgres creates pgTAP (on Supabase the platform does, and its functions are executable by everyone): the
-- assertions run as the API roles too, so they may call them. A no-op where that is so already.
do $$
declare
  v_function regprocedure;
begin
  for v_function in
    select d.objid::regprocedure
      from pg_catalog.pg_depend d
      join pg_catalog.pg_extension e on e.oid = d.refobjid
     where e.extname = 'pgtap' and d.classid = 'pg_catalog.pg_proc'::regclass and d.deptype = 'e'
       and not pg_catalog.has_function_privilege('public', d.objid, 'execute')
  loop
    execute pg_catalog.format('grant execute on function %s to public', v_function);
  end loop;
end
$$;

create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

-- A deterministic uuid from a name: fixtures never depend on random ids.
create or replace function tests.uuid(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select pg_catalog.md5(p_name)::uuid $$;

-- An auth user with its public profile. Returns its id (tests.uuid(p_name)).
create or replace function tests.create_user(p_name text) returns uuid
language plpgsql volatile set search_path = ''
as $$
declare
  v_id uuid := tests.uuid(p_name);
begin
  insert into auth.users (id, email, aud, role, raw_user_meta_data)
  values (v_id, p_name || '@test.invalid', 'authenticated', 'authenticated', pg_catalog.jsonb_build_object('full_name', p_name))
  on conflict (id) do nothing;
  insert into public.users (id, full_name, email) values (v_id, p_name, p_name || '@test.invalid')
  on conflict (id) do nothing;
  return v_id;
end;
$$;

create or replace function tests.create_organization(p_name text) returns uuid
language sql volatile set search_path = ''
as $$
  insert into public.organizations (id, name) values (tests.uuid('org:' || p_name), p_name)
  on conflict (id) do update set name = excluded.name
  returning id;
$$;

create or replace function tests.create_chapter(p_organization_id uuid, p_name text) returns uuid
language sql volatile set search_path = ''
as $$
  insert into public.chapters (id, organization_id, name) values (tests.uuid('chapter:' || p_name), p_organization_id, p_name)
  on conflict (id) do update set name = excluded.name
  returning id;
$$;

create or replace function tests.add_membership(p_chapter_id uuid, p_user_id uuid, p_role public.chapter_role, p_is_active boolean default true)
returns void
language sql volatile set search_path = ''
as $$
  insert into public.chapter_memberships (chapter_id, user_id, role, is_active)
  values (p_chapter_id, p_user_id, p_role, p_is_active)
  on conflict (chapter_id, user_id, role) do update set is_active = excluded.is_active;
$$;

-- A mentor for an existing user. Returns the peer_mentors id (tests.uuid('mentor:' || user name)).
create or replace function tests.create_mentor(
  p_user_id uuid,
  p_status public.mentor_status default 'active',
  p_certification_expires_at timestamptz default now() + interval '1 year'
) returns uuid
language sql volatile set search_path = ''
as $$
  insert into public.peer_mentors (id, user_id, status, certification_expires_at)
  values (tests.uuid('mentor:' || p_user_id::text), p_user_id, p_status, p_certification_expires_at)
  returning id;
$$;

-- Act as a signed-in user, the way PostgREST does: transaction-local role and JWT claims.
create or replace function tests.authenticate_as(p_user_id uuid) returns void
language plpgsql volatile set search_path = ''
as $$
begin
  perform pg_catalog.set_config('role', 'authenticated', true);
  perform pg_catalog.set_config('request.jwt.claims',
    pg_catalog.jsonb_build_object('sub', p_user_id, 'role', 'authenticated', 'aud', 'authenticated')::text, true);
end;
$$;

create or replace function tests.authenticate_as_anon() returns void
language plpgsql volatile set search_path = ''
as $$
begin
  perform pg_catalog.set_config('role', 'anon', true);
  perform pg_catalog.set_config('request.jwt.claims', '{"role":"anon"}', true);
end;
$$;

create or replace function tests.authenticate_as_service_role() returns void
language plpgsql volatile set search_path = ''
as $$
begin
  perform pg_catalog.set_config('role', 'service_role', true);
  perform pg_catalog.set_config('request.jwt.claims', '{"role":"service_role"}', true);
end;
$$;

-- Back to the session user (the database owner running the tests), with no claims.
create or replace function tests.clear_authentication() returns void
language plpgsql volatile set search_path = ''
as $$
begin
  perform pg_catalog.set_config('role', 'none', true);
  perform pg_catalog.set_config('request.jwt.claims', '', true);
end;
$$;

-- The RLS matrix's fixture (supabase/tests/pgtap/rls/), built by tests.create_rls_fixture():
--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
--   outsider: signed in, no memberships.
-- Names map to ids with tests.rls_user / rls_mentor / rls_chapter / rls_org; tests.rls_sign_in acts as one.
create or replace function tests.rls_user(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select tests.uuid('rls:' || p_name) $$;

create or replace function tests.rls_mentor(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select tests.uuid('mentor:' || tests.uuid('rls:' || p_name)::text) $$;

create or replace function tests.rls_chapter(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select tests.uuid('chapter:rls ' || p_name) $$;

create or replace function tests.rls_org(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select tests.uuid('org:rls ' || p_name) $$;

create or replace function tests.rls_sign_in(p_name text) returns void
language sql volatile set search_path = ''
as $$ select tests.authenticate_as(tests.uuid('rls:' || p_name)) $$;

create or replace function tests.create_rls_fixture() returns void
language plpgsql volatile set search_path = ''
as $$
declare
  v_one uuid := tests.create_organization('rls one');
  v_two uuid := tests.create_organization('rls two');
  v_north uuid := tests.create_chapter(v_one, 'rls north');
  v_south uuid := tests.create_chapter(v_one, 'rls south');
  v_west uuid := tests.create_chapter(v_two, 'rls west');
  v_name text;
begin
  foreach v_name in array array['coord-north', 'coord-west', 'coord-multi', 'coord-idle', 'outsider'] loop
    perform tests.create_user('rls:' || v_name);
  end loop;
  foreach v_name in array array['mentor-self', 'mentor-other', 'mentor-south', 'mentor-multi', 'mentor-west', 'mentor-former'] loop
    perform tests.create_mentor(tests.create_user('rls:' || v_name));
  end loop;
  perform tests.add_membership(v_north, tests.rls_user('mentor-self'), 'peer_mentor');
  perform tests.add_membership(v_north, tests.rls_user('mentor-other'), 'peer_mentor');
  perform tests.add_membership(v_north, tests.rls_user('mentor-former'), 'peer_mentor', false);
  perform tests.add_membership(v_south, tests.rls_user('mentor-south'), 'peer_mentor');
  perform tests.add_membership(v_south, tests.rls_user('mentor-multi'), 'peer_mentor');
  perform tests.add_membership(v_west, tests.rls_user('mentor-multi'), 'peer_mentor');
  perform tests.add_membership(v_west, tests.rls_user('mentor-west'), 'peer_mentor');
  perform tests.add_membership(v_north, tests.rls_user('coord-north'), 'coordinator');
  perform tests.add_membership(v_north, tests.rls_user('coord-multi'), 'coordinator');
  perform tests.add_membership(v_south, tests.rls_user('coord-multi'), 'coordinator');
  perform tests.add_membership(v_north, tests.rls_user('coord-idle'), 'coordinator', false);
  perform tests.add_membership(v_west, tests.rls_user('coord-west'), 'coordinator');
end;
$$;

-- What a refused statement could touch, fingerprinted: one row per table (auth.users and every table in public and
-- private), with an md5 of all its rows. A bad-input file takes it before the refused statements
--   create temporary table state_before on commit drop as select * from tests.table_fingerprints();
-- and compares at the end: set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$, ...).
-- Read as the caller: call it as the database owner (after tests.clear_authentication()).
create or replace function tests.table_fingerprints() returns table (table_name text, fingerprint text)
language plpgsql stable set search_path = ''
as $$
declare
  v_table regclass;
begin
  for v_table in
    select c.oid::regclass
      from pg_catalog.pg_class c
     where c.relkind in ('r', 'p')
       and (c.relnamespace in ('public'::regnamespace, 'private'::regnamespace) or c.oid = 'auth.users'::regclass)
     order by c.oid::regclass::text
  loop
    table_name := v_table::text;
    execute pg_catalog.format($q$select pg_catalog.md5(coalesce(pg_catalog.string_agg(x::text, '|' order by x::text), '')) from %s x$q$, v_table)
       into fingerprint;
    return next;
  end loop;
end;
$$;

-- Tamper evidence (supabase/tests/pgtap/tamper_evidence/). The fixture: Mia (first row by the owner, a pause by
-- Mia herself, a resume by the service role, a pause by a job run, a resume by Mia) and Max (created, paused and
-- resumed by the owner); Carl, a user who changed nothing; job run 'tamper job', finished. Returns the digest
-- taken after it.
create or replace function tests.tamper_fixture() returns jsonb
language plpgsql volatile set search_path = ''
as $$
declare
  v_mia uuid := tests.create_mentor(tests.create_user('tamper mia'));
  v_max uuid := tests.create_mentor(tests.create_user('tamper max'));
  v_run uuid;
begin
  perform tests.create_user('tamper carl');
  perform tests.authenticate_as(tests.uuid('tamper mia'));
  update public.peer_mentors set status = 'paused', status_reason = 'exams' where id = v_mia;
  perform tests.clear_authentication();
  perform tests.authenticate_as_service_role();
  update public.peer_mentors set status = 'active', status_reason = null where id = v_mia;
  perform tests.clear_authentication();
  insert into public.job_runs (id, job_name) values (tests.uuid('tamper job'), 'tamper') returning id into v_run;
  perform pg_catalog.set_config('app.job_run_id', v_run::text, true);
  update public.peer_mentors set status = 'paused', status_reason = 'certification_expired' where id = v_mia;
  perform pg_catalog.set_config('app.job_run_id', '', true);
  update public.job_runs set status = 'succeeded', finished_at = pg_catalog.now() where id = v_run;
  perform tests.authenticate_as(tests.uuid('tamper mia'));
  update public.peer_mentors set status = 'active', status_reason = 'renewed' where id = v_mia;
  perform tests.clear_authentication();
  update public.peer_mentors set status = 'paused', status_reason = 'leave' where id = v_max;
  update public.peer_mentors set status = 'active', status_reason = null where id = v_max;
  return public.status_history_digest();
end;
$$;

-- The n-th history row (1 = first) of a tamper fixture mentor ('mia', 'max'), in chain order.
create or replace function tests.tamper_row(p_who text, p_n integer) returns bigint
language sql stable set search_path = ''
as $$
  select h.id from public.peer_mentor_status_history h
   where h.mentor_id = tests.uuid('mentor:' || tests.uuid('tamper ' || p_who))
   order by h.changed_at, h.id offset p_n - 1 limit 1
$$;

-- What an attacker who knows the scheme does after editing a mentor's rows: recompute every proof of its chain.
-- Run only inside tests.tamper (the history's append-only trigger is off there).
create or replace function tests.reprove_chain(p_mentor uuid) returns void
language plpgsql volatile set search_path = ''
as $$
declare
  v_previous bytea;
  r record;
begin
  for r in select h.id from public.peer_mentor_status_history h where h.mentor_id = p_mentor order by h.changed_at, h.id loop
    update public.peer_mentor_status_history h
       set changed_by_pseudonym = coalesce(h.changed_by_pseudonym, private.status_history_pseudonym(h.changed_by)),
           proof = private.status_history_proof(v_previous, h.id, h.mentor_id, h.previous_status, h.new_status,
                     h.changed_at, h.reason, coalesce(h.changed_by_pseudonym, private.status_history_pseudonym(h.changed_by)),
                     h.job_run_pseudonym, h.proof_origin)
     where h.id = r.id
    returning h.proof into v_previous;
  end loop;
end;
$$;

-- Runs p_attack as the owner around the triggers, then verify_status_history(p_digest), and undoes it all.
--   p_mode 'disabled': alter table ... disable trigger user on the history, peer_mentors and the records;
--   p_mode 'replica':  the ENABLE ALWAYS triggers demoted to ordinary ones (alter table ... enable trigger), then
--                      set local session_replication_role = replica (foreign keys' actions are skipped too).
create or replace function tests.tamper(p_mode text, p_attack text, p_digest jsonb default null)
returns table (mentor_id uuid, history_id bigint, problem text)
language plpgsql volatile set search_path = ''
as $$
declare
  v_mentors uuid[];
  v_ids bigint[];
  v_problems text[];
  t record;
begin
  begin
    if p_mode = 'disabled' then
      alter table public.peer_mentor_status_history disable trigger user;
      alter table public.peer_mentors disable trigger user;
      alter table public.status_history_erasures disable trigger user;
      alter table public.status_history_digests disable trigger user;
      alter table private.status_history_digest_heads disable trigger user;
    elsif p_mode = 'replica' then
      for t in select c.oid::regclass as tbl, g.tgname from pg_catalog.pg_trigger g join pg_catalog.pg_class c on c.oid = g.tgrelid
                where not g.tgisinternal and g.tgenabled = 'A'
                  and c.oid in ('public.peer_mentor_status_history'::regclass, 'public.peer_mentors'::regclass,
                                'public.status_history_erasures'::regclass, 'public.status_history_digests'::regclass,
                                'private.status_history_digest_heads'::regclass) loop
        execute pg_catalog.format('alter table %s enable trigger %I', t.tbl, t.tgname);
      end loop;
      perform pg_catalog.set_config('session_replication_role', 'replica', true);
    else
      raise exception 'tests.tamper: mode is disabled or replica, not %', p_mode;
    end if;
    execute p_attack;
    perform pg_catalog.set_config('session_replication_role', 'origin', true);
    select pg_catalog.array_agg(v.mentor_id), pg_catalog.array_agg(v.history_id), pg_catalog.array_agg(v.problem)
      into v_mentors, v_ids, v_problems
      from public.verify_status_history(p_digest) v;
    raise exception using errcode = 'PT999', message = 'undo the attack';
  exception when sqlstate 'PT999' then
    null;
  end;
  return query select u.m, u.i, u.p from unnest(v_mentors, v_ids, v_problems) as u(m, i, p);
end;
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

select plan(4);
select has_function('tests', 'create_user', array['text'], 'the test helpers are installed');
select has_function('tests', 'authenticate_as', array['uuid'], 'tests.authenticate_as is installed');
select is(tests.uuid('x'), tests.uuid('x'), 'tests.uuid is deterministic');
select ok((select pg_catalog.count(*) from tests.table_fingerprints() where table_name in ('auth.users', 'public.peer_mentors', 'public.peer_mentor_status_history')) = 3,
  'tests.table_fingerprints covers auth.users and the project''s tables');
select * from finish();
commit;
