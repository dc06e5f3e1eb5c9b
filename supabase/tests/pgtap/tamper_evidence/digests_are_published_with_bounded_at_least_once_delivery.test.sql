-- Tamper evidence: digests leave the database through claim / complete / fail, with the notifications' bounded
-- at-least-once delivery (retries back off; after app.notification_max_attempts attempts a digest is dead, kept
-- and never claimed again until re-queued); a digest's content never changes (append-only).
begin;
select plan(11);

select set_config('app.notification_max_attempts', '2', true);
create temporary table fixture on commit drop as select tests.tamper_fixture() as digest;
create temporary table c1 on commit drop as select * from public.claim_status_history_digests(10, interval '5 minutes');
select is((select digest from c1 where id = (fixture.digest ->> 'digest_id')::bigint), fixture.digest, 'the new digest is handed out as taken')
  from fixture;
select is((select count(*) from public.claim_status_history_digests(10)), 0::bigint, 'a claimed digest is not handed out twice');
select is((select count(*) from public.fail_status_history_digests(array(select id from c1), (select claim_token from c1 limit 1), 'sink down')
           where dead_at is null and next_attempt_at > now()), (select count(*) from c1), 'a failure backs off');
update public.status_history_digests set next_attempt_at = null where id in (select id from c1);
create temporary table c2 on commit drop as select * from public.claim_status_history_digests(10);
select is((select max(attempts) from c2), 2, 'retried: second attempt');
select is((select count(*) from public.fail_status_history_digests(array(select id from c2), (select claim_token from c2 limit 1), 'still down')
           where dead_at is not null), (select count(*) from c2), 'after the last attempt it is dead');
select is((select count(*) from public.claim_status_history_digests(10)), 0::bigint, 'a dead digest is not claimed');
select is(public.requeue_status_history_digests(array(select id from c2)), (select count(*)::integer from c2), 'the service role re-queues it');
create temporary table c3 on commit drop as select * from public.claim_status_history_digests(10);
select is((select count(*) from public.fail_status_history_digests(array(select id from c3), gen_random_uuid(), 'not mine')), 0::bigint,
  'a failure reported under another claim''s token records nothing');
select is(public.complete_status_history_digests(array(select id from c3), gen_random_uuid()), 0,
  'a confirmation under another claim''s token confirms nothing');
select is(public.complete_status_history_digests(array(select id from c3), (select claim_token from c3 limit 1)), (select count(*)::integer from c3),
  'a publisher confirms it published');
select throws_ok($$ update public.status_history_digests set digest = '{}' $$, 'PM602', null, 'a digest''s content cannot change');

select * from finish();
rollback;
