-- Free text that travels into notification payloads has a bound: users.full_name at most 200 characters.
--
-- The name goes into every notification about the user (coordinator_name, mentor_name in the claim's payload,
-- then e-mails and webhooks), and a signed-in user may edit its own; it accepted 5 MB. 200 characters hold any
-- real name (the longest in common registries are well under 100) and keep a payload small.
--
-- Additive and live-safe, like status_reason_is_short: added NOT VALID here (ACCESS EXCLUSIVE on users for
-- milliseconds, no scan under it; new and updated rows are checked from now on), validated by
-- 20261201110550 in its own transaction (SHARE UPDATE EXCLUSIVE: reads and writes go on while it scans).
-- Counts characters, not bytes. An over-long name is 23514 (full_name_is_short) and changes nothing.
set lock_timeout = '3s';
set statement_timeout = '10min';

alter table public.users
  add constraint full_name_is_short check (char_length(full_name) <= 200) not valid;

comment on column public.users.full_name is
  'The display name, at most 200 characters (full_name_is_short): it travels into notification payloads. The user may edit its own.';
