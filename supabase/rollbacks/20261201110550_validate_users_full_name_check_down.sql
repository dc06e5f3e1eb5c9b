-- Rollback of 20261201110550_validate_users_full_name_check.sql: puts full_name_is_short back the way
-- 20261201110500 left it, NOT VALID (PostgreSQL cannot un-validate a constraint, so it is dropped and added
-- again NOT VALID in one statement: no scan, ACCESS EXCLUSIVE on users for milliseconds). New and updated rows
-- are checked throughout. Run it with:
--   npm run db:rollback -- 20261201110550
set lock_timeout = '3s';
set statement_timeout = '10min';

alter table public.users
  drop constraint if exists full_name_is_short,
  add constraint full_name_is_short check (char_length(full_name) <= 200) not valid;
