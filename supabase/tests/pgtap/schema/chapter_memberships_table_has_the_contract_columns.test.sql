-- Contract: chapter_memberships (chapter_id uuid, user_id uuid, role chapter_role not null,
-- is_active boolean not null default true, primary key (chapter_id, user_id, role)).
begin;
select plan(10);

select has_table('public', 'chapter_memberships', 'public.chapter_memberships exists');
select col_type_is('public', 'chapter_memberships', 'chapter_id', 'uuid', 'chapter_memberships.chapter_id is uuid');
select col_not_null('public', 'chapter_memberships', 'chapter_id', 'chapter_memberships.chapter_id is not null');
select col_type_is('public', 'chapter_memberships', 'user_id', 'uuid', 'chapter_memberships.user_id is uuid');
select col_not_null('public', 'chapter_memberships', 'user_id', 'chapter_memberships.user_id is not null');
select col_type_is('public', 'chapter_memberships', 'role', 'public', 'chapter_role', 'chapter_memberships.role is public.chapter_role');
select col_not_null('public', 'chapter_memberships', 'role', 'chapter_memberships.role is not null');
select col_type_is('public', 'chapter_memberships', 'is_active', 'boolean', 'chapter_memberships.is_active is boolean');
select col_default_is('public', 'chapter_memberships', 'is_active', true, 'chapter_memberships.is_active defaults to true');
select col_is_pk('public', 'chapter_memberships', array['chapter_id', 'user_id', 'role']::name[],
  'the primary key is (chapter_id, user_id, role): one row per person, chapter and role');

select * from finish();
rollback;
