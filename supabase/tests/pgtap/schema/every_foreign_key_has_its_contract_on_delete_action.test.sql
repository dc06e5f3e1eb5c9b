-- Contract: every foreign key of the contract tables, and its ON DELETE action:
--   cascade  chapters.organization_id, users.id (-> auth.users), chapter_memberships.chapter_id / .user_id,
--            peer_mentors.user_id, peer_mentor_status_history.mentor_id (GDPR erasure),
--            coordinator_notifications.history_id / .coordinator_id;
--   set null peer_mentor_status_history.changed_by and .job_run_id (the history row is kept).
-- fk_ok proves each key points where it should; the bag_eq reads pg_constraint.confdeltype, which fk_ok does
-- not look at, and lists every foreign key on these tables, so a missing or extra key shows in its diff.
begin;
select plan(11);

select fk_ok('public', 'chapters', 'organization_id', 'public', 'organizations', 'id',
  'chapters.organization_id references organizations.id');
select fk_ok('public', 'users', 'id', 'auth', 'users', 'id',
  'users.id references auth.users.id');
select fk_ok('public', 'chapter_memberships', 'chapter_id', 'public', 'chapters', 'id',
  'chapter_memberships.chapter_id references chapters.id');
select fk_ok('public', 'chapter_memberships', 'user_id', 'public', 'users', 'id',
  'chapter_memberships.user_id references users.id');
select fk_ok('public', 'peer_mentors', 'user_id', 'public', 'users', 'id',
  'peer_mentors.user_id references users.id');
select fk_ok('public', 'peer_mentor_status_history', 'mentor_id', 'public', 'peer_mentors', 'id',
  'peer_mentor_status_history.mentor_id references peer_mentors.id');
select fk_ok('public', 'peer_mentor_status_history', 'changed_by', 'public', 'users', 'id',
  'peer_mentor_status_history.changed_by references users.id');
select fk_ok('public', 'peer_mentor_status_history', 'job_run_id', 'public', 'job_runs', 'id',
  'peer_mentor_status_history.job_run_id references job_runs.id');
select fk_ok('public', 'coordinator_notifications', 'history_id', 'public', 'peer_mentor_status_history', 'id',
  'coordinator_notifications.history_id references peer_mentor_status_history.id');
select fk_ok('public', 'coordinator_notifications', 'coordinator_id', 'public', 'users', 'id',
  'coordinator_notifications.coordinator_id references users.id');

select bag_eq(
  $$
    select t.relname::text as table_name,
           a.attname::text as column_name,
           rn.nspname::text || '.' || r.relname::text as references_table,
           case c.confdeltype
             when 'c' then 'cascade'
             when 'n' then 'set null'
             when 'd' then 'set default'
             when 'r' then 'restrict'
             when 'a' then 'no action'
           end as on_delete
      from pg_catalog.pg_constraint c
      join pg_catalog.pg_class t on t.oid = c.conrelid
      join pg_catalog.pg_namespace tn on tn.oid = t.relnamespace
      join pg_catalog.pg_class r on r.oid = c.confrelid
      join pg_catalog.pg_namespace rn on rn.oid = r.relnamespace
      join pg_catalog.pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
     where c.contype = 'f'
       and tn.nspname = 'public'
       and t.relname in ('organizations', 'chapters', 'users', 'chapter_memberships', 'peer_mentors',
                         'job_runs', 'peer_mentor_status_history', 'coordinator_notifications')
  $$,
  $$
    values ('chapters', 'organization_id', 'public.organizations', 'cascade'),
           ('users', 'id', 'auth.users', 'cascade'),
           ('chapter_memberships', 'chapter_id', 'public.chapters', 'cascade'),
           ('chapter_memberships', 'user_id', 'public.users', 'cascade'),
           ('peer_mentors', 'user_id', 'public.users', 'cascade'),
           ('peer_mentor_status_history', 'mentor_id', 'public.peer_mentors', 'cascade'),
           ('peer_mentor_status_history', 'changed_by', 'public.users', 'set null'),
           ('peer_mentor_status_history', 'job_run_id', 'public.job_runs', 'set null'),
           ('coordinator_notifications', 'history_id', 'public.peer_mentor_status_history', 'cascade'),
           ('coordinator_notifications', 'coordinator_id', 'public.users', 'cascade')
  $$,
  'every foreign key of the contract tables has its contract ON DELETE action (and there are no others)'
);

select * from finish();
rollback;
