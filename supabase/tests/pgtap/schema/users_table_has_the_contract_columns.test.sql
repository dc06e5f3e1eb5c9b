-- Contract: users (id uuid pk -> auth.users, full_name text, email text,
-- created_at timestamptz not null default now()).
begin;
select plan(10);

select has_table('public', 'users', 'public.users exists');
select col_type_is('public', 'users', 'id', 'uuid', 'users.id is uuid');
select col_is_pk('public', 'users', 'id', 'users.id is the primary key');
select col_type_is('public', 'users', 'full_name', 'text', 'users.full_name is text');
select col_is_null('public', 'users', 'full_name', 'users.full_name is nullable');
select col_type_is('public', 'users', 'email', 'text', 'users.email is text');
select col_is_null('public', 'users', 'email', 'users.email is nullable');
select col_type_is('public', 'users', 'created_at', 'timestamp with time zone', 'users.created_at is timestamptz');
select col_not_null('public', 'users', 'created_at', 'users.created_at is not null');
select col_default_is('public', 'users', 'created_at', 'now()', 'users.created_at defaults to now()');

select * from finish();
rollback;
