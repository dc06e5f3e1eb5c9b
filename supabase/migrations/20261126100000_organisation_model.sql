-- The organisation model the mentor-pause feature builds on (the contract's baseline tables).
--
-- Conventions for every migration in this folder (see README "Conventions"):
--   * a bounded lock wait, so a deploy that cannot get its lock fails fast instead of queueing readers;
--   * every foreign key states its `on delete` and is covered by an index;
--   * RLS is enabled in the same migration that creates a table, and the API roles are revoked explicitly
--     (Supabase's default privileges would otherwise grant them everything); access is granted per column
--     in 20261126100400_row_level_security.sql.
set lock_timeout = '3s';
set statement_timeout = '10min';

create type public.chapter_role as enum ('peer_mentor', 'coordinator');
comment on type public.chapter_role is 'What a person is in a chapter: a peer mentor, or a coordinator who runs it.';

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null
);
comment on table public.organizations is 'A peer-mentor organisation; it runs one or more local chapters.';
comment on column public.organizations.id is 'Primary key.';
comment on column public.organizations.name is 'Display name.';

create table public.chapters (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null
);
create index chapters_organization_id_idx on public.chapters (organization_id);
comment on table public.chapters is 'A local chapter of an organisation; coordinators run it, peer mentors belong to it.';
comment on column public.chapters.id is 'Primary key.';
comment on column public.chapters.organization_id is 'The organisation running this chapter; deleting the organisation deletes its chapters.';
comment on column public.chapters.name is 'Display name.';

create table public.users (
  id uuid primary key references auth.users (id) on delete cascade,
  full_name text,
  email text,
  created_at timestamptz not null default now()
);
comment on table public.users is 'The app''s profile row for a Supabase Auth user: its id is the auth user id, so auth.uid() names it.';
comment on column public.users.id is 'The Supabase Auth user id (auth.users.id); deleting the auth user deletes the profile.';
comment on column public.users.full_name is 'Display name.';
comment on column public.users.email is 'Contact email (a copy of the auth email, for coordinators'' notifications).';
comment on column public.users.created_at is 'When the profile was created.';

create table public.chapter_memberships (
  chapter_id uuid not null references public.chapters (id) on delete cascade,
  user_id uuid not null references public.users (id) on delete cascade,
  role public.chapter_role not null,
  is_active boolean not null default true,
  primary key (chapter_id, user_id, role)
);
-- The primary key covers lookups by chapter; this one serves "my memberships" and the user_id foreign key.
create index chapter_memberships_user_id_idx on public.chapter_memberships (user_id, chapter_id) include (role, is_active);
comment on table public.chapter_memberships is 'Who belongs to which chapter, in which role. A person may belong to several chapters, in either role.';
comment on column public.chapter_memberships.chapter_id is 'The chapter; deleting it deletes its memberships.';
comment on column public.chapter_memberships.user_id is 'The member; deleting the user deletes their memberships.';
comment on column public.chapter_memberships.role is 'peer_mentor or coordinator. A person can hold both roles in one chapter (two rows).';
comment on column public.chapter_memberships.is_active is 'False for a membership that has ended or is suspended: it grants nothing, but is kept for history.';

create table public.peer_mentors (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null unique references public.users (id) on delete cascade,
  created_at timestamptz not null default now()
);
comment on table public.peer_mentors is 'A person who mentors peers. At most one row per user.';
comment on column public.peer_mentors.id is 'Primary key: the mentor id used by the status history.';
comment on column public.peer_mentors.user_id is 'The mentor''s user profile; deleting the user deletes the mentor (and, by cascade, its history).';
comment on column public.peer_mentors.created_at is 'When the person became a mentor.';

alter table public.organizations enable row level security;
alter table public.chapters enable row level security;
alter table public.users enable row level security;
alter table public.chapter_memberships enable row level security;
alter table public.peer_mentors enable row level security;

revoke all on table public.organizations, public.chapters, public.users, public.chapter_memberships, public.peer_mentors
  from public, anon, authenticated, service_role;
