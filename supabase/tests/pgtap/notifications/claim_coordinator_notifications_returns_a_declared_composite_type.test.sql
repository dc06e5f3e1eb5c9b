-- claim_coordinator_notifications returns rows of the declared composite type
-- public.claimed_coordinator_notification (not `returns table`), with the same columns in the same order as
-- before, so callers keep working and the type generator can describe each column.
begin;
select plan(2);

select function_returns('public', 'claim_coordinator_notifications', array['integer', 'interval'],
  'setof claimed_coordinator_notification', 'claim_coordinator_notifications returns setof public.claimed_coordinator_notification');

select results_eq(
  $$ select a.attname::text collate "default", a.atttypid::regtype
       from pg_catalog.pg_attribute a
      where a.attrelid = 'public.claimed_coordinator_notification'::regclass and a.attnum > 0 and not a.attisdropped
      order by a.attnum $$,
  $$ values ('id', 'bigint'::regtype), ('claim_token', 'uuid'), ('attempts', 'integer'), ('coordinator_id', 'uuid'),
            ('coordinator_email', 'text'), ('coordinator_name', 'text'), ('mentor_id', 'uuid'), ('mentor_name', 'text'),
            ('previous_status', 'public.mentor_status'), ('new_status', 'public.mentor_status'), ('reason', 'text'),
            ('changed_at', 'timestamp with time zone'), ('changed_by', 'uuid'), ('job_run_id', 'uuid'),
            ('created_at', 'timestamp with time zone') $$,
  'its columns are the claim''s columns, in the claim''s order');

select * from finish();
rollback;
