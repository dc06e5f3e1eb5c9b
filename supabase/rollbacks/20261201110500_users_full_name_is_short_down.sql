-- Rollback of 20261201110500_users_full_name_is_short.sql: drops the check full_name_is_short (names of any
-- length are accepted again) and puts the column comment of 20261126100000 back. Run it with:
--   npm run db:rollback -- 20261201110500
set lock_timeout = '3s';
set statement_timeout = '10min';

alter table public.users drop constraint if exists full_name_is_short;
comment on column public.users.full_name is 'Display name.';
