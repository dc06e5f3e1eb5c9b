-- The responsibility relation is kept by the database, in the same transaction as every change that can move
-- it: memberships added, ended, re-activated, deleted or changed in role (single-row and bulk); a chapter
-- moving to another organisation or being deleted; mentors added or deleted; users deleted. After each step it
-- equals the contract's definition computed from scratch (private.responsibility_differences() is empty), and
-- the step's expected pairs hold.
begin;
select plan(26);

select tests.create_organization('Move A');
select tests.create_organization('Move B');
select tests.create_chapter(tests.uuid('org:Move A'), 'Move A1');
select tests.create_chapter(tests.uuid('org:Move A'), 'Move A2');
select tests.create_chapter(tests.uuid('org:Move B'), 'Move B1');
select tests.create_user(n) from unnest(array['ka', 'kb', 'kc', 'ma', 'mb', 'mc']) n;

create function pg_temp.coordinators(p_user text) returns uuid[]
language sql stable as $$
  select coalesce(array_agg(distinct r.coordinator_id order by r.coordinator_id), '{}')
    from private.responsibilities r
   where r.mentor_id = tests.uuid('mentor:' || tests.uuid(p_user));
$$;
create function pg_temp.ids(variadic p_users text[]) returns uuid[]
language sql immutable as $$
  select coalesce(array_agg(tests.uuid(u) order by tests.uuid(u)), '{}') from unnest(p_users) u;
$$;

-- Mentors first, memberships after (the order an import takes).
select tests.create_mentor(tests.uuid('ma'));
select tests.create_mentor(tests.uuid('mb'));
select is(pg_temp.coordinators('ma'), '{}'::uuid[], 'a mentor without memberships has nobody');
select tests.add_membership(tests.uuid('chapter:Move A1'), tests.uuid('ma'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Move A2'), tests.uuid('mb'), 'peer_mentor');
select is(pg_temp.coordinators('ma'), '{}'::uuid[], 'a mentor in a chapter of an organisation without coordinators has nobody');

-- A coordinator joins A2: ma (A1, no coordinator) falls back to it, mb has it through the chapter.
select tests.add_membership(tests.uuid('chapter:Move A2'), tests.uuid('ka'), 'coordinator');
select is(pg_temp.coordinators('ma'), pg_temp.ids('ka'), 'coordinator added in A2: ma (A1) has ka through the organisation');
select is(pg_temp.coordinators('mb'), pg_temp.ids('ka'), 'and mb (A2) through the chapter');
select is_empty($$ select * from private.responsibility_differences() $$, 'no difference after a coordinator joined');

-- A coordinator joins A1: ma now has kb through its chapter and no fallback.
select tests.add_membership(tests.uuid('chapter:Move A1'), tests.uuid('kb'), 'coordinator');
select is(pg_temp.coordinators('ma'), pg_temp.ids('kb'), 'coordinator added in A1: ma has kb only (no fallback once its chapter has one)');
select is_empty($$ select * from private.responsibility_differences() $$, 'no difference after the second coordinator');

-- Ended, then re-activated.
update public.chapter_memberships set is_active = false
 where chapter_id = tests.uuid('chapter:Move A1') and user_id = tests.uuid('kb') and role = 'coordinator';
select is(pg_temp.coordinators('ma'), pg_temp.ids('ka'), 'kb''s membership ended: ma falls back to the organisation (ka)');
update public.chapter_memberships set is_active = true
 where chapter_id = tests.uuid('chapter:Move A1') and user_id = tests.uuid('kb') and role = 'coordinator';
select is(pg_temp.coordinators('ma'), pg_temp.ids('kb'), 're-activated: ma has kb again');

-- Role changed: kb becomes a peer mentor of A1 (the primary key's role column changes).
update public.chapter_memberships set role = 'peer_mentor'
 where chapter_id = tests.uuid('chapter:Move A1') and user_id = tests.uuid('kb') and role = 'coordinator';
select is(pg_temp.coordinators('ma'), pg_temp.ids('ka'), 'kb''s role changed to peer_mentor: ma falls back to ka');
select is_empty($$ select * from private.responsibility_differences() $$, 'no difference after a role change');

-- A mentor who is the only coordinator of its chapter falls back too (nobody coordinates itself).
select tests.create_mentor(tests.uuid('kb'));
select is(pg_temp.coordinators('kb'), pg_temp.ids('ka'), 'kb, now a mentor in A1, falls back to ka');
select tests.add_membership(tests.uuid('chapter:Move A1'), tests.uuid('kb'), 'coordinator');
select is(pg_temp.coordinators('kb'), pg_temp.ids('ka'),
  'kb coordinating its own chapter is not its own coordinator: still the fallback (ka)');
select is(pg_temp.coordinators('ma'), pg_temp.ids('kb'), 'while ma has kb through the chapter');

-- The chapter A2 moves to organisation B: ka moves with it, so A1's fallback loses it.
update public.chapters set organization_id = tests.uuid('org:Move B') where id = tests.uuid('chapter:Move A2');
select is(pg_temp.coordinators('kb'), '{}'::uuid[], 'A2 moved to B: kb (A1, sole coordinator itself) has nobody left in A');
select is(pg_temp.coordinators('mb'), pg_temp.ids('ka'), 'mb still has ka through A2');
select is_empty($$ select * from private.responsibility_differences() $$, 'no difference after a chapter moved');

-- Bulk: one statement adds three memberships, one ends two.
select tests.create_mentor(tests.uuid('mc'));
insert into public.chapter_memberships (chapter_id, user_id, role) values
  (tests.uuid('chapter:Move B1'), tests.uuid('mc'), 'peer_mentor'),
  (tests.uuid('chapter:Move B1'), tests.uuid('kc'), 'coordinator'),
  (tests.uuid('chapter:Move A2'), tests.uuid('mc'), 'peer_mentor');
select is(pg_temp.coordinators('mc'), pg_temp.ids('ka', 'kc'), 'a bulk insert: mc has kc (B1) and ka (A2)');
update public.chapter_memberships set is_active = false
 where user_id in (tests.uuid('ka'), tests.uuid('kc')) and role = 'coordinator';
select is(pg_temp.coordinators('mc'), '{}'::uuid[], 'a bulk update ending both coordinators: mc has nobody');
select is_empty($$ select * from private.responsibility_differences() $$, 'no difference after bulk statements');
update public.chapter_memberships set is_active = true
 where user_id in (tests.uuid('ka'), tests.uuid('kc')) and role = 'coordinator';

-- Deletions: a membership, a chapter (cascading to its memberships), a mentor, a user.
delete from public.chapter_memberships where chapter_id = tests.uuid('chapter:Move B1') and user_id = tests.uuid('kc');
select is(pg_temp.coordinators('mc'), pg_temp.ids('ka'), 'kc''s membership deleted: mc has ka only');
delete from public.chapters where id = tests.uuid('chapter:Move A2');
select is(pg_temp.coordinators('mb'), '{}'::uuid[], 'A2 deleted: mb, whose only chapter it was, has nobody');
select is(pg_temp.coordinators('mc'), '{}'::uuid[], 'and mc (B1 without coordinators, B has none left) nobody');
delete from public.peer_mentors where user_id = tests.uuid('ma');
select is(
  (select count(*)::integer from private.mentor_scopes where mentor_id = tests.uuid('mentor:' || tests.uuid('ma'))),
  0, 'a deleted mentor leaves the relation');
delete from auth.users where id = tests.uuid('kb');
select is(
  (select count(*)::integer from private.coordinator_scopes where coordinator_id = tests.uuid('kb'))
  + (select count(*)::integer from private.mentor_scopes where mentor_user_id = tests.uuid('kb')),
  0, 'a deleted user (auth.users, cascading) leaves the relation as coordinator and as mentor');
select is_empty($$ select * from private.responsibility_differences() $$, 'no difference after the deletions');

select * from finish();
rollback;
