-- coordinator_notifications under RLS: a coordinator reads only the notifications addressed to it and may set
-- read_at / dispatched_at on those rows only; nobody signed in inserts, deletes, re-addresses or claims one;
-- anon gets nothing; the service role (the dispatcher) reads and updates all of them.
begin;
select plan(31);

-- The RLS fixture (the same block opens every matrix file in rls/; pg_temp, so it vanishes with the session):
--
--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
--   outsider: signed in, no memberships.
create function pg_temp.usr(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select tests.uuid('rls:' || p_name) $$;

create function pg_temp.mentor(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select tests.uuid('mentor:' || tests.uuid('rls:' || p_name)::text) $$;

create function pg_temp.chapter(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select tests.uuid('chapter:rls ' || p_name) $$;

create function pg_temp.org(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select tests.uuid('org:rls ' || p_name) $$;

create function pg_temp.sign_in(p_name text) returns void
language sql volatile set search_path = ''
as $$ select tests.authenticate_as(tests.uuid('rls:' || p_name)) $$;

do $$
declare
  v_one uuid := tests.create_organization('rls one');
  v_two uuid := tests.create_organization('rls two');
  v_north uuid := tests.create_chapter(v_one, 'rls north');
  v_south uuid := tests.create_chapter(v_one, 'rls south');
  v_west uuid := tests.create_chapter(v_two, 'rls west');
  v_name text;
begin
  foreach v_name in array array['coord-north', 'coord-west', 'coord-multi', 'coord-idle', 'outsider'] loop
    perform tests.create_user('rls:' || v_name);
  end loop;
  foreach v_name in array array['mentor-self', 'mentor-other', 'mentor-south', 'mentor-multi', 'mentor-west', 'mentor-former'] loop
    perform tests.create_mentor(tests.create_user('rls:' || v_name));
  end loop;
  perform tests.add_membership(v_north, pg_temp.usr('mentor-self'), 'peer_mentor');
  perform tests.add_membership(v_north, pg_temp.usr('mentor-other'), 'peer_mentor');
  perform tests.add_membership(v_north, pg_temp.usr('mentor-former'), 'peer_mentor', false);
  perform tests.add_membership(v_south, pg_temp.usr('mentor-south'), 'peer_mentor');
  perform tests.add_membership(v_south, pg_temp.usr('mentor-multi'), 'peer_mentor');
  perform tests.add_membership(v_west, pg_temp.usr('mentor-multi'), 'peer_mentor');
  perform tests.add_membership(v_west, pg_temp.usr('mentor-west'), 'peer_mentor');
  perform tests.add_membership(v_north, pg_temp.usr('coord-north'), 'coordinator');
  perform tests.add_membership(v_north, pg_temp.usr('coord-multi'), 'coordinator');
  perform tests.add_membership(v_south, pg_temp.usr('coord-multi'), 'coordinator');
  perform tests.add_membership(v_north, pg_temp.usr('coord-idle'), 'coordinator', false);
  perform tests.add_membership(v_west, pg_temp.usr('coord-west'), 'coordinator');
end;
$$;

-- Three pauses by the owner (a system change, so every resolved coordinator is told):
--   mentor self  (north) -> coord-north, coord-multi (coord-idle's membership is inactive)
--   mentor south (south) -> coord-multi
--   mentor west  (west)  -> coord-west
update public.peer_mentors set status = 'paused', status_reason = 'fixture'
 where id in (pg_temp.mentor('mentor-self'), pg_temp.mentor('mentor-south'), pg_temp.mentor('mentor-west'));

create temp table rls_notifications as
select n.id, n.coordinator_id, h.mentor_id
  from public.coordinator_notifications n
  join public.peer_mentor_status_history h on h.id = n.history_id
 where h.mentor_id in (select pg_temp.mentor(m) from unnest(array['mentor-self', 'mentor-south', 'mentor-west']) m);
grant select on rls_notifications to authenticated, service_role;

select set_eq($$select coordinator_id, mentor_id from pg_temp.rls_notifications$$,
  $$values (pg_temp.usr('coord-north'), pg_temp.mentor('mentor-self')), (pg_temp.usr('coord-multi'), pg_temp.mentor('mentor-self')),
           (pg_temp.usr('coord-multi'), pg_temp.mentor('mentor-south')), (pg_temp.usr('coord-west'), pg_temp.mentor('mentor-west'))$$,
  'fixture: the three pauses queued four notifications');

-- ---------------------------------------------------------------------------------------------------------
-- Reads
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select id from public.coordinator_notifications$$, '42501', null, 'anon cannot read notifications');

select pg_temp.sign_in('mentor-self');
select is_empty($$select id from public.coordinator_notifications$$, 'mentor self reads no notification (not even about itself)');

select pg_temp.sign_in('mentor-south');
select is_empty($$select id from public.coordinator_notifications$$, 'mentor south reads no notification');

select pg_temp.sign_in('coord-north');
select set_eq($$select id from public.coordinator_notifications$$,
  $$select id from pg_temp.rls_notifications where coordinator_id = pg_temp.usr('coord-north')$$,
  'the same-chapter coordinator reads only its own notification (not coord-multi''s about the same change)');

select pg_temp.sign_in('coord-west');
select set_eq($$select id from public.coordinator_notifications$$,
  $$select id from pg_temp.rls_notifications where coordinator_id = pg_temp.usr('coord-west')$$,
  'the other-chapter coordinator reads only its own notification');

select pg_temp.sign_in('coord-multi');
select set_eq($$select id from public.coordinator_notifications$$,
  $$select id from pg_temp.rls_notifications where coordinator_id = pg_temp.usr('coord-multi')$$,
  'the multi-chapter coordinator reads its two notifications');

select pg_temp.sign_in('coord-idle');
select is_empty($$select id from public.coordinator_notifications$$, 'the idle coordinator reads no notification');

select pg_temp.sign_in('outsider');
select is_empty($$select id from public.coordinator_notifications$$, 'the outsider reads no notification');

select tests.authenticate_as_service_role();
select set_eq($$select id from public.coordinator_notifications where id in (select id from pg_temp.rls_notifications)$$,
  $$select id from pg_temp.rls_notifications$$,
  'the service role reads every notification');

-- ---------------------------------------------------------------------------------------------------------
-- Updates: read_at and dispatched_at, own rows only
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$update public.coordinator_notifications set read_at = now()$$, '42501', null, 'anon cannot update notifications');

select pg_temp.sign_in('coord-multi');
select results_eq(
  $$update public.coordinator_notifications set read_at = '2030-01-01T00:00:00Z'
     where id in (select id from pg_temp.rls_notifications where mentor_id = pg_temp.mentor('mentor-self')) returning coordinator_id$$,
  $$values (pg_temp.usr('coord-multi'))$$,
  'the multi-chapter coordinator marks its own notification about mentor self read (and only its own)');
select results_eq(
  $$update public.coordinator_notifications set dispatched_at = '2030-01-01T00:00:00Z'
     where id in (select id from pg_temp.rls_notifications where mentor_id = pg_temp.mentor('mentor-south')) returning coordinator_id$$,
  $$values (pg_temp.usr('coord-multi'))$$,
  'the multi-chapter coordinator marks its own notification about mentor south dispatched');

select pg_temp.sign_in('coord-north');
select is_empty(
  $$update public.coordinator_notifications set read_at = now()
     where id in (select id from pg_temp.rls_notifications where coordinator_id <> pg_temp.usr('coord-north')) returning id$$,
  'the same-chapter coordinator marking other coordinators'' notifications read updates no row');

select pg_temp.sign_in('mentor-self');
select is_empty($$update public.coordinator_notifications set read_at = now() returning id$$,
  'mentor self marking notifications read updates no row');

select pg_temp.sign_in('coord-idle');
select is_empty($$update public.coordinator_notifications set dispatched_at = now() returning id$$,
  'the idle coordinator marking notifications dispatched updates no row');

-- An update with no WHERE (so no SELECT policy applies) reaches exactly the caller's own rows.
select pg_temp.sign_in('coord-west');
update public.coordinator_notifications set read_at = '2031-01-01T00:00:00Z';
select pg_temp.sign_in('outsider');
update public.coordinator_notifications set dispatched_at = '2031-01-01T00:00:00Z';

select tests.clear_authentication();
select set_eq(
  $$select r.coordinator_id, r.mentor_id, n.read_at, n.dispatched_at
      from public.coordinator_notifications n join pg_temp.rls_notifications r on r.id = n.id$$,
  $$values (pg_temp.usr('coord-north'), pg_temp.mentor('mentor-self'), null::timestamptz, null::timestamptz),
           (pg_temp.usr('coord-multi'), pg_temp.mentor('mentor-self'), '2030-01-01T00:00:00Z', null),
           (pg_temp.usr('coord-multi'), pg_temp.mentor('mentor-south'), null, '2030-01-01T00:00:00Z'),
           (pg_temp.usr('coord-west'), pg_temp.mentor('mentor-west'), '2031-01-01T00:00:00Z', null)$$,
  'as owner: only the addressees'' own rows changed');

-- Column grants: everything but read_at and dispatched_at is the dispatcher's.
select pg_temp.sign_in('coord-north');
select throws_ok($$update public.coordinator_notifications set coordinator_id = pg_temp.usr('coord-west')$$,
  '42501', null, 'a coordinator cannot re-address its notification');
select throws_ok(
  format($$update public.coordinator_notifications set history_id = history_id where coordinator_id = %L$$, pg_temp.usr('coord-north')),
  '42501', null, 'a coordinator cannot point its notification at another change');
select throws_ok($$update public.coordinator_notifications set claim_token = gen_random_uuid(), claimed_at = now()$$,
  '42501', null, 'a coordinator cannot claim notifications');
select throws_ok($$update public.coordinator_notifications set attempts = 0$$, '42501', null, 'a coordinator cannot reset attempts');
select throws_ok($$update public.coordinator_notifications set created_at = now()$$, '42501', null, 'a coordinator cannot change created_at');

-- Insert and delete
select tests.authenticate_as_anon();
select throws_ok($$delete from public.coordinator_notifications$$, '42501', null, 'anon cannot delete notifications');

select pg_temp.sign_in('coord-north');
select throws_ok(
  $$insert into public.coordinator_notifications (history_id, coordinator_id)
    select h.id, pg_temp.usr('coord-north') from public.peer_mentor_status_history h where h.mentor_id = pg_temp.mentor('mentor-other')$$,
  '42501', null, 'a coordinator cannot queue a notification');
select throws_ok($$delete from public.coordinator_notifications$$, '42501', null, 'a coordinator cannot delete its notifications');

select pg_temp.sign_in('mentor-self');
select throws_ok($$delete from public.coordinator_notifications$$, '42501', null, 'a mentor cannot delete notifications');

select pg_temp.sign_in('outsider');
select throws_ok(
  $$insert into public.coordinator_notifications (history_id, coordinator_id) select id, pg_temp.usr('outsider') from pg_temp.rls_notifications$$,
  '42501', null, 'the outsider cannot queue notifications to itself');

select tests.authenticate_as_service_role();
select throws_ok(
  $$insert into public.coordinator_notifications (history_id, coordinator_id)
    select h.id, pg_temp.usr('coord-west') from public.peer_mentor_status_history h where h.mentor_id = pg_temp.mentor('mentor-self') and h.new_status = 'paused'$$,
  '42501', null, 'the service role cannot queue a notification either (the trigger does)');
select results_eq(
  $$update public.coordinator_notifications set claimed_at = '2030-01-01T00:00:00Z', attempts = attempts + 1
     where id in (select id from pg_temp.rls_notifications) returning attempts$$,
  $$values (1), (1), (1), (1)$$,
  'the service role updates every notification');
select results_eq(
  $$delete from public.coordinator_notifications
     where id in (select id from pg_temp.rls_notifications where coordinator_id = pg_temp.usr('coord-west')) returning coordinator_id$$,
  $$values (pg_temp.usr('coord-west'))$$,
  'the service role deletes a notification');

select tests.clear_authentication();
select results_eq($$select count(*) from public.coordinator_notifications where id in (select id from pg_temp.rls_notifications)$$,
  $$values (3::bigint)$$,
  'as owner: the other three notifications are still there');

select * from finish();
rollback;
