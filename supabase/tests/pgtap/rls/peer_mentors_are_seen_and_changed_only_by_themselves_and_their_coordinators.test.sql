-- peer_mentors under RLS, role by role: a mentor sees and changes only itself; a coordinator sees and changes
-- every mentor with an active peer_mentor membership in a chapter it actively coordinates (multi-chapter mentors
-- through either chapter); an inactive membership grants nothing; no authenticated user inserts or deletes mentors or
-- touches certification_expires_at; anon gets nothing; the service role everything.
begin;
select plan(50);

-- The RLS fixture (tests.create_rls_fixture, in the setup file; rolled back with the test):
--
--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
--   outsider: signed in, no memberships.
select tests.create_rls_fixture();

-- ---------------------------------------------------------------------------------------------------------
-- Reads
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select id from public.peer_mentors$$, '42501', null, 'anon cannot read peer_mentors');

select tests.rls_sign_in('mentor-self');
select set_eq($$select id from public.peer_mentors$$, array[tests.rls_mentor('mentor-self')],
  'mentor self reads only its own row');

select tests.rls_sign_in('mentor-other');
select set_eq($$select id from public.peer_mentors$$, array[tests.rls_mentor('mentor-other')],
  'mentor other (same chapter) reads only its own row, not mentor self');

select tests.rls_sign_in('mentor-multi');
select set_eq($$select id from public.peer_mentors$$, array[tests.rls_mentor('mentor-multi')],
  'a multi-chapter mentor reads only its own row');

select tests.rls_sign_in('mentor-former');
select set_eq($$select id from public.peer_mentors$$, array[tests.rls_mentor('mentor-former')],
  'a mentor whose membership ended still reads its own row');

select tests.rls_sign_in('coord-north');
select set_eq($$select id from public.peer_mentors$$,
  array[tests.rls_mentor('mentor-self'), tests.rls_mentor('mentor-other')],
  'the same-chapter coordinator reads the active mentors of north, not the former one');

select tests.rls_sign_in('coord-west');
select set_eq($$select id from public.peer_mentors$$,
  array[tests.rls_mentor('mentor-multi'), tests.rls_mentor('mentor-west')],
  'the other-chapter coordinator reads the mentors of west (multi-chapter mentor included), none of north');

select tests.rls_sign_in('coord-multi');
select set_eq($$select id from public.peer_mentors$$,
  array[tests.rls_mentor('mentor-self'), tests.rls_mentor('mentor-other'), tests.rls_mentor('mentor-south'), tests.rls_mentor('mentor-multi')],
  'the multi-chapter coordinator reads the mentors of north and south');

select tests.rls_sign_in('coord-idle');
select is_empty($$select id from public.peer_mentors$$, 'the idle coordinator (inactive membership) reads no mentor');

select tests.rls_sign_in('outsider');
select is_empty($$select id from public.peer_mentors$$, 'the outsider (no memberships) reads no mentor');

select tests.authenticate_as_service_role();
select set_eq(
  $$select pm.id from public.peer_mentors pm join public.users u on u.id = pm.user_id where u.full_name like 'rls:%'$$,
  array[tests.rls_mentor('mentor-self'), tests.rls_mentor('mentor-other'), tests.rls_mentor('mentor-south'),
        tests.rls_mentor('mentor-multi'), tests.rls_mentor('mentor-west'), tests.rls_mentor('mentor-former')],
  'the service role reads every mentor');

-- A coordinator who is also a mentor, with only its coordinator membership in north: a co-coordinator of north
-- does not see it as a mentor (only active peer_mentor memberships make a chapter's mentors); it sees itself.
select tests.clear_authentication();
select lives_ok(format($$select tests.create_mentor(%L)$$, tests.rls_user('coord-north')), 'fixture: coord-north becomes a mentor too');
select tests.rls_sign_in('coord-multi');
select set_eq($$select id from public.peer_mentors$$,
  array[tests.rls_mentor('mentor-self'), tests.rls_mentor('mentor-other'), tests.rls_mentor('mentor-south'), tests.rls_mentor('mentor-multi')],
  'a co-coordinator does not see a mentor whose only membership in its chapter is a coordinator one');
select tests.rls_sign_in('coord-north');
select set_eq($$select id from public.peer_mentors$$,
  array[tests.rls_mentor('coord-north'), tests.rls_mentor('mentor-self'), tests.rls_mentor('mentor-other')],
  'a coordinator who is a mentor reads its own mentor row and the mentors of its chapter');
select tests.clear_authentication();
delete from public.peer_mentors where id = tests.rls_mentor('coord-north');

-- ---------------------------------------------------------------------------------------------------------
-- Updates that must change nothing: the row is invisible to the caller
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$update public.peer_mentors set status = 'paused'$$, '42501', null, 'anon cannot update peer_mentors');

select tests.rls_sign_in('mentor-other');
select is_empty(
  format($$update public.peer_mentors set status = 'paused' where id = %L returning id$$, tests.rls_mentor('mentor-self')),
  'mentor other updating mentor self''s status updates no row');

select tests.rls_sign_in('coord-west');
select is_empty(
  format($$update public.peer_mentors set status = 'paused' where id = %L returning id$$, tests.rls_mentor('mentor-self')),
  'a coordinator updating a mentor outside its chapters updates no row');

select tests.rls_sign_in('coord-idle');
select is_empty(
  format($$update public.peer_mentors set status = 'paused' where id = %L returning id$$, tests.rls_mentor('mentor-self')),
  'the idle coordinator updating a mentor of its (inactive) chapter updates no row');

select tests.rls_sign_in('outsider');
select is_empty(
  format($$update public.peer_mentors set status = 'paused' where id = %L returning id$$, tests.rls_mentor('mentor-self')),
  'the outsider updating a mentor updates no row');

select tests.rls_sign_in('coord-north');
select is_empty(
  format($$update public.peer_mentors set status = 'paused' where id = %L returning id$$, tests.rls_mentor('mentor-former')),
  'a coordinator updating a mentor whose membership in its chapter ended updates no row');

select tests.clear_authentication();
select results_eq(
  $$select pm.id, pm.status, (select count(*) from public.peer_mentor_status_history h where h.mentor_id = pm.id)
      from public.peer_mentors pm where pm.id in (select tests.rls_mentor(n) from unnest(array['mentor-self', 'mentor-former']) n)
     order by pm.id$$,
  $$select tests.rls_mentor(n), 'active'::public.mentor_status, 1::bigint
      from unnest(array['mentor-self', 'mentor-former']) n order by 1$$,
  'as owner: mentor self and the former mentor are still active with only their first history row');

-- An update with no WHERE and no RETURNING (so no SELECT policy applies) reaches exactly the rows the UPDATE
-- policy allows. It sets status = status (a reason alone may not change, and a status change would change the
-- fixture): every row it reaches gets a new row version, so a changed ctid marks the rows it updated.
create temporary table sweep_ctids (step integer, id uuid, row_version tid) on commit drop;
insert into sweep_ctids select 0, id, ctid from public.peer_mentors;
select tests.rls_sign_in('coord-west');
update public.peer_mentors set status = status;
select tests.clear_authentication();
insert into sweep_ctids select 1, id, ctid from public.peer_mentors;
select tests.rls_sign_in('mentor-self');
update public.peer_mentors set status = status;
select tests.clear_authentication();
insert into sweep_ctids select 2, id, ctid from public.peer_mentors;
select set_eq($$select a.id from sweep_ctids a join sweep_ctids b on b.id = a.id and b.step = 0
                 where a.step = 1 and a.row_version <> b.row_version$$,
  array[tests.rls_mentor('mentor-multi'), tests.rls_mentor('mentor-west')],
  'as owner: an unfiltered update by the other-chapter coordinator changed exactly the mentors of west');
select set_eq($$select a.id from sweep_ctids a join sweep_ctids b on b.id = a.id and b.step = 1
                 where a.step = 2 and a.row_version <> b.row_version$$,
  array[tests.rls_mentor('mentor-self')],
  'as owner: an unfiltered update by mentor self changed only its own row');
select tests.rls_sign_in('coord-west');
select throws_ok($$update public.peer_mentors set status_reason = 'west sweep'$$,
  'PM104', null, 'an unfiltered reason-only update by the other-chapter coordinator is refused (PM104), not applied to the rows it reaches');
select tests.clear_authentication();

-- ---------------------------------------------------------------------------------------------------------
-- Updates that must succeed, each writing history attributed to the caller
-- ---------------------------------------------------------------------------------------------------------
select tests.rls_sign_in('mentor-self');
select results_eq(
  format($$update public.peer_mentors set status = 'paused', status_reason = 'on holiday' where id = %L returning id, status$$,
         tests.rls_mentor('mentor-self')),
  format($$values (%L::uuid, 'paused'::public.mentor_status)$$, tests.rls_mentor('mentor-self')),
  'mentor self pauses itself');

select tests.rls_sign_in('coord-north');
select results_eq(
  format($$update public.peer_mentors set status = 'paused', status_reason = 'asked by coordinator' where id = %L returning id, status$$,
         tests.rls_mentor('mentor-other')),
  format($$values (%L::uuid, 'paused'::public.mentor_status)$$, tests.rls_mentor('mentor-other')),
  'the same-chapter coordinator pauses mentor other');

select tests.rls_sign_in('coord-west');
select results_eq(
  format($$update public.peer_mentors set status = 'paused' where id = %L returning id, status$$, tests.rls_mentor('mentor-multi')),
  format($$values (%L::uuid, 'paused'::public.mentor_status)$$, tests.rls_mentor('mentor-multi')),
  'the west coordinator pauses the multi-chapter mentor (through west)');

select tests.rls_sign_in('coord-multi');
select results_eq(
  format($$update public.peer_mentors set status = 'inactive' where id = %L returning id, status$$, tests.rls_mentor('mentor-multi')),
  format($$values (%L::uuid, 'inactive'::public.mentor_status)$$, tests.rls_mentor('mentor-multi')),
  'the multi-chapter coordinator sets the multi-chapter mentor inactive (through south)');
select results_eq(
  format($$update public.peer_mentors set status = 'paused' where id = %L returning id, status$$, tests.rls_mentor('mentor-south')),
  format($$values (%L::uuid, 'paused'::public.mentor_status)$$, tests.rls_mentor('mentor-south')),
  'the multi-chapter coordinator pauses mentor south');

select tests.authenticate_as_service_role();
select results_eq(
  format($$update public.peer_mentors set status = 'paused' where id = %L returning id, status$$, tests.rls_mentor('mentor-former')),
  format($$values (%L::uuid, 'paused'::public.mentor_status)$$, tests.rls_mentor('mentor-former')),
  'the service role pauses any mentor');

select tests.clear_authentication();
select results_eq(
  $$select h.mentor_id, h.previous_status, h.new_status, h.changed_by, h.reason
      from public.peer_mentor_status_history h
     where h.previous_status is not null
       and h.mentor_id in (select pm.id from public.peer_mentors pm join public.users u on u.id = pm.user_id
                            where u.full_name like 'rls:%')
     order by h.mentor_id, h.changed_at, h.id$$,
  $$select m, p::public.mentor_status, s::public.mentor_status, b, r
      from (values
        (tests.rls_mentor('mentor-self'),   'active', 'paused',   tests.rls_user('mentor-self'),  'on holiday'),
        (tests.rls_mentor('mentor-other'),  'active', 'paused',   tests.rls_user('coord-north'),  'asked by coordinator'),
        (tests.rls_mentor('mentor-multi'),  'active', 'paused',   tests.rls_user('coord-west'),   null),
        (tests.rls_mentor('mentor-multi'),  'paused', 'inactive', tests.rls_user('coord-multi'),  null),
        (tests.rls_mentor('mentor-south'),  'active', 'paused',   tests.rls_user('coord-multi'),  null),
        (tests.rls_mentor('mentor-former'), 'active', 'paused',   null,                        null)
      ) v (m, p, s, b, r)
     order by m, case when p = 'active' then 0 else 1 end$$,
  'as owner: each allowed change wrote one history row, changed_by = the caller (null for the service role)');

-- ---------------------------------------------------------------------------------------------------------
-- Column grants: status and status_reason are the only columns an authenticated user may write
-- ---------------------------------------------------------------------------------------------------------
select tests.rls_sign_in('mentor-self');
select throws_ok(
  format($$update public.peer_mentors set certification_expires_at = now() + interval '5 years' where id = %L$$, tests.rls_mentor('mentor-self')),
  '42501', null, 'mentor self cannot change its certification_expires_at');
select throws_ok(
  format($$update public.peer_mentors set status_changed_at = now() where id = %L$$, tests.rls_mentor('mentor-self')),
  '42501', null, 'mentor self cannot set status_changed_at');
select throws_ok(
  format($$update public.peer_mentors set user_id = %L where id = %L$$, tests.rls_user('outsider'), tests.rls_mentor('mentor-self')),
  '42501', null, 'mentor self cannot move its row to another user');
select throws_ok(
  format($$update public.peer_mentors set id = gen_random_uuid() where id = %L$$, tests.rls_mentor('mentor-self')),
  '42501', null, 'mentor self cannot change its id');

select tests.rls_sign_in('coord-north');
select throws_ok(
  format($$update public.peer_mentors set certification_expires_at = now() + interval '5 years' where id = %L$$, tests.rls_mentor('mentor-other')),
  '42501', null, 'the same-chapter coordinator cannot change a mentor''s certification_expires_at');

select tests.rls_sign_in('coord-multi');
select throws_ok(
  format($$update public.peer_mentors set certification_expires_at = null where id = %L$$, tests.rls_mentor('mentor-south')),
  '42501', null, 'the multi-chapter coordinator cannot clear a mentor''s certification_expires_at');

-- ---------------------------------------------------------------------------------------------------------
-- Insert and delete: service role only
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok(format($$insert into public.peer_mentors (user_id) values (%L)$$, tests.rls_user('outsider')),
  '42501', null, 'anon cannot insert a mentor');
select throws_ok($$delete from public.peer_mentors$$, '42501', null, 'anon cannot delete mentors');

select tests.rls_sign_in('outsider');
select throws_ok(format($$insert into public.peer_mentors (user_id) values (%L)$$, tests.rls_user('outsider')),
  '42501', null, 'the outsider cannot make itself a mentor');

select tests.rls_sign_in('mentor-self');
select throws_ok(format($$delete from public.peer_mentors where id = %L$$, tests.rls_mentor('mentor-self')),
  '42501', null, 'mentor self cannot delete its own row');

select tests.rls_sign_in('coord-north');
select throws_ok(format($$insert into public.peer_mentors (user_id) values (%L)$$, tests.rls_user('outsider')),
  '42501', null, 'a coordinator cannot insert a mentor');
select throws_ok(format($$delete from public.peer_mentors where id = %L$$, tests.rls_mentor('mentor-other')),
  '42501', null, 'a coordinator cannot delete a mentor of its chapter');

select tests.rls_sign_in('coord-multi');
select throws_ok(format($$delete from public.peer_mentors where id = %L$$, tests.rls_mentor('mentor-south')),
  '42501', null, 'the multi-chapter coordinator cannot delete a mentor of its chapters');

select tests.rls_sign_in('coord-idle');
select throws_ok($$delete from public.peer_mentors$$, '42501', null, 'the idle coordinator cannot delete mentors');

select tests.authenticate_as_service_role();
select results_eq(
  format($$insert into public.peer_mentors (user_id) values (%L) returning user_id$$, tests.rls_user('outsider')),
  format($$values (%L::uuid)$$, tests.rls_user('outsider')),
  'the service role inserts a mentor');
select results_eq(
  format($$update public.peer_mentors set certification_expires_at = '2030-01-01T00:00:00Z' where user_id = %L returning certification_expires_at$$,
         tests.rls_user('outsider')),
  $$values ('2030-01-01T00:00:00Z'::timestamptz)$$,
  'the service role sets certification_expires_at');
select results_eq(
  format($$delete from public.peer_mentors where user_id = %L returning user_id$$, tests.rls_user('outsider')),
  format($$values (%L::uuid)$$, tests.rls_user('outsider')),
  'the service role deletes a mentor');

select tests.clear_authentication();
select results_eq(
  $$select count(*) from public.peer_mentors pm join public.users u on u.id = pm.user_id where u.full_name like 'rls:%'$$,
  $$values (6::bigint)$$,
  'as owner: the six fixture mentors are all still there (no authenticated delete went through)');
select is(
  (select certification_expires_at from public.peer_mentors where id = tests.rls_mentor('mentor-self')) > now() + interval '300 days',
  true,
  'as owner: mentor self''s certification_expires_at is unchanged');

select * from finish();
rollback;
