-- Contract: chapter_role enum: 'peer_mentor', 'coordinator'.
begin;
select plan(2);

select has_enum('public', 'chapter_role', 'public.chapter_role exists');
-- enum_has_labels compares the labels in enumsortorder, so this also pins the order.
select enum_has_labels('public', 'chapter_role', array['peer_mentor', 'coordinator']::name[],
  'chapter_role labels are peer_mentor, coordinator, in that order');

select * from finish();
rollback;
