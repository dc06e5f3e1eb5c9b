-- Tamper evidence: a row's proof does not depend on the session's TimeZone, DateStyle, extra_float_digits or
-- bytea_output; a digest is constant size; only the service role and the owner may take digests, verify and
-- publish them (contract: "service role and owner only"; hygiene: no API role executes them).
begin;
select plan(19);

create temporary table fixture on commit drop as select tests.tamper_fixture() as digest;
create temporary table proofs_utc on commit drop as
select h.id, private.status_history_proof(null, h.id, h.mentor_id, h.previous_status, h.new_status, h.changed_at, h.reason,
         h.changed_by_pseudonym, h.job_run_pseudonym, h.proof_origin) as p
  from public.peer_mentor_status_history h;

set local timezone = 'Pacific/Chatham';
set local datestyle = 'SQL, DMY';
set local extra_float_digits = -15;
set local bytea_output = 'escape';
set local intervalstyle = 'iso_8601';
select is(
  (select count(*) from public.peer_mentor_status_history h join proofs_utc u on u.id = h.id
    where u.p <> private.status_history_proof(null, h.id, h.mentor_id, h.previous_status, h.new_status, h.changed_at, h.reason,
                   h.changed_by_pseudonym, h.job_run_pseudonym, h.proof_origin)),
  0::bigint, 'every row''s encoding is the same under another TimeZone, DateStyle, extra_float_digits and bytea_output');
select is((select count(*) from public.verify_status_history((select digest from fixture))), 0::bigint,
  'the history verifies clean against its digest under those settings');
update public.peer_mentors set status = 'paused', status_reason = 'written under odd settings'
 where id = tests.uuid('mentor:' || tests.uuid('tamper max'));
reset timezone; reset datestyle; reset extra_float_digits; reset bytea_output; reset intervalstyle;
select is((select count(*) from public.verify_status_history()), 0::bigint,
  'a row written under those settings verifies under the defaults');

-- Constant size: the same keys and about the same length with 150 more mentors.
select tests.create_mentor(tests.create_user('digest size ' || n)) from generate_series(1, 150) n;
select is((select array_agg(k order by k) from jsonb_object_keys(public.status_history_digest()) k),
  (select array_agg(k order by k) from jsonb_object_keys((select digest from fixture)) k),
  'a digest has the same keys whatever the history holds');
select cmp_ok(octet_length((select digest::text from public.status_history_digests order by id desc limit 1)), '<=', 420,
  'and stays small (a few hundred bytes, whatever the row count)');

-- Who may call them.
select ok(not has_function_privilege(r.role, f.fn, 'execute'), pg_catalog.format('%s cannot execute %s', r.role, f.fn))
  from (values ('public.status_history_digest()'), ('public.verify_status_history(jsonb)'),
               ('public.claim_status_history_digests(integer, interval)'), ('public.complete_status_history_digests(bigint[], uuid)'),
               ('public.fail_status_history_digests(bigint[], uuid, text)'), ('public.requeue_status_history_digests(bigint[])')) f(fn)
 cross join (values ('anon'), ('authenticated')) r(role);
select ok(has_function_privilege('service_role', 'public.status_history_digest()', 'execute')
      and has_function_privilege('service_role', 'public.verify_status_history(jsonb)', 'execute')
      and has_function_privilege('service_role', 'public.claim_status_history_digests(integer, interval)', 'execute'),
  'the service role may take, verify and publish digests');
select tests.authenticate_as(tests.uuid('tamper mia'));
select throws_ok($$ select public.status_history_digest() $$, '42501', null, 'a signed-in user cannot take a digest');
select tests.clear_authentication();

select * from finish();
rollback;
