-- Per mentor, ordered by (changed_at, id), the history is an unbroken chain: the first row has no previous
-- status, each row's previous_status is the new_status of the row before, and the last row's new_status is
-- the mentor's current status (and its reason the mentor's current status_reason). Checked after a mixed
-- sequence of changes by every kind of caller, bulk updates, a job run, no-op updates and refused changes.
begin;
select plan(4);

select tests.create_chapter(tests.create_organization('Chain Org'), 'Chain Town');
select tests.create_user('coco');
select tests.add_membership(tests.uuid('chapter:Chain Town'), tests.uuid('coco'), 'coordinator');
select tests.create_mentor(tests.create_user('chain-' || n), case when n = 3 then 'paused' else 'active' end::public.mentor_status)
  from generate_series(1, 3) as n;
select tests.add_membership(tests.uuid('chapter:Chain Town'), tests.uuid('chain-' || n), 'peer_mentor')
  from generate_series(1, 3) as n;

-- The mentors themselves.
select tests.authenticate_as(tests.uuid('chain-1'));
update public.peer_mentors set status = 'paused', status_reason = 'holiday' where user_id = tests.uuid('chain-1');
update public.peer_mentors set status = 'active' where user_id = tests.uuid('chain-1');
select throws_ok(
  $$ update public.peer_mentors set status = 'inactive' where user_id = tests.uuid('chain-1') $$,
  'PM101',
  null,
  'fixture: a mentor''s attempt to set itself inactive is refused'
);
select tests.authenticate_as(tests.uuid('chain-3'));
update public.peer_mentors set status = 'active' where user_id = tests.uuid('chain-3');

-- The coordinator, one mentor and then all three in one statement.
select tests.authenticate_as(tests.uuid('coco'));
update public.peer_mentors set status = 'inactive' where user_id = tests.uuid('chain-2');
update public.peer_mentors set status = 'paused'
 where user_id in (tests.uuid('chain-1'), tests.uuid('chain-2'), tests.uuid('chain-3'));
update public.peer_mentors set status = status
 where user_id = tests.uuid('chain-2');
select throws_ok(
  $$ update public.peer_mentors set status_reason = 'a reason without a status change' where user_id = tests.uuid('chain-2') $$,
  'PM104',
  null,
  'fixture: the coordinator''s reason-only update is refused'
);

-- The service role inside a job run, and the owner.
select tests.authenticate_as_service_role();
insert into public.job_runs (id, job_name) values (tests.uuid('job:chain'), 'reactivation');
select set_config('app.job_run_id', tests.uuid('job:chain')::text, true);
update public.peer_mentors set status = 'active'
 where user_id in (tests.uuid('chain-1'), tests.uuid('chain-2'));
select set_config('app.job_run_id', '', true);
select tests.clear_authentication();
update public.peer_mentors set status = 'inactive' where user_id = tests.uuid('chain-1');

select results_eq(
  $$ select previous_status, new_status
       from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('chain-1'))
      order by changed_at, id $$,
  $$ values (null::public.mentor_status, 'active'::public.mentor_status),
            ('active', 'paused'), ('paused', 'active'), ('active', 'paused'), ('paused', 'active'), ('active', 'inactive') $$,
  'fixture: the first mentor''s history is the six steps it went through'
);

select is_empty(
  $$ with ordered as (
       select h.mentor_id, h.id, h.previous_status, h.new_status, h.reason,
              lag(h.new_status) over w as prior_new_status,
              row_number() over w as position,
              count(*) over (partition by h.mentor_id) as total
         from public.peer_mentor_status_history h
        where h.mentor_id in (select tests.uuid('mentor:' || tests.uuid('chain-' || n)) from generate_series(1, 3) as n)
       window w as (partition by h.mentor_id order by h.changed_at, h.id)
     )
     select o.mentor_id, o.id, 'first row has a previous status' as chain_break
       from ordered o where o.position = 1 and o.previous_status is not null
     union all
     select o.mentor_id, o.id, 'previous_status is not the prior row''s new_status'
       from ordered o where o.position > 1 and o.previous_status is distinct from o.prior_new_status
     union all
     select o.mentor_id, o.id, 'last row is not the current status'
       from ordered o join public.peer_mentors pm on pm.id = o.mentor_id
      where o.position = o.total and o.new_status <> pm.status
     union all
     select o.mentor_id, o.id, 'last row''s reason is not the current status_reason'
       from ordered o join public.peer_mentors pm on pm.id = o.mentor_id
      where o.position = o.total and o.reason is distinct from pm.status_reason
     union all
     select pm.id, null, 'mentor without history'
       from public.peer_mentors pm
      where pm.id in (select tests.uuid('mentor:' || tests.uuid('chain-' || n)) from generate_series(1, 3) as n)
        and not exists (select 1 from public.peer_mentor_status_history h where h.mentor_id = pm.id) $$,
  'every mentor''s history is an unbroken chain ending at its current status and status_reason'
);

select * from finish();
rollback;
