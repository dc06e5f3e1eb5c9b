-- Outbox: the certification-expiry job's one bulk UPDATE queues, set-based (one statement-level trigger run over
-- the transition table), one notification per resolved coordinator for every mentor it pauses, each tied to a
-- history row of that job run; mentors it does not change get nothing.
begin;
select plan(4);

do $$
declare
  v_org uuid := tests.create_organization('expiry nordic');
  v_oslo uuid := tests.create_chapter(v_org, 'expiry oslo');
  v_bergen uuid := tests.create_chapter(v_org, 'expiry bergen');
  v_tromso uuid := tests.create_chapter(v_org, 'expiry tromso');
  v_lonely_org uuid := tests.create_organization('expiry lonely');
  v_lonely uuid := tests.create_chapter(v_lonely_org, 'expiry lonely chapter');
begin
  perform tests.add_membership(v_oslo, tests.create_user('expiry cora'), 'coordinator');
  perform tests.add_membership(v_bergen, tests.create_user('expiry colin'), 'coordinator');
  -- Expired on 2020-06-01: Mia (Oslo), Max (Oslo + Bergen), Tor (Tromsø: organisation fallback), Lu (no coordinator).
  perform tests.add_membership(v_oslo, tests.create_user('expiry mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('expiry mia'), 'active', '2020-06-01');
  perform tests.add_membership(v_oslo, tests.create_user('expiry max'), 'peer_mentor');
  perform tests.add_membership(v_bergen, tests.uuid('expiry max'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('expiry max'), 'active', '2020-06-01');
  perform tests.add_membership(v_tromso, tests.create_user('expiry tor'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('expiry tor'), 'active', '2020-06-01');
  perform tests.add_membership(v_lonely, tests.create_user('expiry lu'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('expiry lu'), 'active', '2020-06-01');
  -- Not changed by the job: Vic is still certified; Pia was already paused.
  perform tests.add_membership(v_oslo, tests.create_user('expiry vic'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('expiry vic'), 'active', '2022-01-01');
  perform tests.add_membership(v_oslo, tests.create_user('expiry pia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('expiry pia'), 'paused', '2020-06-01');
end;
$$;

select tests.authenticate_as_service_role();
create temporary table expiry_run on commit drop as
  select public.run_certification_expiry_job('2021-01-01') as id;
select tests.clear_authentication();

select bag_eq(
  $$ select pm.user_id, n.coordinator_id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
       join public.peer_mentors pm on pm.id = h.mentor_id
      where pm.user_id in (select tests.uuid('expiry ' || x)
                             from unnest(array['mia', 'max', 'tor', 'lu', 'vic', 'pia']) x) $$,
  $$ values (tests.uuid('expiry mia'), tests.uuid('expiry cora')),
            (tests.uuid('expiry max'), tests.uuid('expiry cora')),
            (tests.uuid('expiry max'), tests.uuid('expiry colin')),
            (tests.uuid('expiry tor'), tests.uuid('expiry cora')),
            (tests.uuid('expiry tor'), tests.uuid('expiry colin')) $$,
  'the expiry job queues one notification per resolved coordinator of every mentor it pauses, and none for the others'
);

select is_empty(
  $$ select n.id
       from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
       join public.peer_mentors pm on pm.id = h.mentor_id
      where pm.user_id in (select tests.uuid('expiry ' || x) from unnest(array['mia', 'max', 'tor']) x)
        and (h.job_run_id is distinct from (select id from expiry_run)
             or h.new_status <> 'paused' or h.reason <> 'certification_expired' or h.changed_by is not null) $$,
  'every one of them tells about a pause (certification_expired) by that job run, with no human actor'
);

select is(
  (select affected_count from public.job_runs where id = (select id from expiry_run)),
  (select count(*)::integer from public.peer_mentor_status_history where job_run_id = (select id from expiry_run)),
  'fixture: the job run recorded the mentors it paused'
);

select ok(
  (select t.tgtype::integer & 1 = 0 and t.tgenabled <> 'D'
     from pg_catalog.pg_trigger t
    where t.tgrelid = 'public.peer_mentors'::regclass
      and t.tgfoid = 'private.record_status_history_on_update()'::regprocedure),
  'the outbox is filled, with the history rows, by an enabled FOR EACH STATEMENT trigger on peer_mentors (set-based for a bulk pause)'
);

select * from finish();
rollback;
