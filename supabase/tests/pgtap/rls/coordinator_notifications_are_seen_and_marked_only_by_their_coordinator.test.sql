-- coordinator_notifications under RLS: a coordinator reads only the notifications addressed to it and may set
-- read_at on those rows only (dispatched_at is the dispatcher's); nobody signed in inserts, deletes, re-addresses or claims one;
-- anon gets nothing; the service role (the dispatcher) reads and updates all of them.
begin;
select plan(31);

-- The RLS fixture (tests.create_rls_fixture, in the setup file; rolled back with the test):
--
--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
--   outsider: signed in, no memberships.
select tests.create_rls_fixture();

-- Three pauses by the owner (a system change, so every resolved coordinator is told):
--   mentor self  (north) -> coord-north, coord-multi (coord-idle's membership is inactive)
--   mentor south (south) -> coord-multi
--   mentor west  (west)  -> coord-west
update public.peer_mentors set status = 'paused', status_reason = 'fixture'
 where id in (tests.rls_mentor('mentor-self'), tests.rls_mentor('mentor-south'), tests.rls_mentor('mentor-west'));

create temp table rls_notifications as
select n.id, n.coordinator_id, h.mentor_id
  from public.coordinator_notifications n
  join public.peer_mentor_status_history h on h.id = n.history_id
 where h.mentor_id in (select tests.rls_mentor(m) from unnest(array['mentor-self', 'mentor-south', 'mentor-west']) m);
grant select on rls_notifications to authenticated, service_role;

select set_eq($$select coordinator_id, mentor_id from pg_temp.rls_notifications$$,
  $$values (tests.rls_user('coord-north'), tests.rls_mentor('mentor-self')), (tests.rls_user('coord-multi'), tests.rls_mentor('mentor-self')),
           (tests.rls_user('coord-multi'), tests.rls_mentor('mentor-south')), (tests.rls_user('coord-west'), tests.rls_mentor('mentor-west'))$$,
  'fixture: the three pauses queued four notifications');

-- ---------------------------------------------------------------------------------------------------------
-- Reads
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select id from public.coordinator_notifications$$, '42501', null, 'anon cannot read notifications');

select tests.rls_sign_in('mentor-self');
select is_empty($$select id from public.coordinator_notifications$$, 'mentor self reads no notification (not even about itself)');

select tests.rls_sign_in('mentor-south');
select is_empty($$select id from public.coordinator_notifications$$, 'mentor south reads no notification');

select tests.rls_sign_in('coord-north');
select set_eq($$select id from public.coordinator_notifications$$,
  $$select id from pg_temp.rls_notifications where coordinator_id = tests.rls_user('coord-north')$$,
  'the same-chapter coordinator reads only its own notification (not coord-multi''s about the same change)');

select tests.rls_sign_in('coord-west');
select set_eq($$select id from public.coordinator_notifications$$,
  $$select id from pg_temp.rls_notifications where coordinator_id = tests.rls_user('coord-west')$$,
  'the other-chapter coordinator reads only its own notification');

select tests.rls_sign_in('coord-multi');
select set_eq($$select id from public.coordinator_notifications$$,
  $$select id from pg_temp.rls_notifications where coordinator_id = tests.rls_user('coord-multi')$$,
  'the multi-chapter coordinator reads its two notifications');

select tests.rls_sign_in('coord-idle');
select is_empty($$select id from public.coordinator_notifications$$, 'the idle coordinator reads no notification');

select tests.rls_sign_in('outsider');
select is_empty($$select id from public.coordinator_notifications$$, 'the outsider reads no notification');

select tests.authenticate_as_service_role();
select set_eq($$select id from public.coordinator_notifications where id in (select id from pg_temp.rls_notifications)$$,
  $$select id from pg_temp.rls_notifications$$,
  'the service role reads every notification');

-- ---------------------------------------------------------------------------------------------------------
-- Updates: read_at, own rows only (dispatched_at is the dispatcher's: 42501)
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$update public.coordinator_notifications set read_at = now()$$, '42501', null, 'anon cannot update notifications');

select tests.rls_sign_in('coord-multi');
select results_eq(
  $$update public.coordinator_notifications set read_at = '2030-01-01T00:00:00Z'
     where id in (select id from pg_temp.rls_notifications where mentor_id = tests.rls_mentor('mentor-self')) returning coordinator_id$$,
  $$values (tests.rls_user('coord-multi'))$$,
  'the multi-chapter coordinator marks its own notification about mentor self read (and only its own)');
select throws_ok(
  $$update public.coordinator_notifications set dispatched_at = '2030-01-01T00:00:00Z'
     where id in (select id from pg_temp.rls_notifications where mentor_id = tests.rls_mentor('mentor-south'))$$,
  '42501', null,
  'the multi-chapter coordinator cannot mark even its own notification dispatched (only the dispatcher does)');

select tests.rls_sign_in('coord-north');
select is_empty(
  $$update public.coordinator_notifications set read_at = now()
     where id in (select id from pg_temp.rls_notifications where coordinator_id <> tests.rls_user('coord-north')) returning id$$,
  'the same-chapter coordinator marking other coordinators'' notifications read updates no row');

select tests.rls_sign_in('mentor-self');
select is_empty($$update public.coordinator_notifications set read_at = now() returning id$$,
  'mentor self marking notifications read updates no row');

select tests.rls_sign_in('coord-idle');
select is_empty($$update public.coordinator_notifications set read_at = now() returning id$$,
  'the idle coordinator marking notifications read updates no row');

-- An update with no WHERE (so no SELECT policy applies) reaches exactly the caller's own rows.
select tests.rls_sign_in('coord-west');
update public.coordinator_notifications set read_at = '2031-01-01T00:00:00Z';
select tests.rls_sign_in('outsider');
update public.coordinator_notifications set read_at = '2032-01-01T00:00:00Z';

select tests.clear_authentication();
select set_eq(
  $$select r.coordinator_id, r.mentor_id, n.read_at, n.dispatched_at
      from public.coordinator_notifications n join pg_temp.rls_notifications r on r.id = n.id$$,
  $$values (tests.rls_user('coord-north'), tests.rls_mentor('mentor-self'), null::timestamptz, null::timestamptz),
           (tests.rls_user('coord-multi'), tests.rls_mentor('mentor-self'), '2030-01-01T00:00:00Z', null),
           (tests.rls_user('coord-multi'), tests.rls_mentor('mentor-south'), null, null),
           (tests.rls_user('coord-west'), tests.rls_mentor('mentor-west'), '2031-01-01T00:00:00Z', null)$$,
  'as owner: only the addressees'' own rows changed');

-- Column grants: everything but read_at is the dispatcher's.
select tests.rls_sign_in('coord-north');
select throws_ok($$update public.coordinator_notifications set coordinator_id = tests.rls_user('coord-west')$$,
  '42501', null, 'a coordinator cannot re-address its notification');
select throws_ok(
  format($$update public.coordinator_notifications set history_id = history_id where coordinator_id = %L$$, tests.rls_user('coord-north')),
  '42501', null, 'a coordinator cannot point its notification at another change');
select throws_ok($$update public.coordinator_notifications set claim_token = gen_random_uuid(), claimed_at = now()$$,
  '42501', null, 'a coordinator cannot claim notifications');
select throws_ok($$update public.coordinator_notifications set attempts = 0$$, '42501', null, 'a coordinator cannot reset attempts');
select throws_ok($$update public.coordinator_notifications set created_at = now()$$, '42501', null, 'a coordinator cannot change created_at');

-- Insert and delete
select tests.authenticate_as_anon();
select throws_ok($$delete from public.coordinator_notifications$$, '42501', null, 'anon cannot delete notifications');

select tests.rls_sign_in('coord-north');
select throws_ok(
  $$insert into public.coordinator_notifications (history_id, coordinator_id)
    select h.id, tests.rls_user('coord-north') from public.peer_mentor_status_history h where h.mentor_id = tests.rls_mentor('mentor-other')$$,
  '42501', null, 'a coordinator cannot queue a notification');
select throws_ok($$delete from public.coordinator_notifications$$, '42501', null, 'a coordinator cannot delete its notifications');

select tests.rls_sign_in('mentor-self');
select throws_ok($$delete from public.coordinator_notifications$$, '42501', null, 'a mentor cannot delete notifications');

select tests.rls_sign_in('outsider');
select throws_ok(
  $$insert into public.coordinator_notifications (history_id, coordinator_id) select id, tests.rls_user('outsider') from pg_temp.rls_notifications$$,
  '42501', null, 'the outsider cannot queue notifications to itself');

select tests.authenticate_as_service_role();
select throws_ok(
  $$insert into public.coordinator_notifications (history_id, coordinator_id)
    select h.id, tests.rls_user('coord-west') from public.peer_mentor_status_history h where h.mentor_id = tests.rls_mentor('mentor-self') and h.new_status = 'paused'$$,
  '42501', null, 'the service role cannot queue a notification either (the trigger does)');
select results_eq(
  $$update public.coordinator_notifications set claimed_at = '2030-01-01T00:00:00Z', attempts = attempts + 1
     where id in (select id from pg_temp.rls_notifications) returning attempts$$,
  $$values (1), (1), (1), (1)$$,
  'the service role updates every notification');
select results_eq(
  $$delete from public.coordinator_notifications
     where id in (select id from pg_temp.rls_notifications where coordinator_id = tests.rls_user('coord-west')) returning coordinator_id$$,
  $$values (tests.rls_user('coord-west'))$$,
  'the service role deletes a notification');

select tests.clear_authentication();
select results_eq($$select count(*) from public.coordinator_notifications where id in (select id from pg_temp.rls_notifications)$$,
  $$values (3::bigint)$$,
  'as owner: the other three notifications are still there');

select * from finish();
rollback;
