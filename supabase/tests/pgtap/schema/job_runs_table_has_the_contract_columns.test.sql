-- Contract: job_runs (id uuid pk default gen_random_uuid(), job_name text not null,
-- status text not null default 'running' check in ('running','succeeded','failed'),
-- started_at timestamptz not null default now(), finished_at timestamptz, affected_count integer, error text).
begin;
select plan(22);

select has_table('public', 'job_runs', 'public.job_runs exists');
select col_type_is('public', 'job_runs', 'id', 'uuid', 'job_runs.id is uuid');
select col_is_pk('public', 'job_runs', 'id', 'job_runs.id is the primary key');
select col_default_is('public', 'job_runs', 'id', 'gen_random_uuid()', 'job_runs.id defaults to gen_random_uuid()');
select col_type_is('public', 'job_runs', 'job_name', 'text', 'job_runs.job_name is text');
select col_not_null('public', 'job_runs', 'job_name', 'job_runs.job_name is not null');
select col_type_is('public', 'job_runs', 'status', 'text', 'job_runs.status is text');
select col_not_null('public', 'job_runs', 'status', 'job_runs.status is not null');
select col_default_is('public', 'job_runs', 'status', 'running'::text, 'job_runs.status defaults to running');
select col_type_is('public', 'job_runs', 'started_at', 'timestamp with time zone', 'job_runs.started_at is timestamptz');
select col_not_null('public', 'job_runs', 'started_at', 'job_runs.started_at is not null');
select col_default_is('public', 'job_runs', 'started_at', 'now()', 'job_runs.started_at defaults to now()');
select col_type_is('public', 'job_runs', 'finished_at', 'timestamp with time zone', 'job_runs.finished_at is timestamptz');
select col_is_null('public', 'job_runs', 'finished_at', 'job_runs.finished_at is nullable');
select col_type_is('public', 'job_runs', 'affected_count', 'integer', 'job_runs.affected_count is integer');
select col_is_null('public', 'job_runs', 'affected_count', 'job_runs.affected_count is nullable');
select col_type_is('public', 'job_runs', 'error', 'text', 'job_runs.error is text');
select col_is_null('public', 'job_runs', 'error', 'job_runs.error is nullable');

-- The status check: exactly the three contract values are accepted.
select lives_ok(
  $$ insert into public.job_runs (job_name, status) values ('schema test', 'running') $$,
  'job_runs.status accepts running');
select lives_ok(
  $$ insert into public.job_runs (job_name, status) values ('schema test', 'succeeded') $$,
  'job_runs.status accepts succeeded');
select lives_ok(
  $$ insert into public.job_runs (job_name, status) values ('schema test', 'failed') $$,
  'job_runs.status accepts failed');
select throws_ok(
  $$ insert into public.job_runs (job_name, status) values ('schema test', 'cancelled') $$,
  '23514', null,
  'job_runs.status refuses any other value (check violation)');

select * from finish();
rollback;
