-- Contract / planning card: the column comment on peer_mentor_status_history.mentor_id documents the GDPR
-- choice: ON DELETE CASCADE for right-to-erasure, with soft deletes preferred in practice.
begin;
select plan(3);

select matches(
  pg_catalog.col_description('public.peer_mentor_status_history'::regclass,
    (select attnum from pg_catalog.pg_attribute
      where attrelid = 'public.peer_mentor_status_history'::regclass and attname = 'mentor_id')),
  '(?i)cascade',
  'the mentor_id comment names the cascade on mentor deletion');
select matches(
  pg_catalog.col_description('public.peer_mentor_status_history'::regclass,
    (select attnum from pg_catalog.pg_attribute
      where attrelid = 'public.peer_mentor_status_history'::regclass and attname = 'mentor_id')),
  '(?i)gdpr|right[ -]to[ -]erasure',
  'the mentor_id comment gives the reason: GDPR right to erasure');
select matches(
  pg_catalog.col_description('public.peer_mentor_status_history'::regclass,
    (select attnum from pg_catalog.pg_attribute
      where attrelid = 'public.peer_mentor_status_history'::regclass and attname = 'mentor_id')),
  '(?i)prefer[a-z]* (a )?soft[ -]delete|soft[ -]delete[a-z]* (is |are )?preferred',
  'the mentor_id comment says a soft delete is preferred');

select * from finish();
rollback;
