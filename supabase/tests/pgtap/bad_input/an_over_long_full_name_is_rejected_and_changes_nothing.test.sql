-- Bad input: a users.full_name over 200 characters is 23514 (full_name_is_short) for every caller that may write
-- it (the user editing its own profile, the service role, the owner), on insert and on update; 200 characters
-- (multi-byte ones too) are accepted; nothing changes. The name travels into notification payloads: it accepted
-- 5 MB before.
begin;
select plan(8);

select tests.create_user('long name mia');
-- An auth user without a profile yet (the service role makes profiles).
insert into auth.users (id, email) values (tests.uuid('long name new'), 'long-name-new@test.invalid');

-- Everything a refused statement could touch, fingerprinted before and compared at the end.
create temporary table state_before on commit drop as select * from tests.table_fingerprints();

select tests.authenticate_as(tests.uuid('long name mia'));
select throws_ok(
  $$ update public.users set full_name = repeat('x', 201) where id = tests.uuid('long name mia') $$,
  '23514', null, 'a user setting its own name to 201 characters gets 23514');
select throws_ok(
  $$ update public.users set full_name = repeat('x', 5 * 1024 * 1024) where id = tests.uuid('long name mia') $$,
  '23514', null, 'a user setting its own name to 5 MB gets 23514');

select tests.authenticate_as_service_role();
select throws_ok(
  $$ insert into public.users (id, full_name) values (tests.uuid('long name new'), repeat('ø', 201)) $$,
  '23514', null, 'the service role inserting a profile with a 201-character name gets 23514 (characters, not bytes)');
select throws_ok(
  $$ update public.users set full_name = repeat('x', 10000) where id = tests.uuid('long name mia') $$,
  '23514', null, 'the service role setting a 10000-character name gets 23514');

select tests.clear_authentication();
select throws_ok(
  $$ update public.users set full_name = repeat('x', 201) where id = tests.uuid('long name mia') $$,
  '23514', null, 'even the owner gets 23514');
select set_eq($$ select * from tests.table_fingerprints() $$, $$ select * from state_before $$,
  'the refused statements changed nothing (every table''s rows are as before)');

select tests.authenticate_as(tests.uuid('long name mia'));
select lives_ok(
  $$ update public.users set full_name = repeat('ø', 200) where id = tests.uuid('long name mia') $$,
  'a name of exactly 200 (two-byte) characters is accepted');
select tests.clear_authentication();
select results_eq(
  $$ select c.conname::text collate "default", c.convalidated from pg_catalog.pg_constraint c
      where c.conrelid = 'public.users'::regclass and c.contype = 'c' and c.conname = 'full_name_is_short' $$,
  $$ values ('full_name_is_short', true) $$,
  'the check full_name_is_short exists and is validated (existing rows are covered too)');

select * from finish();
rollback;
