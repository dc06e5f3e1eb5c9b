-- Contract: mentor_status enum, in this order: 'active', 'paused', 'inactive'.
begin;
select plan(2);

select has_enum('public', 'mentor_status', 'public.mentor_status exists');
-- enum_has_labels compares the labels in enumsortorder, so this also pins the order.
select enum_has_labels('public', 'mentor_status', array['active', 'paused', 'inactive']::name[],
  'mentor_status labels are active, paused, inactive, in that order');

select * from finish();
rollback;
