-- Advisor (Security, "extension in public"): extensions live in schema extensions, not public, so their
-- functions are not exposed through the Data API as RPC endpoints of this project.
begin;
select plan(1);

select is_empty(
  $$select e.extname::text from pg_catalog.pg_extension e where e.extnamespace = 'public'::regnamespace$$,
  'no extension is installed in public');

select * from finish();
rollback;
