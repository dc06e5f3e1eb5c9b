-- Tamper evidence (contract): a mentor whose history vanished while the mentor exists, and a mentor removed
-- without its erasure being recorded, are reported naming the mentor; made by the owner around the triggers,
-- with them disabled and in replica mode (where the foreign key's cascade does not run either).
begin;
select plan(6);

create temporary table fixture on commit drop as select tests.tamper_fixture() as digest;

select ok(
  exists (select 1 from tests.tamper(m.mode,
            'delete from public.peer_mentor_status_history where mentor_id = tests.uuid(''mentor:'' || tests.uuid(''tamper max''))') t
           where t.mentor_id = tests.uuid('mentor:' || tests.uuid('tamper max')) and t.problem like '%history has vanished%'),
  pg_catalog.format('Max''s history deleted while Max exists (%s) is reported', m.mode))
  from (values ('disabled'), ('replica')) as m(mode);

-- Triggers disabled: the cascade still runs (a foreign key's action is no user trigger) but no erasure is
-- recorded; only the digest remembers Max. Replica mode: no cascade, Max's rows remain without their mentor.
select ok(
  exists (select 1 from tests.tamper(m.mode,
            'delete from public.peer_mentors where id = tests.uuid(''mentor:'' || tests.uuid(''tamper max''))',
            (select digest from fixture)) t
           where t.mentor_id = tests.uuid('mentor:' || tests.uuid('tamper max'))
             and t.problem like '%removed without its erasure being recorded%'),
  pg_catalog.format('Max removed without its erasure recorded (%s) is reported against the digest', m.mode))
  from (values ('disabled'), ('replica')) as m(mode);

select ok(
  exists (select 1 from tests.tamper('replica',
            'delete from public.peer_mentors where id = tests.uuid(''mentor:'' || tests.uuid(''tamper max''))') t
           where t.mentor_id = tests.uuid('mentor:' || tests.uuid('tamper max'))
             and t.problem like '%removed without its erasure being recorded%'),
  'in replica mode it is reported without a digest too (its history is left behind)');

-- A recorded erasure is no excuse for a mentor that still exists.
select ok(
  exists (select 1 from tests.tamper('disabled',
            $a$insert into public.status_history_erasures (mentor_id, erased_at, erased_by_role, history_rows)
               values (tests.uuid('mentor:' || tests.uuid('tamper max')), now(), 'postgres', 3);
               delete from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('tamper max'))$a$,
            (select digest from fixture)) t
           where t.mentor_id = tests.uuid('mentor:' || tests.uuid('tamper max')) and t.problem like '%history has vanished%'),
  'a forged erasure record does not excuse the vanished history of a mentor that exists');

select * from finish();
rollback;
