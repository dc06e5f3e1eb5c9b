-- Platform shape: auth.users has Supabase Auth's partial unique index users_email_partial_key
-- (unique (email) where is_sso_user = false): two password accounts cannot share an email; SSO accounts may.
begin;
select plan(4);

select has_index('auth', 'users', 'users_email_partial_key', 'auth.users has users_email_partial_key');
insert into auth.users (id, email) values ('00000000-0000-4000-8000-00000000e001', 'same@platform.invalid');
select throws_ok($$insert into auth.users (id, email) values ('00000000-0000-4000-8000-00000000e002', 'same@platform.invalid')$$,
  '23505', null, 'a second non-SSO account with the same email is refused');
select lives_ok($$insert into auth.users (id, email, is_sso_user) values ('00000000-0000-4000-8000-00000000e003', 'same@platform.invalid', true)$$,
  'an SSO account may share the email');
select lives_ok($$insert into auth.users (id, email) values ('00000000-0000-4000-8000-00000000e004', null),
                                              ('00000000-0000-4000-8000-00000000e005', null)$$,
  'accounts without an email (phone, anonymous) do not collide');

select * from finish();
rollback;
