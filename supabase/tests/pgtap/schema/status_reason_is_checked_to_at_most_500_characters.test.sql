-- Contract: peer_mentors.status_reason holds at most 500 characters, enforced by the check
-- status_reason_is_short (validated, so existing rows are covered too).
begin;
select plan(5);

select col_has_check('public', 'peer_mentors', 'status_reason', 'peer_mentors.status_reason has a check constraint');
select results_eq(
  $$
    select c.conname::text collate "default", c.convalidated
      from pg_catalog.pg_constraint c
     where c.conrelid = 'public.peer_mentors'::regclass and c.contype = 'c' and c.conname = 'status_reason_is_short'
  $$,
  $$ values ('status_reason_is_short', true) $$,
  'the check status_reason_is_short exists and is validated');

-- Fixtures: one mentor, written as the database owner (a system caller). Each reason is set with a status
-- change (a reason-only update is PM104, refused before the check is reached).
select tests.create_mentor(tests.create_user('status-reason-length mentor'));

select lives_ok(
  $$ update public.peer_mentors set status = 'paused', status_reason = repeat('x', 500)
      where id = tests.uuid('mentor:' || tests.uuid('status-reason-length mentor')::text) $$,
  'a status_reason of exactly 500 characters is accepted');
-- Characters, not bytes: 500 two-byte characters are 1000 bytes and still allowed.
select lives_ok(
  $$ update public.peer_mentors set status = 'active', status_reason = repeat('ø', 500)
      where id = tests.uuid('mentor:' || tests.uuid('status-reason-length mentor')::text) $$,
  'a status_reason of 500 multi-byte characters is accepted (the limit counts characters)');
select throws_ok(
  $$ update public.peer_mentors set status = 'paused', status_reason = repeat('x', 501)
      where id = tests.uuid('mentor:' || tests.uuid('status-reason-length mentor')::text) $$,
  '23514', 'new row for relation "peer_mentors" violates check constraint "status_reason_is_short"',
  'a status_reason of 501 characters is refused by status_reason_is_short');

select * from finish();
rollback;
