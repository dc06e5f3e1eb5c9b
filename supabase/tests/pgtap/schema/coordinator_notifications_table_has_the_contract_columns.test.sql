-- Contract: coordinator_notifications (id bigint generated always as identity pk, history_id bigint not null,
-- coordinator_id uuid not null, created_at timestamptz not null default now(), dispatched_at timestamptz,
-- unique (history_id, coordinator_id)). Further columns are the design's own and not checked here.
begin;
select plan(14);

select has_table('public', 'coordinator_notifications', 'public.coordinator_notifications exists');
select col_type_is('public', 'coordinator_notifications', 'id', 'bigint', 'coordinator_notifications.id is bigint');
select col_is_pk('public', 'coordinator_notifications', 'id', 'coordinator_notifications.id is the primary key');
select is(
  (select a.attidentity::text
     from pg_catalog.pg_attribute a
    where a.attrelid = 'public.coordinator_notifications'::regclass and a.attname = 'id'),
  'a',
  'coordinator_notifications.id is generated always as identity');
select col_type_is('public', 'coordinator_notifications', 'history_id', 'bigint', 'coordinator_notifications.history_id is bigint');
select col_not_null('public', 'coordinator_notifications', 'history_id', 'coordinator_notifications.history_id is not null');
select col_type_is('public', 'coordinator_notifications', 'coordinator_id', 'uuid', 'coordinator_notifications.coordinator_id is uuid');
select col_not_null('public', 'coordinator_notifications', 'coordinator_id', 'coordinator_notifications.coordinator_id is not null');
select col_type_is('public', 'coordinator_notifications', 'created_at', 'timestamp with time zone', 'coordinator_notifications.created_at is timestamptz');
select col_not_null('public', 'coordinator_notifications', 'created_at', 'coordinator_notifications.created_at is not null');
select col_default_is('public', 'coordinator_notifications', 'created_at', 'now()', 'coordinator_notifications.created_at defaults to now()');
select col_type_is('public', 'coordinator_notifications', 'dispatched_at', 'timestamp with time zone', 'coordinator_notifications.dispatched_at is timestamptz');
select col_is_null('public', 'coordinator_notifications', 'dispatched_at', 'coordinator_notifications.dispatched_at is nullable (pending)');
select col_is_unique('public', 'coordinator_notifications', array['history_id', 'coordinator_id']::name[],
  'coordinator_notifications is unique on (history_id, coordinator_id): never twice for the same change');

select * from finish();
rollback;
