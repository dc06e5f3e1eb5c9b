-- Validates full_name_is_short, added NOT VALID by 20261201110500_users_full_name_is_short.
--
-- A migration of its own, so it runs in its own transaction: VALIDATE CONSTRAINT takes only SHARE UPDATE
-- EXCLUSIVE on users, and reads and writes carry on while it scans. If a profile already holds a longer name
-- this fails naming the constraint and changes nothing (the check keeps guarding new writes): shorten those
-- names (`select id from public.users where char_length(full_name) > 200`), then run it again.
-- Its rollback puts the check back NOT VALID (supabase/rollbacks/20261201110550_validate_users_full_name_check_down.sql).
set lock_timeout = '3s';
set statement_timeout = '10min';

alter table public.users validate constraint full_name_is_short;
