-- Contract: peer_mentor_status_history (id bigint generated always as identity pk, mentor_id uuid not null,
-- previous_status mentor_status, new_status mentor_status not null, changed_by uuid,
-- changed_at timestamptz not null default now(), reason text, job_run_id uuid).
-- Foreign keys and their ON DELETE actions: every_foreign_key_has_its_contract_on_delete_action.
begin;
select plan(19);

select has_table('public', 'peer_mentor_status_history', 'public.peer_mentor_status_history exists');
select col_type_is('public', 'peer_mentor_status_history', 'id', 'bigint', 'history.id is bigint');
select col_is_pk('public', 'peer_mentor_status_history', 'id', 'history.id is the primary key');
select is(
  (select a.attidentity::text
     from pg_catalog.pg_attribute a
    where a.attrelid = 'public.peer_mentor_status_history'::regclass and a.attname = 'id'),
  'a',
  'history.id is generated always as identity');
select col_type_is('public', 'peer_mentor_status_history', 'mentor_id', 'uuid', 'history.mentor_id is uuid');
select col_not_null('public', 'peer_mentor_status_history', 'mentor_id', 'history.mentor_id is not null');
select col_type_is('public', 'peer_mentor_status_history', 'previous_status', 'public', 'mentor_status', 'history.previous_status is public.mentor_status');
select col_is_null('public', 'peer_mentor_status_history', 'previous_status', 'history.previous_status is nullable (null on a mentor''s first row)');
select col_type_is('public', 'peer_mentor_status_history', 'new_status', 'public', 'mentor_status', 'history.new_status is public.mentor_status');
select col_not_null('public', 'peer_mentor_status_history', 'new_status', 'history.new_status is not null');
select col_type_is('public', 'peer_mentor_status_history', 'changed_by', 'uuid', 'history.changed_by is uuid');
select col_is_null('public', 'peer_mentor_status_history', 'changed_by', 'history.changed_by is nullable (system actions)');
select col_type_is('public', 'peer_mentor_status_history', 'changed_at', 'timestamp with time zone', 'history.changed_at is timestamptz');
select col_not_null('public', 'peer_mentor_status_history', 'changed_at', 'history.changed_at is not null');
select col_default_is('public', 'peer_mentor_status_history', 'changed_at', 'now()', 'history.changed_at defaults to now()');
select col_type_is('public', 'peer_mentor_status_history', 'reason', 'text', 'history.reason is text');
select col_is_null('public', 'peer_mentor_status_history', 'reason', 'history.reason is nullable');
select col_type_is('public', 'peer_mentor_status_history', 'job_run_id', 'uuid', 'history.job_run_id is uuid');
select col_is_null('public', 'peer_mentor_status_history', 'job_run_id', 'history.job_run_id is nullable (changes made by people)');

select * from finish();
rollback;
