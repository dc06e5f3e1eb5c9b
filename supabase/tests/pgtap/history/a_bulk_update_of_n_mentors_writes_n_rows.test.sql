-- A bulk UPDATE of N mentors writes N history rows: one per mentor, each attributed to the one statement.
begin;
select plan(3);

select tests.create_mentor(tests.create_user('bulk-' || n)) from generate_series(1, 5) as n;

update public.peer_mentors
   set status = 'paused', status_reason = 'chapter closed for the holidays'
 where user_id in (select tests.uuid('bulk-' || n) from generate_series(1, 5) as n);

select is(
  (select count(*)::integer from public.peer_mentor_status_history
    where previous_status is not null
      and mentor_id in (select tests.uuid('mentor:' || tests.uuid('bulk-' || n)) from generate_series(1, 5) as n)),
  5,
  'an update of 5 mentors writes 5 change rows'
);

-- changed_at >= now(): written in this test's transaction (now() is its start), whatever else the database holds.
select set_eq(
  $$ select mentor_id from public.peer_mentor_status_history
      where previous_status is not null
        and changed_at >= now() $$,
  $$ select tests.uuid('mentor:' || tests.uuid('bulk-' || n)) from generate_series(1, 5) as n $$,
  'one row for each of the 5 mentors, and none for anyone else'
);

select is_empty(
  $$ select mentor_id
       from public.peer_mentor_status_history
      where previous_status is not null
        and mentor_id in (select tests.uuid('mentor:' || tests.uuid('bulk-' || n)) from generate_series(1, 5) as n)
        and (previous_status, new_status, reason) is distinct from
            ('active'::public.mentor_status, 'paused'::public.mentor_status, 'chapter closed for the holidays'::text) $$,
  'every row records active -> paused with the statement''s reason'
);

select * from finish();
rollback;
