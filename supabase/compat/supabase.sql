-- Supabase compatibility layer for a plain PostgreSQL cluster (15 or 17), shaped like a Supabase database.
--
-- Dev/test infrastructure only: applied by scripts/lib/database.ts, AS THE SUPERUSER supabase_admin, before
-- the migrations when the target database is NOT a Supabase database (no auth.uid(), no API roles). It is
-- never a migration and never runs against a real Supabase project, which already has all of this.
-- Idempotent: safe to run twice.
--
-- What it reproduces, from supabase/postgres (migrations/db/init-scripts, migrations/db/migrate.sh,
-- 10000000000000_demote-postgres.sql, ...) and supabase/auth (migrations/), and why each matters here:
--   * supabase_admin is the superuser and owns what the platform owns; `postgres` is NOT a superuser:
--     NOSUPERUSER CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS (demote-postgres), owner of the database
--     (migrate.sh: alter database postgres owner to postgres), member of anon/authenticated/service_role.
--     Migrations, seed and tests run as postgres, as `supabase db push` and `supabase test db` do.
--   * schema auth belongs to supabase_admin and postgres cannot create objects in it (Supabase's
--     restriction since 2025-04-21); auth.users belongs to supabase_auth_admin; postgres may read and
--     write its rows and reference it (as on Supabase); service_role has NO privileges on auth.users.
--   * auth.users has Supabase Auth's columns and its partial unique index on email
--     (users_email_partial_key: unique (email) where is_sso_user = false).
--   * schema extensions (pgcrypto in it) is usable by postgres and the API roles only, not by PUBLIC.
--   * postgres may set session_replication_role (on Supabase through supautils'
--     privileged_role_allowed_configs; here `grant set on parameter`, PostgreSQL 15+).
--   * the supabase_realtime publication exists (empty, owned by postgres, as on Supabase).
--   * authenticator, the login role of the Data API (PostgREST, `npm start`), and schema graphql_public, which a
--     Supabase project's [api] schemas expose.
--   * pg_cron, where the server preloads it (shared_preload_libraries), in schema cron with Supabase's grants.
--   * Supabase's default privileges: new tables/functions/sequences in public are granted to the API roles
--     (the migrations revoke and grant explicitly, so they never depend on this).
-- pgTAP is NOT installed here: the test runner creates it (and drops it again) the way `supabase test db` does.
-- The per-database objects are in platform_objects.sql (included below), which the TypeScript tests also run on
-- their own, as postgres, in scratch databases on an existing server (tests/support/database.ts).

do $$
begin
  if current_user <> 'supabase_admin' or not (select rolsuper from pg_catalog.pg_roles where rolname = current_user) then
    raise exception 'supabase/compat/supabase.sql must run as the superuser supabase_admin (ran as %)', current_user;
  end if;
end
$$;

-- Roles (cluster-wide). Local passwords are `postgres`, like `supabase start`.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'postgres') then
    create role postgres login password 'postgres';
  end if;
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit password 'postgres';
  end if;
  if not exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin nologin noinherit createrole;
  end if;
end
$$;

alter role postgres nosuperuser createdb createrole login replication bypassrls;
alter role authenticated inherit;
alter role anon inherit;
alter role service_role inherit;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
-- authenticator: the login role PostgREST connects as (supabase/postgres init-scripts: `create user authenticator
-- noinherit`, granted the three API roles; 20221028101028 and 20231130133139: 8 s statement and lock timeouts).
-- It can only become anon, authenticated or service_role, as each request's JWT says. Left out on purpose:
-- Supabase also grants it supabase_admin (a JWT with role supabase_admin would be a superuser) and preloads
-- pg-safeupdate for it (UPDATE/DELETE without WHERE refused), which this machine does not have; docs/data-api.md.
alter role authenticator login noinherit;
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
grant set on parameter session_replication_role to postgres;
grant pg_read_all_data, pg_signal_backend to postgres;

-- The database belongs to postgres (so does its public schema, through pg_database_owner).
do $$
begin
  execute format('alter database %I owner to postgres', current_database());
end
$$;
alter role postgres set search_path = "$user", public, extensions;

-- The objects of this database (also used on their own by the tests' scratch databases).
\ir platform_objects.sql

-- Ownership as on Supabase: extensions belongs to postgres; auth to the platform, auth.users and the auth
-- functions to supabase_auth_admin; postgres may use auth, read and write auth.users, not create in auth.
alter schema extensions owner to postgres;
grant all privileges on all tables in schema extensions to postgres with grant option;
grant all privileges on all routines in schema extensions to postgres with grant option;
grant all privileges on all sequences in schema extensions to postgres with grant option;
alter schema auth owner to supabase_admin;
revoke all on schema auth from postgres;
grant usage on schema auth to postgres, anon, authenticated, service_role, supabase_auth_admin;
alter table auth.users owner to supabase_auth_admin;
revoke all on auth.users from service_role, anon, authenticated;
grant all on auth.users to postgres;
alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;

-- pg_cron, where the server preloads it and this is the database it schedules in (cron.database_name),
-- with Supabase's grants to postgres (extensions.grant_pg_cron_access) minus writes on cron.job
-- (20231020085357_revoke_writes_on_cron_job_from_postgres): jobs are managed with cron.schedule().
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_cron')
     and pg_catalog.current_setting('shared_preload_libraries') ~ '(^|[ ,])pg_cron($|[ ,])'
     and pg_catalog.current_setting('cron.database_name', true) = current_database() then
    create extension if not exists pg_cron with schema pg_catalog; -- where Supabase puts it
    grant usage on schema cron to postgres with grant option;
    grant all privileges on all tables in schema cron to postgres with grant option;
    revoke insert, update, delete on table cron.job from postgres;
    grant select on table cron.job to postgres with grant option;
    grant execute on all functions in schema cron to postgres with grant option;
  end if;
end
$$;
