-- Platform shape: schema extensions is granted to postgres and the API roles, not to PUBLIC, so a role of
-- one's own cannot call extensions.* unless granted (a function that relies on PUBLIC's access fails there).
begin;
select plan(4);

select is(
  (select count(*)::int from pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
    where n.nspname = 'extensions' and a.grantee = 0),
  0, 'PUBLIC has no privilege on schema extensions');
select is(
  (select pg_catalog.bool_and(pg_catalog.has_schema_privilege(r, 'extensions', 'USAGE'))
     from unnest(array['postgres', 'anon', 'authenticated', 'service_role']) r),
  true, 'postgres, anon, authenticated and service_role may use it');
create role platform_shape_outsider nologin;
select is(pg_catalog.has_schema_privilege('platform_shape_outsider', 'extensions', 'USAGE'), false,
  'a role of one''s own cannot use extensions.* (pgTAP''s functions included, so it cannot even assert as that role)');
select lives_ok($$select extensions.gen_random_bytes(4)$$, 'postgres can');

select * from finish();
rollback;
