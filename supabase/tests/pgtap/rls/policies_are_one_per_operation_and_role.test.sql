-- The shape of the row-level security: exactly these policies, each for one operation and one role
-- (`to authenticated`; anon has none, the service role bypasses RLS). A policy added, dropped, widened to
-- another role or turned into `for all` fails here; what each one lets through is proven by the other files
-- in this folder.
begin;
select plan(28);

select policies_are('public', 'organizations', array['organizations_select_member'],
  'organizations has only its select policy');
select policies_are('public', 'chapters', array['chapters_select_member'],
  'chapters has only its select policy');
select policies_are('public', 'users', array['users_select_self_or_coordinated', 'users_update_self'],
  'users has a select and an update policy');
select policies_are('public', 'chapter_memberships', array['chapter_memberships_select_own_or_coordinated'],
  'chapter_memberships has only its select policy');
select policies_are('public', 'peer_mentors', array['peer_mentors_select_self_or_coordinated', 'peer_mentors_update_self_or_coordinated'],
  'peer_mentors has a select and an update policy (no insert or delete)');
select policies_are('public', 'peer_mentor_status_history',
  array['peer_mentor_status_history_select_visible', 'peer_mentor_status_history_insert_by_writer', 'peer_mentor_status_history_select_by_writer'],
  'peer_mentor_status_history has its select policy, and the history writer role''s insert and select (20261203140120)');
select policies_are('public', 'job_runs', array[]::name[],
  'job_runs has no policy: only the service role, which bypasses RLS, sees it');
select policies_are('public', 'coordinator_notifications',
  array['coordinator_notifications_select_own', 'coordinator_notifications_update_own',
        'coordinator_notifications_insert_by_writer', 'coordinator_notifications_select_by_writer'],
  'coordinator_notifications has a select and an update policy, and the history writer role''s insert and select');

select policy_roles_are('public', 'organizations', 'organizations_select_member', array['authenticated'],
  'organizations_select_member is for authenticated only');
select policy_roles_are('public', 'chapters', 'chapters_select_member', array['authenticated'],
  'chapters_select_member is for authenticated only');
select policy_roles_are('public', 'users', 'users_select_self_or_coordinated', array['authenticated'],
  'users_select_self_or_coordinated is for authenticated only');
select policy_roles_are('public', 'users', 'users_update_self', array['authenticated'],
  'users_update_self is for authenticated only');
select policy_roles_are('public', 'chapter_memberships', 'chapter_memberships_select_own_or_coordinated', array['authenticated'],
  'chapter_memberships_select_own_or_coordinated is for authenticated only');
select policy_roles_are('public', 'peer_mentors', 'peer_mentors_select_self_or_coordinated', array['authenticated'],
  'peer_mentors_select_self_or_coordinated is for authenticated only');
select policy_roles_are('public', 'peer_mentors', 'peer_mentors_update_self_or_coordinated', array['authenticated'],
  'peer_mentors_update_self_or_coordinated is for authenticated only');
select policy_roles_are('public', 'peer_mentor_status_history', 'peer_mentor_status_history_select_visible', array['authenticated'],
  'peer_mentor_status_history_select_visible is for authenticated only');
select policy_roles_are('public', 'coordinator_notifications', 'coordinator_notifications_select_own', array['authenticated'],
  'coordinator_notifications_select_own is for authenticated only');
select policy_roles_are('public', 'coordinator_notifications', 'coordinator_notifications_update_own', array['authenticated'],
  'coordinator_notifications_update_own is for authenticated only');

select policy_cmd_is('public', 'organizations', 'organizations_select_member', 'select',
  'organizations_select_member is a select policy');
select policy_cmd_is('public', 'chapters', 'chapters_select_member', 'select',
  'chapters_select_member is a select policy');
select policy_cmd_is('public', 'users', 'users_select_self_or_coordinated', 'select',
  'users_select_self_or_coordinated is a select policy');
select policy_cmd_is('public', 'users', 'users_update_self', 'update',
  'users_update_self is an update policy');
select policy_cmd_is('public', 'chapter_memberships', 'chapter_memberships_select_own_or_coordinated', 'select',
  'chapter_memberships_select_own_or_coordinated is a select policy');
select policy_cmd_is('public', 'peer_mentors', 'peer_mentors_select_self_or_coordinated', 'select',
  'peer_mentors_select_self_or_coordinated is a select policy');
select policy_cmd_is('public', 'peer_mentors', 'peer_mentors_update_self_or_coordinated', 'update',
  'peer_mentors_update_self_or_coordinated is an update policy');
select policy_cmd_is('public', 'peer_mentor_status_history', 'peer_mentor_status_history_select_visible', 'select',
  'peer_mentor_status_history_select_visible is a select policy');
select policy_cmd_is('public', 'coordinator_notifications', 'coordinator_notifications_select_own', 'select',
  'coordinator_notifications_select_own is a select policy');
select policy_cmd_is('public', 'coordinator_notifications', 'coordinator_notifications_update_own', 'update',
  'coordinator_notifications_update_own is an update policy');

select * from finish();
rollback;
