-- Hygiene (contract, "Hygiene of the public surface"): anon and authenticated hold no privilege on any object in
-- public or private that their grants in the contract do not need. Every effective privilege (schemas, tables
-- and views, sequences, columns, functions; PUBLIC's grants included, since every role has them) is compared
-- with the list below, so a stray grant (a default privilege nobody revoked, a `grant all`) fails this test.
--
-- Adding an object the API needs? Add its grant here, with the contract line it serves, in the same commit.
begin;
select plan(3);

create temp table api_privileges on commit drop as
with roles (rolname) as (values ('anon'), ('authenticated')),
schemas as (select n.oid, n.nspname from pg_catalog.pg_namespace n where n.nspname in ('public', 'private'))
select r.rolname, p.privilege, pg_catalog.format('schema %I', s.nspname) as object
  from roles r cross join schemas s cross join (values ('usage'), ('create')) as p (privilege)
 where pg_catalog.has_schema_privilege(r.rolname, s.oid, p.privilege)
union all
select r.rolname, p.privilege, pg_catalog.format('%s %I.%I', case c.relkind when 'S' then 'sequence' else 'table' end, s.nspname, c.relname)
  from roles r
 cross join pg_catalog.pg_class c join schemas s on s.oid = c.relnamespace
 cross join (values ('select'), ('insert'), ('update'), ('delete'), ('truncate'), ('references'), ('trigger'), ('usage')) as p (privilege)
 where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
   and case when c.relkind = 'S'
            then p.privilege in ('select', 'update', 'usage') and pg_catalog.has_sequence_privilege(r.rolname, c.oid, p.privilege)
            else p.privilege <> 'usage' and pg_catalog.has_table_privilege(r.rolname, c.oid, p.privilege) end
union all
-- Column privileges, where the table-level privilege is not held (that one is listed above).
select r.rolname, p.privilege, pg_catalog.format('column %I.%I.%I', s.nspname, c.relname, a.attname)
  from roles r
 cross join pg_catalog.pg_class c join schemas s on s.oid = c.relnamespace
  join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
 cross join (values ('select'), ('insert'), ('update'), ('references')) as p (privilege)
 where c.relkind in ('r', 'p', 'v', 'm', 'f')
   and pg_catalog.has_column_privilege(r.rolname, c.oid, a.attnum, p.privilege)
   and not pg_catalog.has_table_privilege(r.rolname, c.oid, p.privilege)
union all
select r.rolname, 'execute', pg_catalog.format('function %I.%I(%s)', s.nspname, f.proname, pg_catalog.pg_get_function_identity_arguments(f.oid))
  from roles r
 cross join pg_catalog.pg_proc f join schemas s on s.oid = f.pronamespace
 where pg_catalog.has_function_privilege(r.rolname, f.oid, 'execute');
grant select on api_privileges to public;

select isnt_empty($$select 1 from pg_temp.api_privileges$$,
  'the catalog query finds the API roles'' privileges (the comparison below is not vacuous)');

select set_eq(
  $$select rolname, privilege, object from pg_temp.api_privileges where rolname = 'anon'$$,
  $$values
      -- PostgREST resolves the schema for every request; anon may do nothing else ("anon: nothing").
      ('anon', 'usage', 'schema public')$$,
  'anon holds exactly the privileges its contract grants need');

select set_eq(
  $$select rolname, privilege, object from pg_temp.api_privileges where rolname = 'authenticated'$$,
  $$values
      ('authenticated', 'usage', 'schema public'),
      -- The policies call the helpers in private.
      ('authenticated', 'usage', 'schema private'),
      -- Reads, filtered by RLS ("Who may do what").
      ('authenticated', 'select', 'table public.organizations'),
      ('authenticated', 'select', 'table public.chapters'),
      ('authenticated', 'select', 'table public.users'),
      ('authenticated', 'select', 'table public.chapter_memberships'),
      ('authenticated', 'select', 'table public.peer_mentors'),
      ('authenticated', 'select', 'table public.peer_mentor_status_history'),
      -- Notifications: the contract's six columns only, never the dispatcher's bookkeeping.
      ('authenticated', 'select', 'column public.coordinator_notifications.id'),
      ('authenticated', 'select', 'column public.coordinator_notifications.history_id'),
      ('authenticated', 'select', 'column public.coordinator_notifications.coordinator_id'),
      ('authenticated', 'select', 'column public.coordinator_notifications.created_at'),
      ('authenticated', 'select', 'column public.coordinator_notifications.dispatched_at'),
      ('authenticated', 'select', 'column public.coordinator_notifications.read_at'),
      -- Writes, per column: own profile name; mentor status and reason; a coordinator marks its notifications read
      -- (dispatched_at is the dispatcher's, through the service-role functions).
      ('authenticated', 'update', 'column public.users.full_name'),
      ('authenticated', 'update', 'column public.peer_mentors.status'),
      ('authenticated', 'update', 'column public.peer_mentors.status_reason'),
      ('authenticated', 'update', 'column public.coordinator_notifications.read_at'),
      -- The policy and rule helpers the policies and the BEFORE trigger call as the caller.
      ('authenticated', 'execute', 'function private.is_system_caller()'),
      ('authenticated', 'execute', 'function private.is_coordinator_of_mentor(p_mentor_id uuid)'),
      -- The same BEFORE trigger reads app.job_run_id itself: PM001 (not a uuid), PM003 (a person's change under a job run).
      ('authenticated', 'execute', 'function private.job_run_id_setting()'),
      ('authenticated', 'execute', 'function private.coordinated_chapter_ids()'),
      ('authenticated', 'execute', 'function private.member_chapter_ids()'),
      ('authenticated', 'execute', 'function private.coordinated_user_ids()'),
      ('authenticated', 'execute', 'function private.visible_mentor_ids()'),
      -- The history policy's per-row EXISTS reads this owner-rights view (only the caller's own mentors).
      ('authenticated', 'select', 'table private.visible_mentors'),
      -- The read model (issue 12): security_invoker views and invoker functions, RLS-bound, and the definer
      -- helpers they call for names the caller may not read (each answers only for visible mentors).
      ('authenticated', 'select', 'table public.mentor_status_timeline'),
      ('authenticated', 'select', 'table public.mentor_cards'),
      ('authenticated', 'select', 'table public.coordinator_board'),
      ('authenticated', 'select', 'table public.my_mentor_card'),
      ('authenticated', 'execute', 'function public.mentors_expiring_within(p_days integer)'),
      ('authenticated', 'execute', 'function public.mentor_status_at(p_mentor_id uuid, p_at timestamp with time zone)'),
      ('authenticated', 'execute', 'function public.chapter_status_at(p_chapter_id uuid, p_at timestamp with time zone)'),
      ('authenticated', 'execute', 'function private.mentor_directory(p_mentor_id uuid)'),
      ('authenticated', 'execute', 'function private.history_actor_name(p_history_id bigint)'),
      ('authenticated', 'execute', 'function private.history_job_name(p_history_id bigint)'),
      -- A status change that raises PM401 instead of changing 0 rows (issue 17), as the caller.
      ('authenticated', 'execute', 'function public.set_mentor_status(p_mentor_id uuid, p_status mentor_status, p_reason text)')$$,
  'authenticated holds exactly the privileges its contract grants need');

select * from finish();
rollback;
