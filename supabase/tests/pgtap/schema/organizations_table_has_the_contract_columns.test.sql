-- Contract: organizations (id uuid pk, name text not null).
begin;
select plan(5);

select has_table('public', 'organizations', 'public.organizations exists');
select col_type_is('public', 'organizations', 'id', 'uuid', 'organizations.id is uuid');
select col_is_pk('public', 'organizations', 'id', 'organizations.id is the primary key');
select col_type_is('public', 'organizations', 'name', 'text', 'organizations.name is text');
select col_not_null('public', 'organizations', 'name', 'organizations.name is not null');

select * from finish();
rollback;
