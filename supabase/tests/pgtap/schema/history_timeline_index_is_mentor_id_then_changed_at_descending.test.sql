-- Contract: a composite index on peer_mentor_status_history (mentor_id, changed_at desc), serving
-- `where mentor_id = $1 order by changed_at desc` (the plan itself is checked by the migration smoke test).
begin;
select plan(4);

select has_index('public', 'peer_mentor_status_history', 'peer_mentor_status_history_mentor_timeline_idx',
  array['mentor_id', 'changed_at']::name[],
  'peer_mentor_status_history_mentor_timeline_idx indexes (mentor_id, changed_at)');
select index_is_type('public', 'peer_mentor_status_history', 'peer_mentor_status_history_mentor_timeline_idx', 'btree',
  'the timeline index is a btree (it can return rows in order)');

-- has_index ignores sort order: read it from pg_index.indoption (bit 0 = DESC), key by key.
select results_eq(
  $$
    select k.position::integer, a.attname::text collate "default", (i.indoption[k.position - 1] & 1) = 1 as is_descending
      from pg_catalog.pg_index i
     cross join lateral unnest(i.indkey) with ordinality as k(attnum, position)
      join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
     where i.indexrelid = 'public.peer_mentor_status_history_mentor_timeline_idx'::regclass
     order by k.position
  $$,
  $$ values (1, 'mentor_id', false), (2, 'changed_at', true) $$,
  'the timeline index keys are mentor_id ascending, then changed_at descending'
);

-- A partial or invalid index would not serve every mentor's timeline.
select results_eq(
  $$
    select i.indpred is null as is_total, i.indisvalid, i.indisready
      from pg_catalog.pg_index i
     where i.indexrelid = 'public.peer_mentor_status_history_mentor_timeline_idx'::regclass
  $$,
  $$ values (true, true, true) $$,
  'the timeline index covers every row (not partial) and is valid'
);

select * from finish();
rollback;
