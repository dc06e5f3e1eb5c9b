-- Contract: peer_mentors (id uuid pk default gen_random_uuid(), user_id uuid not null unique,
-- created_at timestamptz not null default now()) plus the additive status columns:
-- status mentor_status not null default 'active', status_reason text, status_changed_at timestamptz,
-- certification_expires_at timestamptz (all but status nullable, so inserts naming only baseline columns work).
begin;
select plan(19);

select has_table('public', 'peer_mentors', 'public.peer_mentors exists');
select col_type_is('public', 'peer_mentors', 'id', 'uuid', 'peer_mentors.id is uuid');
select col_is_pk('public', 'peer_mentors', 'id', 'peer_mentors.id is the primary key');
select col_default_is('public', 'peer_mentors', 'id', 'gen_random_uuid()', 'peer_mentors.id defaults to gen_random_uuid()');
select col_type_is('public', 'peer_mentors', 'user_id', 'uuid', 'peer_mentors.user_id is uuid');
select col_not_null('public', 'peer_mentors', 'user_id', 'peer_mentors.user_id is not null');
select col_is_unique('public', 'peer_mentors', 'user_id', 'peer_mentors.user_id is unique: at most one mentor per user');
select col_type_is('public', 'peer_mentors', 'created_at', 'timestamp with time zone', 'peer_mentors.created_at is timestamptz');
select col_not_null('public', 'peer_mentors', 'created_at', 'peer_mentors.created_at is not null');
select col_default_is('public', 'peer_mentors', 'created_at', 'now()', 'peer_mentors.created_at defaults to now()');

select col_type_is('public', 'peer_mentors', 'status', 'public', 'mentor_status', 'peer_mentors.status is public.mentor_status');
select col_not_null('public', 'peer_mentors', 'status', 'peer_mentors.status is not null');
select col_default_is('public', 'peer_mentors', 'status', 'active'::text, 'peer_mentors.status defaults to active');
select col_type_is('public', 'peer_mentors', 'status_reason', 'text', 'peer_mentors.status_reason is text');
select col_is_null('public', 'peer_mentors', 'status_reason', 'peer_mentors.status_reason is nullable');
select col_type_is('public', 'peer_mentors', 'status_changed_at', 'timestamp with time zone', 'peer_mentors.status_changed_at is timestamptz');
select col_is_null('public', 'peer_mentors', 'status_changed_at', 'peer_mentors.status_changed_at is nullable');
select col_type_is('public', 'peer_mentors', 'certification_expires_at', 'timestamp with time zone', 'peer_mentors.certification_expires_at is timestamptz');
select col_is_null('public', 'peer_mentors', 'certification_expires_at', 'peer_mentors.certification_expires_at is nullable');

select * from finish();
rollback;
