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
--   * pg_cron, where the server preloads it (shared_preload_libraries), in schema cron with Supabase's grants.
--   * Supabase's default privileges: new tables/functions/sequences in public are granted to the API roles
--     (the migrations revoke and grant explicitly, so they never depend on this).
-- pgTAP is NOT installed here: the test runner creates it (and drops it again) the way `supabase test db` does.

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
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
grant set on parameter session_replication_role to postgres;
grant pg_read_all_data, pg_signal_backend to postgres;

-- The database belongs to postgres (so does its public schema, through pg_database_owner).
do $$
begin
  execute format('alter database %I owner to postgres', current_database());
  execute format('alter database %I set search_path = "$user", public, extensions', current_database());
end
$$;
alter role postgres set search_path = "$user", public, extensions;
set search_path = "$user", public, extensions;

-- extensions: the API roles and postgres, not PUBLIC.
create schema if not exists extensions;
alter schema extensions owner to postgres;
revoke all on schema extensions from public;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
create extension if not exists pgcrypto with schema extensions;
grant all privileges on all tables in schema extensions to postgres with grant option;
grant all privileges on all routines in schema extensions to postgres with grant option;
grant all privileges on all sequences in schema extensions to postgres with grant option;

-- auth: the platform's schema. postgres may use it, not create in it.
create schema if not exists auth authorization supabase_admin;
alter schema auth owner to supabase_admin;
revoke create on schema auth from postgres;
grant usage on schema auth to postgres, anon, authenticated, service_role, supabase_auth_admin;

create table if not exists auth.users (
  instance_id uuid,
  id uuid not null primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique default null,
  phone_confirmed_at timestamptz,
  phone_change text default '',
  phone_change_token varchar(255) default '',
  phone_change_sent_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current varchar(255) default '',
  email_change_confirm_status smallint default 0 check (email_change_confirm_status >= 0 and email_change_confirm_status <= 2),
  banned_until timestamptz,
  reauthentication_token varchar(255) default '',
  reauthentication_sent_at timestamptz,
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
-- supabase/auth 20221215195500_modify_users_email_unique_index: SSO accounts may share an email, others not.
create unique index if not exists users_email_partial_key on auth.users (email) where (is_sso_user = false);
create index if not exists users_instance_id_email_idx on auth.users (instance_id, lower(email));
create index if not exists users_instance_id_idx on auth.users (instance_id);
create index if not exists users_is_anonymous_idx on auth.users (is_anonymous);
comment on table auth.users is 'Compatibility copy of Supabase Auth''s users table (dev/test only).';
comment on index auth.users_email_partial_key is 'Auth: A partial unique index that applies only when is_sso_user is false';
alter table auth.users owner to supabase_auth_admin;
revoke all on auth.users from service_role, anon, authenticated;
grant all on auth.users to postgres;

-- Supabase's bodies: the legacy per-claim settings first, then request.jwt.claims.
create or replace function auth.uid() returns uuid
language sql stable
as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
language sql stable
as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select
    coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to postgres, anon, authenticated, service_role;

-- Supabase's grants on public and its default privileges for objects postgres (and supabase_admin) create.
grant usage on schema public to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;

-- Realtime: the publication Supabase creates empty; tables join it (Dashboard, or a migration).
do $$
begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;
alter publication supabase_realtime owner to postgres;

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
