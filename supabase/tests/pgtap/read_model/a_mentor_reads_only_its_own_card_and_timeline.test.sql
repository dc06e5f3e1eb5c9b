-- public.my_mentor_card, public.mentor_cards and public.mentor_status_timeline under RLS: a mentor reads its own
-- card and history and nobody else's; a coordinator reads the cards and timelines of the mentors it is
-- responsible for and no others; anon nothing.
begin;
select plan(12);

--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
select tests.create_rls_fixture();
update public.peer_mentors set status = 'paused', status_reason = 'fixture'
 where id in (tests.rls_mentor('mentor-self'), tests.rls_mentor('mentor-other'));

select tests.authenticate_as_anon();
select throws_ok($$select mentor_id from public.my_mentor_card$$, '42501', null, 'anon cannot read a card');
select throws_ok($$select id from public.mentor_status_timeline$$, '42501', null, 'anon cannot read a timeline');

select tests.rls_sign_in('mentor-self');
select results_eq($$select mentor_id, status::text, status_reason from public.my_mentor_card$$,
  $$values (tests.rls_mentor('mentor-self'), 'paused', 'fixture')$$,
  'mentor self reads its own card: its current status and reason');
select set_eq($$select mentor_id from public.mentor_cards$$, $$values (tests.rls_mentor('mentor-self'))$$,
  'mentor self reads no other mentor''s card');
select results_eq($$select mentor_id, previous_status::text, new_status::text from public.mentor_status_timeline order by changed_at, id$$,
  $$values (tests.rls_mentor('mentor-self'), null::text, 'active'), (tests.rls_mentor('mentor-self'), 'active', 'paused')$$,
  'mentor self reads its own timeline only, oldest first');
select is_empty($$select id from public.mentor_status_timeline where mentor_id = tests.rls_mentor('mentor-other')$$,
  'mentor self cannot read mentor other''s timeline, even by asking for it');

select tests.rls_sign_in('mentor-former');
select set_eq($$select mentor_id from public.my_mentor_card$$, $$values (tests.rls_mentor('mentor-former'))$$,
  'a mentor whose membership ended still reads its own card');
select is((select chapter_ids from public.my_mentor_card), '{}'::uuid[], '...with no chapters: its membership is inactive');

select tests.rls_sign_in('coord-north');
select is_empty($$select mentor_id from public.my_mentor_card$$, 'a coordinator who is no mentor has no card of its own');
select set_eq($$select distinct mentor_id from public.mentor_status_timeline$$,
  $$values (tests.rls_mentor('mentor-self')), (tests.rls_mentor('mentor-other'))$$,
  'coord-north reads the timelines of the mentors of north only');

select tests.rls_sign_in('coord-west');
select is_empty($$select id from public.mentor_status_timeline where mentor_id = tests.rls_mentor('mentor-self')$$,
  'coord-west cannot read the timeline of a mentor of north');
select is_empty($$select mentor_id from public.mentor_cards where mentor_id = tests.rls_mentor('mentor-self')$$,
  'nor its card');

select * from finish();
rollback;
